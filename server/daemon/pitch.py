"""Root-note detection for imported samples (pYIN over the sample's voiced frames)."""

from __future__ import annotations

import numpy as np


def detect_root(y: np.ndarray, *, sr: int) -> float | None:
    """Median pYIN pitch of the voiced frames as a fractional MIDI note, or None if unpitched.

    Parameters
    ----------
    y : np.ndarray [shape=(n,)], mono float32
    sr : sample rate of ``y``
    """
    import librosa

    y = np.asarray(y, dtype=np.float32)[: int(4.0 * sr)]  # the attack and body decide the root
    if y.size < 2048:
        return None
    fmin = float(librosa.note_to_hz("C1"))
    frame = 1 << int(np.ceil(np.log2(2.2 * sr / fmin)))  # two periods of fmin per frame
    if y.size < frame:
        return None
    f0, voiced, _ = librosa.pyin(y, fmin=fmin, fmax=float(librosa.note_to_hz("C8")), sr=sr,
                                 frame_length=frame)
    f0 = f0[voiced & np.isfinite(f0)]
    if f0.size < 3:
        return None
    return float(librosa.hz_to_midi(np.median(f0)))
