"""Atomic file replacement shared by renders, notes, state and presets.

A file is written to a temporary name in its target folder, optionally fsynced, then renamed
over the target: readers see the old file or the complete new one, never half. Temporary files
get the mode a plain ``open()`` would give (0666 less the umask, usually 0644), not
``mkstemp``'s 0600: a DAW running as another user must be able to read a render.
A failed write (disk full, quota, read-only filesystem) raises ``OSError`` and leaves no
temporary file behind.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path


def _read_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _read_umask()  # read once: os.umask can only be read by setting it


def create_temp(folder: Path, *, prefix: str, suffix: str) -> tuple[int, str]:
    """``mkstemp`` in ``folder`` with the umask's mode; returns ``(fd, path)``."""
    fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=folder)
    try:
        os.fchmod(fd, 0o666 & ~_UMASK)
    except OSError:  # a filesystem without modes (some FUSE mounts): keep mkstemp's
        pass
    return fd, tmp


def write_all(fd: int, parts: Iterable[bytes | memoryview]) -> None:
    """Write every byte of ``parts`` to ``fd``; a short write is retried, ENOSPC raised."""
    for part in parts:
        view = memoryview(part).cast("B")
        while view:
            written = os.write(fd, view)
            view = view[written:]


@contextmanager
def temp_beside(path: Path, *, prefix: str | None = None) -> Iterator[tuple[int, str]]:
    """A temporary file ``(fd, name)`` in ``path``'s folder for the caller to fill, close and
    rename over ``path``. On failure it is removed, and an ``OSError`` names ``path``."""
    fd, tmp = create_temp(path.parent, prefix=prefix or f".{path.stem}.",
                          suffix=f"{path.suffix}.part")
    try:
        yield fd, tmp
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise named(exc, path) from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def replace_atomic(path: Path, parts: Iterable[bytes | memoryview], *, fsync: bool = True,
                   prefix: str | None = None) -> Path:
    """Atomically replace ``path`` with the concatenation of ``parts``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with temp_beside(path, prefix=prefix) as (fd, tmp):
        try:
            write_all(fd, parts)
            if fsync:
                os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    return path


def link_or_copy(source: Path, dest: Path) -> Path:
    """``dest`` as a second name of ``source`` (a hard link), or, where the disk cannot link,
    an atomically written copy: either way a whole file or none."""
    try:
        os.link(source, dest)
    except OSError as exc:
        if exc.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP):
            raise
        with open(source, "rb") as f:
            replace_atomic(dest, iter(lambda: f.read(1 << 20), b""))
    return dest


def named(exc: OSError, path: Path) -> OSError:
    """``exc`` naming ``path`` (``os.write`` errors name no file)."""
    if exc.filename is not None:
        return exc
    return type(exc)(exc.errno, exc.strerror, str(path))


def describe_os_error(exc: OSError, action: str = "write") -> str:
    """``cannot write /path: No space left on device`` (the path and the OS's message)."""
    where = exc.filename if exc.filename is not None else "a file"
    return f"cannot {action} {where}: {exc.strerror or exc}"
