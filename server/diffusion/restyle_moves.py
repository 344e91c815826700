"""What a restyle does to the qualities its words name: brighter, darker, longer.

A restyle noises the sound's latent to the slot's strength (0.1 by default, one step of
twelve) and denoises it with the new words. That keeps the sound, as a restyle should, but
one step barely moves its brightness or its decay: measured on 20 sounds
(``bench/sound_to_sound.py --only restyle``), "bright" raised the centroid 35 % of the time and
"long" lengthened the decay 45 %. So a restyle also does what an engineer asked for "brighter"
would do: a high shelf; "darker": a low-pass; "longer": the decay slowed down, its pitch kept
(a phase-vocoder stretch after the attack, as a sustain knob would if it could add time).
"Shorter" is already the codec's choke (``codec.decode(choked=True)``).

As with the effects (``effects.py``), a move counts only when the descriptor it is meant to
move confirms it against the *source* sound, the one the producer compares with: up to
``DRAWS`` settings are drawn from the render's seed, each stronger than the last.
"""

from __future__ import annotations

import numpy as np

from ..corpus.descriptors import describe
from .endings import decay_time

#: tries per move, each drawn stronger than the last
DRAWS = 4
#: what confirms a move against the source: centroid ratio, decay ratio
BRIGHTER, DARKER, LONGER = 1.1, 0.9, 1.25
#: the attack a stretch leaves as it was, after the peak
ATTACK_S = 0.03
#: how much longer a "long" restyle may be than its source, at most
LONG_ROOM = 2.5


def variation_strength(strength: float) -> float:
    """The share of the denoising a variation or restyle at a slot's ``strength`` re-runs.

    A slot's strength is how far the new sound may move from the old. Re-running that share
    of the steps is too timid in the middle: measured on 8 corpus sounds, 8 variations at 0.2
    were 1-2 distinct sounds (their log-mel spectra correlated 0.98-0.99) and at 0.4 mostly 8.
    The square root keeps 0.05 subtle (0.22 of the steps, still 0.97-0.99 like its source),
    makes 0.2 a new sound (0.45) and 0.6 a cousin (0.77); 1.0 stays a render from noise."""
    return float(min(1.0, max(0.0, strength)) ** 0.5)


def restyle_duration(source_s: float, qualities: set[str], longest: float) -> float:
    """How long a restyle of a ``source_s`` sound may be: as long as its source, and for words
    asking "long" room to ring on (the ending still trims it where it has died away)."""
    room = LONG_ROOM if "long_release" in qualities else 1.0
    return float(min(longest, max(0.05, source_s * room)))


def _centroid(y: np.ndarray, sr: int) -> float:
    return describe(y, sr=sr).centroid_hz


def brighter(y: np.ndarray, sr: int, strength: float, rng: np.random.Generator) -> np.ndarray:
    """A high shelf of 6-12 dB (more at ``strength`` > 1) an octave or so above the sound's
    own centroid, within 100 Hz-4 kHz: a hat's air, an 808's click and upper partials."""
    import pedalboard as pb

    cutoff = float(np.clip(_centroid(y, sr) * rng.uniform(1.5, 3.0), 100.0, 4000.0))
    gain = float(rng.uniform(6.0, 12.0) * strength)
    board = pb.Pedalboard([pb.HighShelfFilter(cutoff_frequency_hz=cutoff, gain_db=gain)])
    return board(y[None, :].astype(np.float32), sr)[0]


def darker(y: np.ndarray, sr: int, strength: float, rng: np.random.Generator) -> np.ndarray:
    """Two one-pole low-passes near the sound's own centroid (lower at ``strength`` > 1), so
    a kick is darkened as surely as a hat."""
    import pedalboard as pb

    cutoff = _centroid(y, sr) * rng.uniform(0.8, 1.6) / strength
    cutoff = float(np.clip(cutoff, 40.0, 0.4 * sr))
    board = pb.Pedalboard([pb.LowpassFilter(cutoff_frequency_hz=cutoff) for _ in range(2)])
    return board(y[None, :].astype(np.float32), sr)[0]


def longer(y: np.ndarray, sr: int, strength: float, rng: np.random.Generator) -> np.ndarray:
    """The decay after the attack slowed by 1.5-2x (more at ``strength`` > 1), pitch kept."""
    import librosa

    factor = float(rng.uniform(1.5, 2.0) * strength)
    split = int(np.argmax(np.abs(y))) + int(ATTACK_S * sr)
    if split >= len(y) - 2048:
        return y
    head, tail = y[:split], y[split:]
    slowed = librosa.effects.time_stretch(tail.astype(np.float32), rate=1.0 / factor)
    # the stretch's first frames are smeared: crossfade from the original into it
    fade = min(int(0.01 * sr), len(slowed), len(tail))
    ramp = np.linspace(0.0, 1.0, fade, dtype=np.float32)
    slowed[:fade] = tail[:fade] * (1.0 - ramp) + slowed[:fade] * ramp
    return np.concatenate([head, slowed]).astype(np.float32)


#: quality → (the move, whether it confirms against the source)
MOVES = {
    "bright": (brighter, lambda src, out, sr: _centroid(out, sr) > BRIGHTER * _centroid(src, sr)),
    "dark": (darker, lambda src, out, sr: _centroid(out, sr) < DARKER * _centroid(src, sr)),
    "long_release": (longer, lambda src, out, sr: decay_time(out, sr)
                     > LONGER * decay_time(src, sr)),
}  # fmt: skip


def apply_moves(audio: np.ndarray, sr: int, qualities: set[str], source: np.ndarray,
                seed: int) -> np.ndarray:
    """``audio`` (a restyle of ``source``, both at ``sr``) moved toward each of ``qualities``
    that has a move, each confirmed against ``source``; a move no draw confirms is left out."""
    rng = np.random.default_rng(seed)
    y = np.asarray(audio, dtype=np.float32)
    peak = float(np.max(np.abs(y))) if len(y) else 0.0
    if peak <= 0.0:
        return y
    for quality in sorted(qualities & MOVES.keys()):
        move, confirmed = MOVES[quality]
        for i in range(DRAWS):
            out = move(y, sr, 1.0 + 0.5 * i, rng)
            if np.all(np.isfinite(out)) and confirmed(source, out, sr):
                y = out
                break
    top = float(np.max(np.abs(y)))
    return (y * (peak / top)).astype(np.float32) if top > 0 else y
