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


def decaying_noise(seconds: float, db_per_s: float, seed: int = 0) -> np.ndarray:
    """White noise falling ``db_per_s`` (a crash or an open hat, in spirit)."""
    t = np.arange(int(seconds * SR)) / SR
    noise = np.random.default_rng(seed).standard_normal(t.size)
    return (0.5 * noise * 10 ** (-db_per_s * t / 20) / 3).astype(np.float32)


def tail_of(truth: np.ndarray, seconds: float) -> np.ndarray:
    frames = wave_to_logmag(torch.from_numpy(truth[:CFG.num_samples]).unsqueeze(0), CFG)
    total = frames_for(seconds, CFG)
    longer = extend(frames, total, CFG)
    return griffin_lim(logmag_to_mag(longer, with_frames(CFG, total)), with_frames(CFG, total),
                       n_iter=6)[0].numpy()


def test_a_noisy_tail_dies_at_the_sound_s_own_rate() -> None:
    """A crash's noise is several dB apart from frame to frame, so one bin's slope over the
    fit is a guess and some guesses come out level: fitted bin by bin, a crash that falls
    40 dB in 2.5 s rang on to the end of a 4 s render."""
    truth = decaying_noise(4.0, 16.0)
    wave = tail_of(truth, 4.0)
    assert decay_time(wave, SR) == pytest.approx(decay_time(truth, SR), rel=0.25)
    assert level_db(wave, 3.5, 4.0) < level_db(wave, 1.0, 1.4) - 30.0


def test_a_band_left_level_in_a_decaying_sound_dies_with_it() -> None:
    """The codec can leave one band of a decaying sound level over the window's last frames;
    carried on level, it stood alone for seconds (a hat's 1.2-1.5 kHz at -37 dB)."""
    truth = decaying_noise(4.0, 20.0, seed=1)
    t = np.arange(CFG.num_samples) / SR
    hum = (0.004 * np.sin(2 * np.pi * 1300 * t)).astype(np.float32)  # level, -45 dB under
    wave = tail_of(truth[:CFG.num_samples] + hum, 4.0)
    assert level_db(wave, 3.0, 4.0) < level_db(wave, 0.0, 0.3) - 45.0


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


def held_note(hold_s: float, seconds: float = 1.486, f0: float = 330.0) -> np.ndarray:
    """An organ-like note: a 20 ms attack, a level plateau for ``hold_s``, a 0.15 s release."""
    t = np.arange(int(seconds * SR)) / SR
    env = np.minimum(1.0, t / 0.02) * np.where(t < hold_s, 1.0, np.exp(-(t - hold_s) / 0.03))
    y = env * sum(np.sin(2 * np.pi * f0 * k * t) / k for k in (1, 2, 3))
    return (0.6 * y / np.max(np.abs(y))).astype(np.float32)


def frames_of(y: np.ndarray) -> torch.Tensor:
    return wave_to_logmag(torch.from_numpy(y[:CFG.num_samples]).unsqueeze(0), CFG)


def test_a_sustained_note_is_held_longer_or_let_go_early_before_its_own_release() -> None:
    from server.codec.tail import frame_levels, hold, release_frame

    frames = frames_of(held_note(1.0))
    release = release_frame(frames, CFG)
    per_s = SR / CFG.hop_length
    assert release is not None and abs(release / per_s - 1.0) < 0.05  # let go at 1.0 s
    longer = hold(frames, release, round(3.0 * per_s), CFG)
    level = frame_levels(longer, CFG)[0]
    top = float(level.max())
    # still at its plateau at 2.5 s, then released: 20 dB down by 3.15 s
    assert float(level[round(2.5 * per_s)]) > top - 3.0
    assert float(level[round(3.15 * per_s)]) < top - 20.0
    shorter = hold(frames, release, round(0.25 * per_s), CFG)
    level = frame_levels(shorter, CFG)[0]
    assert float(level[round(0.45 * per_s)]) < top - 20.0  # let go at 0.25 s


def test_a_held_note_that_was_fading_is_released_from_where_the_hold_got_to() -> None:
    """A struck-and-held note (its plateau falling 12 dB a second) held to 3.4 s has fallen
    about 30 dB by then: its release starts there, never louder than the hold's end (it came
    back at its recorded level, a bump 30 dB up at 3.4 s)."""
    from server.codec.tail import frame_levels, hold, release_frame

    t = np.arange(CFG.num_samples) / SR
    fading = np.minimum(1.0, t / 0.02) * 10 ** (-12 * t / 20)
    env = np.where(t < 1.0, fading, fading[int(SR)] * np.exp(-(t - 1.0) / 0.03))
    y = (0.6 * env * np.sin(2 * np.pi * 330.0 * t)).astype(np.float32)
    frames = frames_of(y)
    release = release_frame(frames, CFG)
    per_s = SR / CFG.hop_length
    assert release is not None and abs(release / per_s - 1.0) < 0.05
    until = round(3.4 * per_s)
    level = frame_levels(hold(frames, release, until, CFG), CFG)[0]
    at_until = float(level[until - 5:until].mean())
    assert at_until < float(level.max()) - 20.0  # the hold kept falling
    assert float(level[until:].max()) < at_until + 1.5  # and the release falls from there
    assert float(level[until + 24]) < at_until - 20.0


def test_a_percussive_sound_has_no_release_to_move_and_a_short_one_is_choked() -> None:
    from server.codec.spectral import logmag_to_mag
    from server.codec.tail import choke, release_frame

    frames = frames_of(ringing(1.486, 0.25))
    assert release_frame(frames, CFG) is None
    choked = choke(frames, CFG)
    wave = griffin_lim(logmag_to_mag(choked, CFG), CFG, n_iter=6)[0].numpy()
    plain = griffin_lim(logmag_to_mag(frames, CFG), CFG, n_iter=6)[0].numpy()
    assert decay_time(wave, SR) == pytest.approx(0.5 * decay_time(plain, SR), rel=0.25)


def test_a_short_sound_of_its_kind_ends_within_its_kind_s_time_and_a_shorter_one_is_kept() \
        -> None:
    from server.codec.tail import choke, frame_levels

    # A rim as the generator makes them: a click that falls 35 dB at once, then a noise bed
    # that takes most of a second more to reach -40 dB. A short one ends within the time
    # asked, and not much sooner: one slope over its whole time would cut the bed at once.
    t = np.arange(CFG.num_samples) / SR
    rng = np.random.default_rng(0)
    click = np.exp(-t / 0.004) * np.sin(2 * np.pi * 1800.0 * t)
    bed = 0.02 * np.exp(-t / 0.6) * rng.standard_normal(len(t))
    frames = frames_of((0.8 * (click + bed)).astype(np.float32))
    per_s = SR / CFG.hop_length

    def seconds_to_40(f: torch.Tensor) -> float:
        level = frame_levels(f, CFG)[0]
        peak = int(torch.argmax(level))
        above = torch.nonzero(level[peak:] > level[peak] - 40.0).flatten()
        return (int(above[-1]) + 1) / per_s

    assert seconds_to_40(frames) > 0.8, seconds_to_40(frames)
    for within in (0.06, 0.2):
        assert within - 0.05 < seconds_to_40(choke(frames, CFG, within_s=within)) \
            <= within + 1.5 / per_s
    short = frames_of(ringing(1.486, 0.01))
    assert torch.equal(choke(short, CFG, within_s=0.2), short)
