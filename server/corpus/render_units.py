"""Units of corpus work: one soundfont preset, or one chunk of imported files.

A unit is picklable, names itself (``unit_id``) for resumability, and produces raw records
plus the audio files they point to. Each preset unit renders on a synth of its own, so its
audio does not depend on which worker ran which unit before it.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import soundfile as sf

from .descriptors import describe, is_silent_or_broken
from .gm import CLASS_RANGES, GM_DRUM_KEYS, GM_PROGRAMS, drum_class, nsynth_source, program_class
from .soundfont import Preset, SoundFontRenderer

log = logging.getLogger(__name__)

NOTE_NAMES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")


def note_name(midi: int) -> str:
    return f"{NOTE_NAMES[midi % 12]}{midi // 12 - 1}"


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


@dataclass(frozen=True)
class RenderSettings:
    sample_rate: int = 44100
    length_s: float = 1.5
    hold_s: float = 1.0
    pitch_step: int = 2
    velocities: tuple[int, ...] = (40, 80, 120)
    drum_velocities: tuple[int, ...] = (30, 55, 80, 105, 127)
    drum_bends: tuple[float, ...] = (-1.0, 0.0, 1.0)


@dataclass(frozen=True)
class PresetUnit:
    soundfont_path: str
    preset: Preset
    settings: RenderSettings = field(default_factory=RenderSettings)

    @property
    def unit_id(self) -> str:
        p = self.preset
        return f"sf-{slug(Path(p.soundfont).stem)}-{p.bank:03d}-{p.program:03d}"

    def run(self, corpus_dir: Path) -> tuple[list[dict], list[str]]:
        # A synth shared across units carried state between them (system_reset and a discarded
        # first note were not enough: under CPU load, 1 of 8 paired TimGM builds differed in one
        # preset's audio). With samples loaded on demand a fresh synth costs 0.02 s (FluidR3) to
        # 0.9 s (MuseScore .sf3).
        renderer = SoundFontRenderer(self.soundfont_path, sample_rate=self.settings.sample_rate,
                                     load_samples_on_demand=True)
        try:
            return self._render_all(renderer, corpus_dir)
        finally:
            renderer.close()

    def _render_all(self, renderer: SoundFontRenderer, corpus_dir: Path):
        p, s = self.preset, self.settings
        rel_dir = Path("audio") / slug(Path(p.soundfont).stem) / f"{p.bank:03d}-{p.program:03d}"
        (corpus_dir / rel_dir).mkdir(parents=True, exist_ok=True)
        records: list[dict] = []
        dropped: list[str] = []
        for note, velocity, bend, sound_class in self._grid():
            y = renderer.render(p, note, velocity, hold_s=s.hold_s, length_s=s.length_s,
                                bend_semitones=bend)
            tag = f"{note:03d}-{velocity:03d}" + (f"-b{bend:+.0f}" if bend else "")
            problem = is_silent_or_broken(y)
            if problem:
                dropped.append(f"{self.unit_id} {tag}: {problem}")
                continue
            d = describe(y, sr=s.sample_rate, note_off_s=s.hold_s)
            rel = rel_dir / f"{tag}.wav"
            sf.write(corpus_dir / rel, y / d.peak * 0.99, s.sample_rate, subtype="PCM_16")
            records.append(self._record(note, velocity, bend, sound_class, d, rel))
        return records, dropped

    def _grid(self):
        p, s = self.preset, self.settings
        if p.is_drum_kit:
            for key in sorted(GM_DRUM_KEYS):
                for velocity in s.drum_velocities:
                    for bend in s.drum_bends:
                        yield key, velocity, bend, drum_class(key)
            return
        sound_class = program_class(p.program)
        low, high = CLASS_RANGES.get(sound_class, (36, 84))
        for note in range(low, high + 1, s.pitch_step):
            for velocity in s.velocities:
                yield note, velocity, 0.0, sound_class

    def _record(self, note, velocity, bend, sound_class, d, rel: Path) -> dict:
        p, s = self.preset, self.settings
        drum = p.is_drum_kit
        gm_name = None if drum else GM_PROGRAMS[p.program]
        source = nsynth_source(None if drum else p.program, p.name)
        instrument = f"{slug(Path(p.soundfont).stem)}-{p.bank:03d}-{p.program:03d}-{slug(p.name)}"
        tag = rel.stem
        return {
            "note_str": f"{instrument}-{tag}",
            "instrument_str": instrument,
            "instrument_source_str": source,
            "pitch": int(note),
            "velocity": int(velocity),
            "sample_rate": s.sample_rate,
            "soundfont": p.soundfont,
            "bank": p.bank,
            "program": p.program,
            "preset_name": p.name,
            "gm_name": gm_name,
            "drum_key": int(note) if drum else None,
            "drum_key_name": GM_DRUM_KEYS.get(note) if drum else None,
            "bend_semitones": float(bend),
            "class": sound_class,
            "tonal": not drum,
            # The pitch a sampler should treat as root: exact for tonal notes.
            "root_note": None if drum else float(note),
            "note_off_s": s.hold_s,
            "features": d.to_dict(),
            "path": rel.as_posix(),
        }


def preset_units(soundfont: Path, settings: RenderSettings, limit: int | None) -> list[PresetUnit]:
    """Units for every preset of a soundfont; ``limit`` keeps that many, spread evenly."""
    renderer = SoundFontRenderer(soundfont, sample_rate=settings.sample_rate)
    presets = list(renderer.presets())
    renderer.close()
    if limit is not None and limit < len(presets):
        kits = [p for p in presets if p.is_drum_kit]
        melodic = [p for p in presets if not p.is_drum_kit]
        n_kits = min(len(kits), max(1, limit // 6)) if kits else 0
        presets = _spread(melodic, limit - n_kits) + _spread(kits, n_kits)
    return [PresetUnit(str(soundfont), p, settings) for p in presets]


def _spread(items: list, n: int) -> list:
    if n <= 0 or not items:
        return []
    if n >= len(items):
        return items
    idx = np.linspace(0, len(items) - 1, n).round().astype(int)
    return [items[i] for i in sorted(set(idx))]
