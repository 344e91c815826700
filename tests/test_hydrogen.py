"""The Hydrogen kit importer on tiny kits written here: layers become records with their
velocity and the kit's licence, names place sounds in classes, bad kits and files are reported
and skipped."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf

from server.corpus.build import BuildConfig, build_corpus, read_metadata
from server.corpus.hydrogen import instrument_class, parse_kit

SR = 44100
KIT = """<?xml version="1.0" encoding="UTF-8"?>
<drumkit_info xmlns="http://www.hydrogen-music.org/drumkit">
 <name>Tiny Test Kit</name>
 <author>Shotcaller tests</author>
 <license>CC0</license>
 <instrumentList>
  <instrument><id>0</id><name>Kick</name>
   <layer><filename>kick_soft.wav</filename><min>0</min><max>0.5</max></layer>
   <layer><filename>kick_hard.wav</filename><min>0.5</min><max>1</max></layer>
  </instrument>
  <instrument><id>1</id><name>Open HH</name>
   <layer><filename>oh.flac</filename><min>0</min><max>1</max></layer>
  </instrument>
  <instrument><id>2</id><name>Djembe Bass</name>
   <layer><filename>djembe_bass.wav</filename><min>0</min><max>1</max></layer>
  </instrument>
  <instrument><id>3</id><name>Snare</name>
   <layer><filename>missing.wav</filename><min>0</min><max>1</max></layer>
  </instrument>
  <instrument><id>4</id><name>17</name>
   <layer><filename>emptySample.wav</filename><min>0</min><max>1</max></layer>
  </instrument>
 </instrumentList>
</drumkit_info>
"""


def _hit(path: Path, hz: float, decay: float, level: float) -> None:
    t = np.arange(int(0.6 * SR)) / SR
    rng = np.random.default_rng(int(hz))
    y = level * (np.sin(2 * np.pi * hz * t) + 0.2 * rng.standard_normal(len(t))) \
        * np.exp(-t / decay)
    sf.write(path, y.astype(np.float32), SR)


def _kits(root: Path) -> Path:
    kit = root / "kits" / "Tiny Test Kit"
    kit.mkdir(parents=True)
    (kit / "drumkit.xml").write_text(KIT)
    _hit(kit / "kick_soft.wav", 55, 0.2, 0.3)
    _hit(kit / "kick_hard.wav", 55, 0.2, 0.9)
    _hit(kit / "oh.flac", 8000, 0.4, 0.5)
    _hit(kit / "djembe_bass.wav", 90, 0.15, 0.8)
    _hit(kit / "emptySample.wav", 100, 0.1, 0.5)
    broken = root / "kits" / "Broken Kit"
    broken.mkdir()
    (broken / "drumkit.xml").write_text("<drumkit_info><name>Broken")
    return root / "kits"


def test_a_kit_file_parses_with_its_layers_and_licence(tmp_path: Path) -> None:
    kit = parse_kit(_kits(tmp_path) / "Tiny Test Kit" / "drumkit.xml")
    assert (kit.name, kit.author, kit.license) == ("Tiny Test Kit", "Shotcaller tests", "CC0")
    kick = kit.instruments[0]
    assert [(layer.file, layer.velocity) for layer in kick.layers] == [
        ("kick_soft.wav", 32), ("kick_hard.wav", 95)]
    classes = [instrument_class(kit, i, i.layers[0].file) for i in kit.instruments]
    assert classes == ["kick", "open_hat", "perc", "snare", "unknown"]


def test_kits_import_and_bad_ones_are_reported(tmp_path: Path) -> None:
    report = build_corpus(BuildConfig(out=tmp_path / "c", hydrogen=[_kits(tmp_path)],
                                      length_s=0.5), progress=False)
    records = read_metadata(tmp_path / "c")
    by_file = {Path(r["source_file"]).name: r for r in records}
    assert set(by_file) == {"kick_soft.wav", "kick_hard.wav", "oh.flac", "djembe_bass.wav"}
    assert by_file["kick_soft.wav"]["velocity"] < by_file["kick_hard.wav"]["velocity"]
    assert by_file["oh.flac"]["class"] == "open_hat" and by_file["djembe_bass.wav"]["class"] \
        == "perc"
    assert all(r["kit_license"] == "CC0" and r["instrument_str"] == "hydrogen-tiny-test-kit"
               for r in records)
    assert len({r["split"] for r in records}) == 1  # a kit is held out whole
    log = "\n".join(report.problems)
    assert "Broken Kit" in log and "missing.wav" in log and "emptySample.wav" in log
    assert any("kick" in c for c in by_file["kick_hard.wav"]["captions"])
