"""Reading and writing audio files: any common format in, atomic WAV out."""

from __future__ import annotations

import io
import logging
import os
from pathlib import Path

import numpy as np
import soundfile as sf
import soxr

from .atomic_file import replace_atomic

log = logging.getLogger(__name__)

READABLE_SUFFIXES = frozenset({".wav", ".aif", ".aiff", ".flac", ".ogg", ".mp3"})


class AudioReadError(ValueError):
    """A file that cannot be decoded into finite, non-empty audio."""


def load_mono(path: str | os.PathLike, *, sr: int | None = None) -> tuple[np.ndarray, int]:
    """Decode ``path`` into a mono float32 signal, optionally resampled to ``sr``.

    Returns
    -------
    y : np.ndarray [shape=(n,)]
    sr : int, the rate of ``y``.

    Raises AudioReadError naming the file and the reason for unreadable, empty or non-finite audio.
    """
    path = Path(path)
    try:
        data, file_sr = sf.read(str(path), dtype="float32", always_2d=True)
    except Exception as exc:  # soundfile raises several types; the caller only needs a reason
        data, file_sr = _load_with_librosa(path, exc)
    if data.size == 0:
        raise AudioReadError(f"{path}: no audio samples")
    y = data.mean(axis=1) if data.ndim == 2 else data
    if not np.all(np.isfinite(y)):
        raise AudioReadError(f"{path}: contains NaN or infinite samples")
    if sr is not None and sr != file_sr:
        y = resample(y, orig_sr=int(file_sr), target_sr=sr)
        file_sr = sr
    return np.ascontiguousarray(y, dtype=np.float32), int(file_sr)


def _load_with_librosa(path: Path, first_error: Exception) -> tuple[np.ndarray, int]:
    # libsndfile builds without MP3 support exist; librosa falls back to audioread there.
    if path.suffix.lower() != ".mp3":
        raise AudioReadError(f"{path}: {first_error}") from first_error
    try:
        import librosa

        y, file_sr = librosa.load(str(path), sr=None, mono=True)
    except Exception as exc:
        raise AudioReadError(f"{path}: {exc}") from exc
    return y[:, None], int(file_sr)


def resample(y: np.ndarray, *, orig_sr: int, target_sr: int) -> np.ndarray:
    """Band-limited resampling with soxr (the resampler librosa uses)."""
    if orig_sr == target_sr:
        return y.astype(np.float32, copy=False)
    return soxr.resample(y, orig_sr, target_sr, quality="HQ").astype(np.float32)


def write_wav_atomic(
    path: str | os.PathLike, y: np.ndarray, *, sr: int, subtype: str = "PCM_24"
) -> Path:
    """Write ``y`` to ``path`` so that readers see either the old file or the complete new one.

    The WAV is encoded in memory, written to a temporary file in the same folder, fsynced, then
    renamed over the target (rename is atomic within one filesystem). A full disk raises
    ``OSError`` (ENOSPC) naming the temporary file; nothing half-written is left.
    """
    buffer = io.BytesIO()
    sf.write(buffer, np.asarray(y, dtype=np.float32), sr, subtype=subtype, format="WAV")
    return replace_atomic(Path(path), [buffer.getbuffer()], fsync=True)
