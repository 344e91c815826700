"""A restyle's qualities: "brighter", "darker", "longer" heard against the source sound."""

from __future__ import annotations

import numpy as np
import pytest

from server.corpus.descriptors import describe
from server.diffusion.endings import decay_time
from server.diffusion.restyle_moves import apply_moves, restyle_duration
from server.diffusion.tuning import measure_pitch

SR = 44100


def _pluck(note_hz: float = 220.0, tau: float = 0.12, seconds: float = 2.0) -> np.ndarray:
    """A decaying saw at ``note_hz`` with partials to 6 kHz, 60 dB down after ~7 ``tau``."""
    t = np.arange(int(seconds * SR)) / SR
    saw = sum(np.sin(2 * np.pi * k * note_hz * t) / k for k in range(1, int(6000 / note_hz)))
    return (0.5 * saw * np.exp(-t / tau)).astype(np.float32)


def _kick() -> np.ndarray:
    """A sine swept from 150 to 50 Hz: almost nothing above 300 Hz to brighten or darken."""
    t = np.arange(int(1.0 * SR)) / SR
    phase = 2 * np.pi * np.cumsum(50 + 100 * np.exp(-t / 0.03)) / SR
    return (0.9 * np.sin(phase) * np.exp(-t / 0.1)).astype(np.float32)


def centroid(y: np.ndarray) -> float:
    return describe(y, sr=SR).centroid_hz


@pytest.mark.parametrize("source", [_pluck(), _kick()], ids=["pluck", "kick"])
def test_brighter_and_darker_move_the_centroid_against_the_source(source) -> None:
    bright = apply_moves(source, SR, {"bright"}, source, seed=1)
    dark = apply_moves(source, SR, {"dark"}, source, seed=1)
    assert centroid(bright) > 1.1 * centroid(source)
    assert centroid(dark) < 0.9 * centroid(source)
    for y in (bright, dark):  # the level and the length stay the source's
        assert len(y) == len(source)
        assert np.max(np.abs(y)) == pytest.approx(np.max(np.abs(source)), rel=1e-4)


def test_longer_slows_the_decay_and_keeps_the_pitch_and_the_attack() -> None:
    source = _pluck(note_hz=261.63)
    long = apply_moves(source, SR, {"long_release"}, source, seed=4)
    assert decay_time(long, SR) > 1.25 * decay_time(source, SR)
    assert len(long) > len(source)  # room to ring into
    assert abs(measure_pitch(long, SR, 60.0) - measure_pitch(source, SR, 60.0)) < 0.1
    onset = int(0.02 * SR)  # the attack untouched
    assert np.allclose(long[:onset], source[:onset])


def test_a_move_compares_with_the_source_not_with_what_it_was_given() -> None:
    source = _pluck()
    # a restyle that already came out brighter than asked must still end brighter than
    # its source, and a darker one darker
    hot = apply_moves(source, SR, {"bright"}, source, seed=2)
    assert centroid(apply_moves(hot, SR, {"dark"}, source, seed=2)) < 0.9 * centroid(source)


def test_no_quality_no_move_and_moves_are_drawn_from_the_seed() -> None:
    source = _pluck()
    assert np.array_equal(apply_moves(source, SR, {"hard", "fast_decay"}, source, seed=1),
                          source)
    one = apply_moves(source, SR, {"bright"}, source, seed=1)
    assert np.array_equal(one, apply_moves(source, SR, {"bright"}, source, seed=1))
    assert not np.array_equal(one, apply_moves(source, SR, {"bright"}, source, seed=9))


def test_a_long_restyle_has_room_past_its_source_within_the_models_longest() -> None:
    assert restyle_duration(1.0, set(), 8.0) == 1.0
    assert restyle_duration(1.0, {"bright"}, 8.0) == 1.0
    assert restyle_duration(1.0, {"long_release"}, 8.0) == 2.5
    assert restyle_duration(4.0, {"long_release"}, 8.0) == 8.0
    assert restyle_duration(0.01, set(), 8.0) == 0.05


def test_a_variations_strength_reaches_further_in_the_middle_and_ends_where_it_did() -> None:
    from server.diffusion.restyle_moves import variation_strength

    shares = [variation_strength(s) for s in (0.0, 0.05, 0.2, 0.6, 1.0)]
    assert shares == sorted(shares) and shares[0] == 0.0 and shares[-1] == 1.0
    assert 0.2 < shares[1] < 0.25 and 0.4 < shares[2] < 0.5  # 0.05 subtle, 0.2 a new sound
    assert variation_strength(1.5) == 1.0


def test_a_morphs_brightness_and_decay_are_brought_toward_their_targets() -> None:
    from server.diffusion.restyle_moves import centroid_toward, decay_toward

    source = _pluck(tau=0.12)
    for target in (0.6 * centroid(source), 1.5 * centroid(source)):
        assert centroid(centroid_toward(source, SR, target)) == pytest.approx(target, rel=0.05)
    now = decay_time(source, SR)
    shorter = decay_toward(source, SR, 0.5 * now)
    assert decay_time(shorter, SR) == pytest.approx(0.5 * now, rel=0.15)
    longer = decay_toward(source, SR, 1.6 * now)
    assert len(longer) == len(source)  # never past its own length
    assert decay_time(longer, SR) > 1.3 * now
    # a click toward a crash: stretched at most MAX_STRETCH times, not hundreds
    click = _pluck(tau=0.002, seconds=1.0)
    assert len(decay_toward(click, SR, 30.0)) == len(click)
