"""Repitch a one-shot to a played note: classic resampling or length-preserving pitch shift.

Classic sampler repitch plays the sample faster or slower: resample by
``ratio = 2 ** ((note - root) / 12)`` so that the output, played at the same rate, sounds
``note - root`` semitones away (its length divides by ``ratio``). ``keep-length`` shifts pitch
with librosa's phase vocoder + resampling and keeps the length (slower, softer transients).
"""

from __future__ import annotations

import numpy as np
import soxr


def semitone_ratio(note: float, root: float) -> float:
    """Playback-speed ratio that moves ``root`` to ``note``."""
    return float(2.0 ** ((note - root) / 12.0))


def repitch(y: np.ndarray, *, sr: int, semitones: float, mode: str = "resample",
            max_seconds: float | None = None) -> np.ndarray:
    """Repitch ``y`` by ``semitones``.

    Parameters
    ----------
    y : np.ndarray [shape=(n,)], float32 mono at ``sr``
    sr : sample rate of ``y`` and of the result
    semitones : shift; 0 returns ``y`` unchanged
    mode : ``resample`` (length changes) or ``keep-length``
    max_seconds : cut longer results (a 10 ms fade-out at the cut)

    Returns
    -------
    np.ndarray [shape=(m,)], float32
    """
    if y.ndim != 1:
        raise ValueError(f"y must be mono [n], got shape {y.shape}")
    if mode not in ("resample", "keep-length"):
        raise ValueError(f"mode={mode!r}: must be 'resample' or 'keep-length'")
    if semitones == 0:
        out = y.astype(np.float32, copy=False)
    elif mode == "resample":
        ratio = semitone_ratio(semitones, 0.0)
        if max_seconds is not None:  # only resample what survives the cut
            y = y[: int(np.ceil(max_seconds * sr * ratio)) + 64]
        # Treat the input as if it were recorded at sr * ratio and convert it to sr.
        out = soxr.resample(y, sr * ratio, sr, quality="HQ").astype(np.float32)
    else:
        import librosa

        out = librosa.effects.pitch_shift(y.astype(np.float32), sr=sr, n_steps=semitones,
                                          res_type="soxr_hq").astype(np.float32)
    if max_seconds is not None and out.size > int(max_seconds * sr):
        out = out[: int(max_seconds * sr)].copy()
        fade = min(out.size, int(0.01 * sr))
        out[-fade:] *= np.linspace(1.0, 0.0, fade, dtype=np.float32)
    return out
