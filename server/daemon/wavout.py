"""Fast atomic WAV writing for played notes (a note file is rewritten on every note-on).

Same contract as ``server.audio_io.write_wav_atomic`` (temp file in the target folder, then
rename: readers see the old file or the whole new one) but without fsync and with the WAV
bytes packed by numpy: a note file is disposable output, and the note-on path has a budget of
a few milliseconds. Renders and state, which must survive power loss, use the fsynced writer.
"""

from __future__ import annotations

import os
import struct
import tempfile
from pathlib import Path

import numpy as np

_FORMATS = {"pcm24": (1, 3), "float": (3, 4)}  # WAVE_FORMAT_PCM / IEEE_FLOAT, bytes per sample


def wav_bytes(y: np.ndarray, *, sr: int, fmt: str = "pcm24") -> bytes:
    """A complete mono WAV file: 24-bit PCM (clipped to [-1, 1)) or 32-bit float."""
    return b"".join(wav_parts(y, sr=sr, fmt=fmt))


def wav_parts(y: np.ndarray, *, sr: int, fmt: str = "pcm24") -> tuple[bytes, bytes, bytes]:
    """(header, sample data, pad) of a mono WAV file, for a gather write without copies."""
    if fmt not in _FORMATS:
        raise ValueError(f"fmt={fmt!r}: must be one of {', '.join(_FORMATS)}")
    tag, width = _FORMATS[fmt]
    y = np.asarray(y, dtype=np.float32).reshape(-1)
    if fmt == "pcm24":
        ints = np.clip(np.rint(y * 8388608.0), -8388608, 8388607).astype("<i4")
        data = ints.view(np.uint8).reshape(-1, 4)[:, :3].tobytes()
    else:
        data = y.astype("<f4").tobytes()
    fmt_chunk = struct.pack("<HHIIHH", tag, 1, sr, sr * width, width, width * 8)
    if tag == 3:  # non-PCM formats carry cbSize and a fact chunk
        fmt_chunk += struct.pack("<H", 0)
        extra = b"fact" + struct.pack("<II", 4, y.size)
    else:
        extra = b""
    pad = b"\x00" if len(data) % 2 else b""
    chunks = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt_chunk)) + fmt_chunk + extra
    riff_size = len(chunks) + 8 + len(data) + len(pad)
    header = (b"RIFF" + struct.pack("<I", riff_size) + chunks + b"data"
              + struct.pack("<I", len(data)))
    return header, data, pad


def write_note_wav(path: Path, y: np.ndarray, *, sr: int, fmt: str = "pcm24") -> Path:
    """Atomically replace ``path`` with a WAV of ``y`` (temp file + rename, no fsync)."""
    parts = wav_parts(y, sr=sr, fmt=fmt)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".wav.part", dir=path.parent)
    try:
        try:
            total = sum(len(p) for p in parts)
            if os.writev(fd, parts) != total:  # short write (disk full, signal): retry plainly
                os.lseek(fd, 0, os.SEEK_SET)
                os.ftruncate(fd, 0)
                with open(fd, "wb", closefd=False) as handle:
                    handle.write(b"".join(parts))
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
