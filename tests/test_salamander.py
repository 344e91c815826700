"""The Salamander Grand Piano importer on files written here in its packages' naming: the root
comes from the name, the velocity from the layer, and other files are reported and skipped."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf

from server.corpus.build import BuildConfig, build_corpus, read_metadata
from server.corpus.salamander import LICENSE, parse_name

SR = 48000


def test_note_names_give_the_midi_note_and_layer() -> None:
    assert parse_name("C4v10") == (60, 10)
    assert parse_name("D#4v10") == (63, 10)
    assert parse_name("A0v1") == (21, 1)
    assert parse_name("C8v16") == (108, 16)
    for bad in ("C4", "H4v10", "C4v17", "piano", "C4v0"):
        assert parse_name(bad) is None, bad


def _note(path: Path, midi: int, level: float) -> None:
    t = np.arange(int(3.0 * SR)) / SR
    hz = 440.0 * 2 ** ((midi - 69) / 12)
    y = level * np.sin(2 * np.pi * hz * t) * np.exp(-t / 1.5)  # still ringing at 1 s
    sf.write(path, np.stack([y, y], axis=1).astype(np.float32), SR, format="OGG",
             subtype="VORBIS")


def test_piano_files_import_with_their_root_velocity_and_credit(tmp_path: Path) -> None:
    audio = tmp_path / "node_modules" / "@audio-samples" / "piano-velocity10" / "audio"
    audio.mkdir(parents=True)
    _note(audio / "C4v10.ogg", 60, 0.5)
    _note(audio / "F#2v4.ogg", 42, 0.2)
    _note(audio / "notes.ogg", 60, 0.5)  # not a note name
    (audio / "A1v10.ogg").write_bytes(b"OggS not really")  # unreadable
    report = build_corpus(BuildConfig(out=tmp_path / "c", salamander=[tmp_path],
                                      length_s=1.0), progress=False)
    records = {r["pitch"]: r for r in read_metadata(tmp_path / "c")}
    assert set(records) == {60, 42}
    assert records[60]["root_note"] == 60.0 and records[60]["class"] == "keys"
    assert records[42]["velocity"] < records[60]["velocity"]
    assert all(r["kit_license"] == LICENSE for r in records.values())
    y, sr = sf.read(tmp_path / "c" / records[60]["path"])
    assert sr == 44100 and len(y) == 44100 and abs(y[-1]) < 1e-3  # faded, not cut
    spectrum = np.abs(np.fft.rfft(y))
    assert abs(np.argmax(spectrum) * sr / len(y) - 261.63) < 3  # C4 sounds at its name
    log = "\n".join(report.problems)
    assert "notes.ogg" in log and "A1v10.ogg" in log
    assert any("piano" in c or "grand" in c for c in records[60]["captions"])
