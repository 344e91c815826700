"""Fast atomic WAV writing for played notes (a note file is rewritten on every note-on).

Same contract as ``server.audio_io.write_wav_atomic`` (temp file in the target folder, then
rename: readers see the old file or the whole new one) but without fsync and with the WAV
bytes packed by numpy: a note file is disposable output, and the note-on path has a budget of
a few milliseconds. Renders and state, which must survive power loss, use the fsynced writer.

A 4 s note is 576 KB of 24-bit samples: the packing works in scratch buffers kept between
notes (``Scratch``), since fresh arrays of that size cost more in page faults than the
arithmetic, and the note's gain is applied in the same pass.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import struct
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import numpy as np

from server.atomic_file import temp_beside, write_all

_FORMATS = {"pcm24": (1, 3), "float": (3, 4)}  # WAVE_FORMAT_PCM / IEEE_FLOAT, bytes per sample


class Scratch:
    """Buffers reused from one note to the next (one user at a time: hold ``lock``)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self._floats = np.empty(0, np.float32)
        self._ints = np.empty(0, "<i4")
        self._bytes = np.empty(0, np.uint8)

    def take(self, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if self._floats.size < n:
            size = max(n, 2 * self._floats.size)
            self._floats = np.empty(size, np.float32)
            self._ints = np.empty(size, "<i4")
            self._bytes = np.empty(3 * size, np.uint8)
        return self._floats[:n], self._ints[:n], self._bytes[:3 * n]


def wav_bytes(y: np.ndarray, *, sr: int, fmt: str = "pcm24") -> bytes:
    """A complete mono WAV file: 24-bit PCM (clipped to [-1, 1)) or 32-bit float."""
    return b"".join(wav_parts(y, sr=sr, fmt=fmt))


def wav_parts(y: np.ndarray, *, sr: int, fmt: str = "pcm24", gain: float = 1.0,
              scratch: Scratch | None = None) -> tuple[bytes, memoryview, bytes]:
    """(header, sample data, pad) of a mono WAV file of ``y * gain``, for a gather write
    without copies. With ``scratch`` the data lives in its buffers: write it before the next
    use."""
    if fmt not in _FORMATS:
        raise ValueError(f"fmt={fmt!r}: must be one of {', '.join(_FORMATS)}")
    tag, width = _FORMATS[fmt]
    y = np.ascontiguousarray(y, dtype=np.float32).reshape(-1)
    floats, ints, packed = (scratch or Scratch()).take(y.size)
    if fmt == "pcm24":
        np.multiply(y, np.float32(gain * 8388608.0), out=floats)
        np.clip(floats, -8388608.0, 8388607.0, out=floats)
        np.rint(floats, out=floats)
        np.copyto(ints, floats, casting="unsafe")
        low = ints.view(np.uint8)  # little-endian: the 3 low bytes of each int are the sample
        packed[0::3], packed[1::3], packed[2::3] = low[0::4], low[1::4], low[2::4]
        data = packed.data
    else:
        np.multiply(y, np.float32(gain), out=floats)
        data = floats.view(np.uint8).data
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


def _load_renameat2() -> Callable[[str, str], bool] | None:
    """``exchange(a, b)``: atomically swap two paths (Linux renameat2 RENAME_EXCHANGE)."""
    if sys.platform != "linux":
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return None
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    at_fdcwd, rename_exchange = -100, 2

    def exchange(a: str, b: str) -> bool:
        return fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0

    return exchange


_exchange = _load_renameat2()


def write_note_wav(path: Path, y: np.ndarray, *, sr: int, fmt: str = "pcm24",
                   gain: float = 1.0, scratch: Scratch | None = None) -> Path:
    """Atomically replace ``path`` with a WAV of ``y * gain`` (temp file + rename, no fsync).

    On Linux an existing file is swapped with the temp file (``renameat2(RENAME_EXCHANGE)``)
    and the old one unlinked: as atomic as a rename, but ext4 does not flush the new file's
    blocks as it does for a rename over an existing file (``auto_da_alloc``), which costs
    milliseconds on the note-on path.
    """
    if scratch is None:
        return _write_note_wav(path, wav_parts(y, sr=sr, fmt=fmt, gain=gain))
    with scratch.lock:  # the data is the scratch's until written
        return _write_note_wav(path, wav_parts(y, sr=sr, fmt=fmt, gain=gain, scratch=scratch))


def _write_note_wav(path: Path, parts: tuple[bytes, memoryview, bytes]) -> Path:
    with temp_beside(path) as (fd, tmp):  # disk full: the error names the note's file
        try:
            total = sum(len(p) for p in parts)
            written = os.writev(fd, parts)
            if written != total:  # short write (disk full, signal): write the rest plainly
                write_all(fd, [b"".join(parts)[written:]])
        finally:
            os.close(fd)
        if _exchange is not None and _exchange(tmp, str(path)):
            os.unlink(tmp)  # now holds the previous note
        else:  # first write of this note, or no renameat2
            os.replace(tmp, path)
    return path
