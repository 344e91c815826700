"""What a restyle does to the qualities its words name: brighter, darker, longer.

A restyle noises the sound's latent to the slot's strength (0.1 by default, one step of
twelve) and denoises it with the new words. That keeps the sound, as a restyle should, but
one step barely moves its brightness or its decay: measured on 20 sounds
(``bench/sound_to_sound.py --only restyle``), "bright" raised the centroid 35 % of the time and
"long" lengthened the decay 45 %. So a restyle also does what an engineer asked for "brighter"
would do: a high shelf; "darker": a low-pass; "longer": the decay slowed down, its pitch kept
(a phase-vocoder stretch after the attack, as a sustain knob would if it could add time).
"Shorter" is already the codec's choke (``codec.decode(choked=True)``).

As with the effects (``effects.py``), a move is judged by the descriptor it is meant to move,
against the *source* sound, the one the producer compares with: up to ``DRAWS`` settings are
drawn from the render's seed, each stronger than the last, until one reaches the confirming
ratio. Here also lives how far a variation's strength reaches (``variation_strength``).
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
    """The share of the denoising a variation at a slot's ``strength`` re-runs.

    A slot's strength is how far a variation may move from its sound. Re-running that share
    of the steps was too timid: on 40 corpus sounds (``bench/sound_to_sound.py``), 8 variations
    at 0.2 were a median of 1 distinct sound. The square root keeps 0.05 subtle (0.22 of the
    steps), makes 0.2 a new sound (0.45) and 0.6 a cousin (0.77); 1.0 stays a render from
    noise. The price, with today's model, is the class, and the exponent only trades one for
    the other: decoded onto their source (``codec.decode_onto``), 8 variations at 0.2 are a
    median of 6 distinct sounds and the eval's classifier hears 0.73 of them as their
    source's class; with the exponent 0.4, 7 and 0.63; with 0.35, 8 and 0.57 (of a first
    variation each); with the share itself, 2 and 0.85 (the sources: 0.93). Guiding the
    denoise by the source's class name changed nothing (0.72): at these noise levels today's
    UNet barely hears the words. A restyle does not use this: its strength is the noise its
    words work on, as the issue has it."""
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
    return stretch_decay(y, sr, float(rng.uniform(1.5, 2.0) * strength))


def stretch_decay(y: np.ndarray, sr: int, factor: float) -> np.ndarray:
    """``y`` with everything after its attack (``ATTACK_S`` past the peak) ``factor`` times
    as long (below 1: shorter), pitch kept (a phase-vocoder stretch)."""
    import librosa

    split = int(np.argmax(np.abs(y))) + int(ATTACK_S * sr)
    if split >= len(y) - 2048 or abs(factor - 1.0) < 1e-3:
        return y
    head, tail = y[:split], y[split:]
    slowed = librosa.effects.time_stretch(tail.astype(np.float32), rate=1.0 / factor)
    # the stretch's first frames are smeared: crossfade from the original into it
    fade = min(int(0.01 * sr), len(slowed), len(tail))
    ramp = np.linspace(0.0, 1.0, fade, dtype=np.float32)
    slowed[:fade] = tail[:fade] * (1.0 - ramp) + slowed[:fade] * ramp
    return np.concatenate([head, slowed]).astype(np.float32)


#: the most one stretch lengthens a decay (a click "morphed" toward a crash is not stretched
#: 300 times)
MAX_STRETCH = 4.0


def decay_toward(y: np.ndarray, sr: int, target_s: float, *, measure=None,
                 below_db: float = 40.0, rounds: int = 2) -> np.ndarray:
    """``y`` with its decay (``measure``: seconds from the peak to ``below_db`` under it;
    ``decay_time`` by default) brought toward ``target_s``: a longer one by ``stretch_decay``
    (at most ``MAX_STRETCH`` times, never past ``y``'s own length), a shorter one by a fade in
    dB that reaches ``below_db`` at the target (the sound dies faster the way it was already
    dying); ``rounds`` corrections at most."""
    measure = measure or (lambda x, rate: decay_time(x, rate, below_db))
    length = len(y)
    for _ in range(rounds):
        now = measure(y, sr)
        if now <= 0.0 or target_s <= 0.0 or abs(np.log(target_s / now)) < 0.05:
            break
        if target_s > now:
            y = stretch_decay(y, sr, min(MAX_STRETCH, target_s / now))[:length]
            continue
        peak = int(np.argmax(np.abs(y)))
        t = np.maximum(0.0, (np.arange(len(y)) - peak) / sr)
        slope = below_db / target_s - below_db / now  # extra dB per second
        y = (y * 10.0 ** (-slope * t / 20.0)).astype(np.float32)
    return y


def centroid_toward(y: np.ndarray, sr: int, target_hz: float, *, steps: int = 8) -> np.ndarray:
    """``y`` through the high shelf (at its own centroid, -24 to +24 dB) whose gain brings its
    spectral centroid nearest ``target_hz``, found by bisection."""
    import pedalboard as pb

    now = _centroid(y, sr)
    if now <= 0.0 or target_hz <= 0.0 or abs(np.log(target_hz / now)) < 0.02:
        return y
    cutoff = float(np.clip(now, 100.0, 0.4 * sr))

    def shelved(gain: float) -> np.ndarray:
        board = pb.Pedalboard([pb.HighShelfFilter(cutoff_frequency_hz=cutoff, gain_db=gain)])
        return board(y[None, :].astype(np.float32), sr)[0]

    lo, hi = (0.0, 24.0) if target_hz > now else (-24.0, 0.0)
    for _ in range(steps):
        mid = (lo + hi) / 2
        if _centroid(shelved(mid), sr) < target_hz:
            lo = mid
        else:
            hi = mid
    return shelved((lo + hi) / 2)


#: quality → (the move, the descriptor it moves, the ratio to the source's that confirms it)
MOVES = {
    "bright": (brighter, _centroid, BRIGHTER),
    "dark": (darker, _centroid, DARKER),
    "long_release": (longer, decay_time, LONGER),
}


def _progress(before: float, after: float, ratio: float) -> float:
    """How far a descriptor went from the source's ``before`` toward the confirming ``ratio``
    of it (1: there)."""
    if before <= 0.0 or after <= 0.0:
        return 0.0
    return float(np.log(after / before) / np.log(ratio))


def apply_moves(audio: np.ndarray, sr: int, qualities: set[str], source: np.ndarray,
                seed: int) -> np.ndarray:
    """``audio`` (a restyle of ``source``, both at ``sr``) moved toward each of ``qualities``
    that has a move, confirmed against ``source``. Where no draw reaches the confirming ratio
    (a hat is nearly as bright as sound gets), the draw that went furthest the asked way is
    kept; where none went that way at all, the sound is left as it was."""
    rng = np.random.default_rng(seed)
    y = np.asarray(audio, dtype=np.float32)
    peak = float(np.max(np.abs(y))) if len(y) else 0.0
    if peak <= 0.0:
        return y
    for quality in sorted(qualities & MOVES.keys()):
        move, measure, ratio = MOVES[quality]
        before = measure(source, sr)
        best, best_progress = None, 0.0
        for i in range(DRAWS):
            out = move(y, sr, 1.0 + 0.5 * i, rng)
            if not np.all(np.isfinite(out)):
                continue
            progress = _progress(before, measure(out, sr), ratio)
            if progress > best_progress:
                best, best_progress = out, progress
            if progress >= 1.0:
                break
        if best is not None:
            y = best
    top = float(np.max(np.abs(y)))
    return (y * (peak / top)).astype(np.float32) if top > 0 else y
