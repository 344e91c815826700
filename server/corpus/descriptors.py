"""Audio descriptors and the NSynth-style qualities derived from them.

Thresholds (all documented here, applied by :func:`qualities`):

- ``percussive``: the envelope reaches 90 % of its peak within 15 ms of the onset.
- ``fast_decay``: the envelope falls 30 dB below its peak within 350 ms of the peak.
- ``long_release``: more than 1.0 s from the peak to 30 dB below it (rendered notes: or the
  tail 100 ms after note-off is still within 30 dB of the peak).
- ``bright`` / ``dark``: spectral centroid above the 70th / below the 30th percentile of its
  sound class in the same corpus (brightness is relative: a bright bass is darker than a hat).
- ``noisy``: energy-weighted spectral flatness above 0.25.
- ``soft`` / ``hard``: MIDI velocity <= 50 / >= 110, or for imported files an RMS level below
  -30 dBFS / above -14 dBFS before normalisation.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

_HOP = 256
_N_FFT = 2048


@dataclass(frozen=True)
class Descriptors:
    peak: float  # linear peak before normalisation
    rms_db: float  # RMS over the sounding part, dBFS, before normalisation
    centroid_hz: float
    flatness: float
    attack_s: float
    decay_s: float
    release_db: float | None  # tail level after note-off relative to the peak, dB

    def to_dict(self) -> dict:
        return {k: (round(v, 5) if isinstance(v, float) else v) for k, v in asdict(self).items()}


def envelope_db(y: np.ndarray, *, hop: int = _HOP) -> np.ndarray:
    """Frame RMS level in dB (frames of ``hop`` samples)."""
    n = len(y) // hop * hop
    if n == 0:
        return np.full(1, -120.0)
    frames = y[:n].reshape(-1, hop)
    return 10.0 * np.log10(np.mean(frames * frames, axis=1) + 1e-12)


def describe(y: np.ndarray, *, sr: int, note_off_s: float | None = None) -> Descriptors:
    """Measure ``y`` (mono, any level) for qualities and captions."""
    peak = float(np.max(np.abs(y))) if len(y) else 0.0
    env = envelope_db(y)
    frame_s = _HOP / sr
    top = int(np.argmax(env))
    peak_db = env[top]
    sounding = env > peak_db - 40.0
    onset = int(np.argmax(env > peak_db - 40.0))
    reach = int(np.argmax(env[onset:] >= peak_db - 0.92))  # 90 % amplitude = -0.92 dB
    attack_s = reach * frame_s
    below = np.nonzero(env[top:] < peak_db - 30.0)[0]
    decay_s = (below[0] if len(below) else len(env) - top) * frame_s
    rms_db = float(10.0 * np.log10(np.mean(10.0 ** (env[sounding] / 10.0)) + 1e-12))
    release_db = None
    if note_off_s is not None:
        start = int((note_off_s + 0.1) / frame_s)
        if start < len(env):
            release_db = float(np.max(env[start:]) - peak_db)
    centroid, flatness = _spectral_shape(y, sr=sr)
    return Descriptors(peak, rms_db, centroid, flatness, attack_s, float(decay_s), release_db)


def _spectral_shape(y: np.ndarray, *, sr: int) -> tuple[float, float]:
    """Energy-weighted spectral centroid (Hz) and flatness over the whole sound."""
    if len(y) < _N_FFT:
        y = np.pad(y, (0, _N_FFT - len(y)))
    n_frames = 1 + (len(y) - _N_FFT) // (_N_FFT // 2)
    idx = np.arange(_N_FFT)[None, :] + (_N_FFT // 2) * np.arange(n_frames)[:, None]
    mag = np.abs(np.fft.rfft(y[idx] * np.hanning(_N_FFT), axis=1)) + 1e-10
    power = mag**2
    weights = power.sum(axis=1)
    if weights.sum() <= 0:
        return 0.0, 1.0
    freqs = np.fft.rfftfreq(_N_FFT, 1.0 / sr)
    centroid = (power @ freqs) / weights
    flat = np.exp(np.mean(np.log(power), axis=1)) / np.mean(power, axis=1)
    w = weights / weights.sum()
    return float(centroid @ w), float(flat @ w)


def is_silent_or_broken(y: np.ndarray) -> str | None:
    """Why a rendered note is unusable, or None when it is fine."""
    if len(y) == 0:
        return "empty"
    if not np.all(np.isfinite(y)):
        return "non-finite samples"
    peak = float(np.max(np.abs(y)))
    if peak < 1e-3:
        return "silent"
    if float(np.std(y)) < 1e-4 * peak or np.mean(np.abs(y) > 0.999 * peak) > 0.2:
        return "broken sample (DC or clipped)"
    return None


def qualities(
    d: Descriptors,
    *,
    centroid_rank: float,
    velocity: int | None,
) -> list[str]:
    """NSynth-style quality words; ``centroid_rank`` is the centroid's percentile in its class."""
    out = []
    if centroid_rank >= 0.7:
        out.append("bright")
    if centroid_rank <= 0.3:
        out.append("dark")
    if d.decay_s <= 0.35:
        out.append("fast_decay")
    if d.decay_s > 1.0 or (d.release_db is not None and d.release_db > -30.0):
        out.append("long_release")
    if d.flatness > 0.25:
        out.append("noisy")
    if d.attack_s <= 0.015:
        out.append("percussive")
    if velocity is not None:
        if velocity <= 50:
            out.append("soft")
        elif velocity >= 110:
            out.append("hard")
    elif d.rms_db < -30.0:
        out.append("soft")
    elif d.rms_db > -14.0:
        out.append("hard")
    return out
