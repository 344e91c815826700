"""Render one-shots note by note from a SoundFont with FluidSynth, in-process.

Each note is played dry (no reverb or chorus) for ``hold_s``, released, and rendered on
through its release tail to a fixed length, the way NSynth was made from sample libraries.
"""

from __future__ import annotations

import ctypes
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

DRUM_BANK = 128
_DRUM_CHANNEL = 9
_MELODIC_CHANNEL = 0


@dataclass(frozen=True)
class Preset:
    soundfont: str  # file name, e.g. "FluidR3_GM.sf2"
    bank: int
    program: int
    name: str

    @property
    def is_drum_kit(self) -> bool:
        return self.bank == DRUM_BANK

    @property
    def instrument_id(self) -> str:
        return f"{Path(self.soundfont).stem}:{self.bank}:{self.program}"


class SoundFontRenderer:
    """One FluidSynth instance with one SoundFont loaded; renders mono float32 notes."""

    def __init__(self, path: str | Path, *, sample_rate: int = 44100, gain: float = 0.6,
                 load_samples_on_demand: bool = False) -> None:
        import fluidsynth  # pyfluidsynth over libfluidsynth3

        self.path = Path(path)
        if not self.path.is_file():
            raise FileNotFoundError(f"soundfont not found: {self.path}")
        self.sample_rate = sample_rate
        self._synth = fluidsynth.Synth(gain=gain, samplerate=float(sample_rate))
        self._synth.setting("synth.reverb.active", 0)
        self._synth.setting("synth.chorus.active", 0)
        # On demand: only the samples of the presets played are read (and decoded, for .sf3).
        self._synth.setting("synth.dynamic-sample-loading", int(load_samples_on_demand))
        self._write_float = fluidsynth._fl.fluid_synth_write_float
        self._write_float.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p, ctypes.c_int,
                                      ctypes.c_int, ctypes.c_void_p, ctypes.c_int, ctypes.c_int]
        self._sfid = self._synth.sfload(str(self.path))
        if self._sfid < 0:
            raise ValueError(f"fluidsynth could not load {self.path}")

    def presets(self) -> Iterator[Preset]:
        """Every preset in the file, melodic banks first, in (bank, program) order."""
        for bank in range(DRUM_BANK + 1):
            for program in range(128):
                name = self._synth.sfpreset_name(self._sfid, bank, program)
                if name:
                    yield Preset(self.path.name, bank, program, name.strip())

    def render(
        self,
        preset: Preset,
        note: int,
        velocity: int,
        *,
        hold_s: float,
        length_s: float,
        bend_semitones: float = 0.0,
    ) -> np.ndarray:
        """Play one note and return ``length_s`` seconds of mono audio in [-1, 1]."""
        synth = self._synth
        chan = _DRUM_CHANNEL if preset.is_drum_kit else _MELODIC_CHANNEL
        synth.program_select(chan, self._sfid, preset.bank, preset.program)
        # Default pitch-bend range is +-2 semitones: 8192 +- 4096 per semitone.
        synth.pitch_bend(chan, int(round(np.clip(bend_semitones, -2, 2) * 4096)))
        total = int(round(length_s * self.sample_rate))
        # FluidSynth applies events at 64-sample block boundaries: rendering whole blocks
        # keeps every note's timing independent of what was rendered before it.
        hold = min(_whole_blocks(hold_s * self.sample_rate), _whole_blocks(total))
        rest = _whole_blocks(total) - hold
        self._float_samples(128)  # let the program change settle before the note
        synth.noteon(chan, note, velocity)
        on = self._float_samples(hold)
        synth.noteoff(chan, note)
        off = self._float_samples(rest)
        synth.all_sounds_off(chan)
        synth.pitch_bend(chan, 0)
        self._float_samples(256)  # flush the voices that were cut
        return (0.5 * (np.concatenate([on[0], off[0]]) + np.concatenate([on[1], off[1]])))[:total]

    def _float_samples(self, n: int) -> np.ndarray:
        """[2, n] float32. pyfluidsynth only offers 16-bit output, which is dithered with a
        running noise table (so a note would depend on what was rendered before it)."""
        left = np.zeros(n, np.float32)
        right = np.zeros(n, np.float32)
        if n:
            self._write_float(self._synth.synth, n, left.ctypes.data_as(ctypes.c_void_p), 0, 1,
                              right.ctypes.data_as(ctypes.c_void_p), 0, 1)
        return np.stack([left, right])

    def close(self) -> None:
        self._synth.delete()


def _whole_blocks(samples: float, block: int = 64) -> int:
    return int(np.ceil(round(samples) / block)) * block
