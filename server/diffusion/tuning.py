"""Tuning a pitched render onto its conditioning note, as a sampler's root-note fix would.

The UNet places harmonics near the requested pitch but not to the cent. A sampler repitches
from the root note it is told, so a render a quarter-tone sharp plays a quarter-tone sharp
on every key. After decoding, a pitched render's fundamental is measured (YIN over its
sustained part) and the render is resampled by the small ratio that puts it on the note.
Octave errors and unclear pitches are left alone: only offsets within ``max_cents`` move.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..audio_io import resample


@dataclass(frozen=True)
class Tuning:
    detected_midi: float | None  # what the render sounded at before tuning
    corrected_cents: float  # how far it was moved (0.0 when left alone)


def measure_pitch(audio: np.ndarray, sampling_rate: int, expected_midi: float) -> float | None:
    """Median YIN pitch (fractional MIDI) over the loud frames, searched within ±1 octave."""
    import librosa

    seg = audio[int(0.03 * sampling_rate): int(0.8 * sampling_rate)]
    if len(seg) < 4096:
        return None
    hz = librosa.midi_to_hz(expected_midi)
    fmin, fmax = max(hz / 2, 25.0), min(hz * 2, sampling_rate / 4)
    frame = int(2 ** np.ceil(np.log2(2.5 * sampling_rate / fmin)))  # ≥ two periods of fmin
    if frame > len(seg):
        return None
    f0 = librosa.yin(seg, fmin=fmin, fmax=fmax, sr=sampling_rate, frame_length=frame,
                     hop_length=frame // 4, center=False)
    rms = librosa.feature.rms(y=seg, frame_length=frame, hop_length=frame // 4, center=False)[0]
    loud = rms[: len(f0)] > 0.25 * rms.max()
    if not np.any(loud):
        return None
    return float(librosa.hz_to_midi(np.median(f0[loud])))


#: the furthest a render is moved onto its note (past it, an estimate is more likely wrong)
MAX_CENTS = 70.0


def tune_to_note(audio: np.ndarray, sampling_rate: int, midi: float, *,
                 max_cents: float = MAX_CENTS) -> tuple[np.ndarray, Tuning]:
    """Resample ``audio`` so its pitch sits on ``midi``; same length, same rate."""
    detected = measure_pitch(audio, sampling_rate, midi)
    if detected is None:
        return audio, Tuning(None, 0.0)
    off = 100.0 * (detected - midi)
    if abs(off) > max_cents or abs(off) < 1.0:
        return audio, Tuning(detected, 0.0)
    # Sharp by `off` cents: stretch by 2**(off/1200) at the same rate to lower it.
    stretched = resample(audio, orig_sr=sampling_rate,
                         target_sr=int(round(sampling_rate * 2 ** (off / 1200))))
    out = np.zeros_like(audio)
    n = min(len(out), len(stretched))
    out[:n] = stretched[:n]
    return out, Tuning(detected, off)
