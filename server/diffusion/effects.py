"""Effects a prompt names ("dusty", "drenched in reverb", "crunchy"), applied to its render.

The chains are the corpus generator's own (``corpus/synth.py``: pedalboard distortion, bit
crush and crackle, reverb, band-pass, low-pass, limiter, slow-attack compressor), so a word
does to a render what it did to the voices whose captions earned it. The model learnt those
words only on generated voices; applied here they reach every kind of sound, a string
section as well as an 808. Parameters are drawn from the render's seed: a seed renders the
same sound every time.
"""

from __future__ import annotations

import numpy as np

from ..corpus.synth import confirmed_effect_words, wet_signal

#: silence a chain may ring into after the sound (a reverb's tail), seconds
TAIL_S = {"reverb": 1.5, "drenched": 3.0}
#: the level the generator's voices had when the chains were applied to them
CHAIN_PEAK = 0.89
#: chains drawn for one effect before the render is left without it
DRAWS = 4


def apply_effects(audio: np.ndarray, sr: int, kinds: list[str], seed: int,
                  reference: np.ndarray | None = None) -> np.ndarray:
    """``audio`` through each effect of ``kinds`` in turn, at its own peak level.

    As in the corpus, an effect counts only when a descriptor confirms that it did what its
    words say (``synth.confirmed_effect_words``: a "lofi" chain must darken the sound, a reverb
    lengthen it): up to ``DRAWS`` chains are drawn, and a sound no draw confirms is left as it
    was. The comparison is with the dry sound, or with ``reference`` (at ``sr``) when given: a
    restyle's source, which its "dustier" must be dustier than."""
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
        for _ in range(DRAWS):
            wet = wet_signal(kind, dry, rng, sr)
            if wet is None:
                continue
            wet = wet * (CHAIN_PEAK / max(float(np.max(np.abs(wet))), 1e-9))
            if confirmed_effect_words(kind, dry if reference is None else reference, wet, sr):
                y = wet
                break
    return (y * (peak / CHAIN_PEAK)).astype(np.float32)
