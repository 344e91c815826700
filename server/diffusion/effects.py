"""Effects a prompt names ("dusty", "drenched in reverb", "crunchy"), applied to its render.

The chains are the corpus generator's own (``corpus/synth.py``: pedalboard distortion, bit
crush and crackle, reverb, band-pass, low-pass, limiter, slow-attack compressor), so a word
does to a render what it did to the voices whose captions earned it. The model learnt those
words only on generated voices; applied here they reach every kind of sound, a string
section as well as an 808. Parameters are drawn from the render's seed: a seed renders the
same sound every time.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ..corpus.descriptors import describe
from ..corpus.synth import (
    band_fraction,
    confirmed_effect_words,
    crest_db,
    effect_decay_s,
    wet_signal,
)

#: silence a chain may ring into after the sound (a reverb's tail), seconds
TAIL_S = {"reverb": 1.5, "drenched": 3.0}
#: the level the generator's voices had when the chains were applied to them
CHAIN_PEAK = 0.89
#: chains drawn for one effect before the render is left without it
DRAWS = 4
#: chains drawn where the effect must also take the sound past its kind's typical value
DRAWS_PAST_KIND = 8
#: each of those draws' lofi low-pass this much lower than the last ("dusty": the chain puts
#: its low-pass under the brightness it is given)
DULLER_PER_DRAW = 0.8


def apply_effects(audio: np.ndarray, sr: int, kinds: list[str], seed: int,
                  reference: np.ndarray | None = None,
                  typical: Mapping[str, float] | None = None) -> np.ndarray:
    """``audio`` through each effect of ``kinds`` in turn, at its own peak level.

    As in the corpus, an effect counts when a descriptor confirms that it did what its words
    say (``synth.confirmed_effect_words``: a "lofi" chain must darken the sound, a reverb
    lengthen it): up to ``DRAWS`` chains are drawn, against the dry sound, or against
    ``reference`` (at ``sr``) when given: a restyle's source, which its "dustier" must be
    dustier than. Where no draw passes the corpus's rule, which decides whether a sound has
    *earned* a caption word (a snare already inside the telephone band, a bass with little
    above a lofi chain's low-pass), the draw that moved the word's descriptor furthest the
    asked way is kept, if one did: a producer who asks for the effect gets as much of it as
    the sound can take; and the chains are the stronger ones a producer expects
    (``synth.effect_chain`` with the sound's brightness: "dusty" dulls a sound already darker
    than the corpus's 2-5 kHz low-pass, "telephone" cuts a real line's steep band)."""
    if not kinds or not len(audio):
        return audio
    peak = float(np.max(np.abs(audio)))
    if peak <= 0.0:
        return audio
    rng = np.random.default_rng(seed)
    y = audio.astype(np.float32) * (CHAIN_PEAK / peak)
    for kind in kinds:
        ring = np.zeros(int(TAIL_S.get(kind, 0.0) * sr), dtype=np.float32)
        dry = np.concatenate([y, ring])
        against = dry if reference is None else reference
        measure, sign, feature = DESCRIPTORS[kind]
        before = measure(against, sr)
        past = (typical or {}).get(feature) if feature else None
        brightness = describe(against, sr=sr).centroid_hz  # asked for: the strong chain
        best, best_moved = None, 0.0
        for draw in range(DRAWS if past is None else DRAWS_PAST_KIND):
            # a sound that must get duller than its kind: each draw's low-pass lower, so it
            # is dulled as far as that takes and no further (all under one cutoff, dusty
            # snares sounded alike)
            shade = DULLER_PER_DRAW ** draw if past is not None and feature == "centroid_hz" \
                else 1.0
            wet = wet_signal(kind, dry, rng, sr, brightness * shade)
            if wet is None:
                continue
            wet = wet * (CHAIN_PEAK / max(float(np.max(np.abs(wet))), 1e-9))
            value = measure(wet, sr)
            if confirmed_effect_words(kind, against, wet, sr) and (
                    past is None or sign * (value - past) > 0):
                best = wet
                break
            moved = sign * (value - before)  # > 0: the asked way at all
            if moved > best_moved:
                best, best_moved = wet, moved
        if best is not None:
            y = best
    return (y * (peak / CHAIN_PEAK)).astype(np.float32)


#: effect kind → the descriptor its words move, +1 when they ask for more of it, and the name
#: of the kind's typical value of it (``RetrievalIndex.typical_of``; None: none is kept)
DESCRIPTORS = {
    "distortion": (lambda y, sr: describe(y, sr=sr).flatness, 1, "flatness"),
    "lofi": (lambda y, sr: describe(y, sr=sr).centroid_hz, -1, "centroid_hz"),
    "muffled": (lambda y, sr: describe(y, sr=sr).centroid_hz, -1, "centroid_hz"),
    "reverb": (effect_decay_s, 1, None),
    "drenched": (effect_decay_s, 1, None),
    "telephone": (lambda y, sr: band_fraction(y, sr, 300, 3400), 1, None),
    "compression": (lambda y, sr: crest_db(y), -1, "crest_db"),
}

