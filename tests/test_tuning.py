"""Tuning pitched renders onto their note: a sharp pluck comes back in tune, others untouched."""

from __future__ import annotations

import numpy as np

from server.diffusion.tuning import tune_to_note
from server.eval.metrics import detected_pitch

SR = 44100


def _pluck(midi: float, seconds: float = 1.4) -> np.ndarray:
    freq = 440.0 * 2 ** ((midi - 69) / 12)
    t = np.arange(int(SR * seconds)) / SR
    tone = sum(np.sin(2 * np.pi * k * freq * t) / k for k in range(1, 8))
    return (0.3 * tone * np.exp(-2.5 * t)).astype(np.float32)


def test_a_sharp_render_is_put_on_its_note() -> None:
    audio = _pluck(57.35)  # A3, 35 cents sharp
    tuned, tuning = tune_to_note(audio, SR, 57.0)
    assert len(tuned) == len(audio)
    assert abs(tuning.corrected_cents - 35) < 5
    assert abs(100 * (detected_pitch(tuned, SR) - 57.0)) < 5


def test_a_flat_bass_note_is_put_on_its_note() -> None:
    tuned, _ = tune_to_note(_pluck(35.6), SR, 36.0)  # C2, 40 cents flat
    assert abs(100 * (detected_pitch(tuned, SR) - 36.0)) < 8


def test_octave_errors_and_noise_are_left_alone() -> None:
    octave_up = _pluck(69.0)
    out, tuning = tune_to_note(octave_up, SR, 57.0)
    assert tuning.corrected_cents == 0.0 and np.array_equal(out, octave_up)
    noise = np.random.default_rng(0).standard_normal(SR).astype(np.float32) * 0.1
    out, tuning = tune_to_note(noise, SR, 60.0)
    assert tuning.corrected_cents == 0.0 and np.array_equal(out, noise)
