"""Root-note detection with pYIN, for imported samples: the daemon's and the corpus's."""

from __future__ import annotations

import numpy as np


def frame_length(sr: int, fmin: float) -> int:
    """The shortest power-of-two frame holding two periods of ``fmin``: pYIN's own condition
    (2048 samples at 44.1 kHz hold under two periods of 30 Hz, and read a 52 Hz sub-bass as
    unvoiced)."""
    return 1 << int(np.ceil(np.log2(2 * sr / fmin)))


def detect_root(y: np.ndarray, *, sr: int, seconds: float = 4.0, fmin: float = 32.7,
                fmax: float = 4186.0, min_voiced_share: float = 0.0) -> float | None:
    """Median pYIN pitch of the voiced frames as a fractional MIDI note, or None if unpitched.

    Parameters
    ----------
    y : np.ndarray [shape=(n,)], mono float32
    sr : sample rate of ``y``
    seconds : how much of the start is read (the attack and body decide the root)
    fmin, fmax : the range searched, in Hz (C1-C8 by default)
    min_voiced_share : the share of frames that must be voiced for the sound to count as
        pitched (at least three frames in any case)
    """
    import librosa

    y = np.asarray(y, dtype=np.float32)[: int(seconds * sr)]
    frame = frame_length(sr, fmin)
    if y.size < frame:
        return None
    f0, voiced, _ = librosa.pyin(y, fmin=fmin, fmax=fmax, sr=sr, frame_length=frame)
    pitched = voiced & np.isfinite(f0)
    if pitched.sum() < 3 or pitched.mean() < min_voiced_share:
        return None
    return float(librosa.hz_to_midi(np.median(f0[pitched])))
