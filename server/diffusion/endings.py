"""How a render starts and ends: on its onset, and when its sound has died away.

A one-shot is trimmed at the front to its onset (a pad fires on time) and at the back where it
has fallen ``SILENT_DB`` below its peak for good, so a closed hat is short and a crash keeps its
ring; the asked duration is the longest it may be. Only when that duration ends the sound
while it is still audible does the render end with a release fade (a raised cosine, longer for
longer sounds); otherwise the last few milliseconds are smoothed so the cut cannot click.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: below the peak by this much the sound counts as gone (the issue's bar is 50 dB)
SILENT_DB = 60.0
#: the onset: the first moment within this much of the peak, less a short pre-roll
ONSET_DB = 40.0
PRE_ROLL_S = 0.002
BLOCK_S = 0.005
#: a release fade is this share of the render, within these bounds
RELEASE_SHARE = 0.15
RELEASE_MIN_S, RELEASE_MAX_S = 0.02, 0.30
#: the smoothing at a natural end (the sound is inaudible there already)
END_SMOOTH_S = 0.005
CEILING = 0.98


@dataclass(frozen=True)
class Ending:
    start: int  # samples of leading silence cut
    length: int  # samples kept
    natural: int  # samples until the sound fell SILENT_DB below its peak (from ``start``)
    faded: bool  # the duration cut an audible sound: a release fade was applied


def block_levels(audio: np.ndarray, sr: int) -> tuple[np.ndarray, int]:
    """Peak level per ``BLOCK_S`` block in dB relative to the whole sound's peak."""
    block = max(1, int(BLOCK_S * sr))
    n = len(audio) // block * block
    peaks = np.abs(audio[:n]).reshape(-1, block).max(axis=1) if n else np.zeros(0)
    if n < len(audio):
        peaks = np.append(peaks, np.abs(audio[n:]).max())
    top = float(peaks.max()) if peaks.size else 0.0
    if top <= 0.0:
        return np.full(peaks.shape, -np.inf), block
    with np.errstate(divide="ignore"):
        return 20.0 * np.log10(peaks / top), block


def plan(audio: np.ndarray, sr: int, duration_in_s: float) -> Ending:
    """Where a render of ``audio`` starts and ends (see the module docstring)."""
    levels, block = block_levels(audio, sr)
    loud = np.flatnonzero(levels > -ONSET_DB)
    if loud.size == 0:  # silence: keep the asked length, nothing to fade
        return Ending(0, min(len(audio), int(round(duration_in_s * sr))), 0, False)
    start = max(0, int(loud[0]) * block - int(PRE_ROLL_S * sr))
    audible = np.flatnonzero(levels > -SILENT_DB)
    natural = min(len(audio), (int(audible[-1]) + 1) * block) - start
    wanted = int(round(duration_in_s * sr))
    length = min(natural, wanted, len(audio) - start)
    # Cut short by the duration, or by the end of the audio while still sounding: a fade.
    still_sounding = start + natural >= len(audio) and levels[-1] > -SILENT_DB
    return Ending(start, max(1, length), natural, wanted < natural or still_sounding)


def finish(audio: np.ndarray, sr: int, duration_in_s: float) -> tuple[np.ndarray, Ending]:
    """``audio`` cut to its onset and natural end within ``duration_in_s``, faded only where
    the duration cut it short, and kept under the 0.98 ceiling."""
    ending = plan(audio, sr, duration_in_s)
    out = audio[ending.start:ending.start + ending.length].astype(np.float32).copy()
    n = len(out)
    if ending.faded:
        seconds = np.clip(RELEASE_SHARE * n / sr, RELEASE_MIN_S, RELEASE_MAX_S)
        fade = min(n, int(seconds * sr))
    else:
        fade = min(n, int(END_SMOOTH_S * sr))
    if fade > 1:
        out[n - fade:] *= (0.5 + 0.5 * np.cos(np.linspace(0.0, np.pi, fade))).astype(np.float32)
    peak = float(np.max(np.abs(out))) if n else 0.0
    if peak > CEILING:
        out *= CEILING / peak
    return out, ending


def decay_time(audio: np.ndarray, sr: int, below_db: float = 40.0) -> float:
    """Seconds from the peak until the sound stays ``below_db`` under it (the eval's decay)."""
    levels, block = block_levels(audio, sr)
    if not np.isfinite(levels).any():
        return 0.0
    peak_block = int(np.argmax(levels))
    above = np.flatnonzero(levels > -below_db)
    return max(0.0, (int(above[-1]) + 1 - peak_block) * block / sr)
