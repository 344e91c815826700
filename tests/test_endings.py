"""Long one-shots: the codec's tail model and a render's natural start and end, on real signals
(decaying partials and noise), as a producer would hear them."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from server.codec.spectral import SpectralConfig, griffin_lim, logmag_to_mag, wave_to_logmag
from server.codec.tail import extend, frames_for, with_frames
from server.diffusion.endings import SILENT_DB, decay_time, finish

SR = 44100
CFG = SpectralConfig()


def ringing(seconds: float, tau: float, f0: float = 220.0, sr: int = SR) -> np.ndarray:
    """Three partials decaying with time constant ``tau`` (the upper ones faster)."""
    t = np.arange(int(seconds * sr)) / sr
    y = sum(np.exp(-t * k / tau) * np.sin(2 * np.pi * f0 * k * t) / k for k in (1, 2, 3))
    return (0.8 * y / np.max(np.abs(y))).astype(np.float32)


def level_db(y: np.ndarray, t0: float, t1: float, sr: int = SR) -> float:
    seg = y[int(t0 * sr):int(t1 * sr)]
    return 20 * np.log10(np.sqrt(np.mean(seg ** 2)) + 1e-12)


def test_a_tail_continues_each_bin_s_decay_past_the_window() -> None:
    tau = 0.8  # a 220 Hz tone still ringing at the window's end (1.49 s: -16 dB)
    truth = ringing(4.0, tau)
    frames = wave_to_logmag(torch.from_numpy(truth[:CFG.num_samples]).unsqueeze(0), CFG)
    total = frames_for(4.0, CFG)
    longer = extend(frames, total, CFG)
    assert longer.shape == (1, CFG.num_bins, total)
    wave = griffin_lim(logmag_to_mag(longer, with_frames(CFG, total)), with_frames(CFG, total),
                       n_iter=6)[0].numpy()
    # The tail decays at the sound's own rate: the real tone's level at 2.5 s and 3.5 s,
    # within 3 dB, and never rises.
    for t0 in (2.0, 3.0):
        assert abs(level_db(wave, t0, t0 + 0.5) - level_db(truth, t0, t0 + 0.5)) < 3.0, t0
    assert level_db(wave, 3.0, 3.5) < level_db(wave, 2.0, 2.5) < level_db(wave, 1.0, 1.4)
    # The fundamental is where it was.
    spec = np.abs(np.fft.rfft(wave[int(2.5 * SR):int(3.5 * SR)]))
    assert abs(np.argmax(spec) * SR / (SR * 1.0) - 220.0) < 2.0


def test_a_growing_bin_is_held_level_never_raised() -> None:
    t = np.arange(CFG.num_samples) / SR
    swell = (np.minimum(1.0, t / 1.4) * 0.5 * np.sin(2 * np.pi * 330 * t)).astype(np.float32)
    frames = wave_to_logmag(torch.from_numpy(swell).unsqueeze(0), CFG)
    longer = extend(frames, frames_for(3.0, CFG), CFG)
    assert float(longer[..., CFG.num_frames:].max()) <= float(frames.max()) + 1e-4


def test_a_long_sound_ends_where_it_died_away_without_a_fade() -> None:
    y = ringing(4.0, 0.15)  # gone (-60 dB) after about 1.1 s
    out, ending = finish(y, SR, 4.0)
    assert not ending.faded
    assert 0.8 < len(out) / SR < 1.6
    # the end is inaudible: within 50 dB of the peak nowhere in the last 20 ms
    assert np.max(np.abs(out[-int(0.02 * SR):])) < np.max(np.abs(out)) * 10 ** (-50 / 20)


def test_a_short_duration_cuts_an_audible_sound_with_a_release_fade() -> None:
    y = ringing(4.0, 2.0)
    out, ending = finish(y, SR, 0.5)
    assert ending.faded and len(out) == int(0.5 * SR)
    assert abs(out[-1]) < 1e-4  # faded to silence, no click
    assert np.max(np.abs(out[: int(0.3 * SR)])) > 0.5  # the body untouched


def test_leading_silence_is_trimmed_so_the_sound_fires_on_time() -> None:
    y = np.concatenate([np.zeros(int(0.12 * SR), np.float32), ringing(1.0, 0.2)])
    out, ending = finish(y, SR, 4.0)
    assert ending.start == pytest.approx(0.12 * SR, abs=0.004 * SR)
    assert np.max(np.abs(out[: int(0.005 * SR)])) > 0.1


def test_decay_time_measures_to_minus_40_db() -> None:
    tau = 0.3  # the fundamental: -40 dB after tau * ln(100) = 1.38 s
    assert decay_time(ringing(4.0, tau), SR) == pytest.approx(tau * np.log(100), rel=0.1)
    assert SILENT_DB >= 50
