"""One daemon per slot folder: an exclusive ``flock`` on ``SLOTS/.lock`` held for the
daemon's lifetime.

Two daemons on one folder would overwrite each other's state and delete each other's renders.
The lock dies with its process (even on ``kill -9``), so a crash never leaves the folder
locked; the file holds the owner's PID only to name it in the second daemon's error.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

LOCK_NAME = ".lock"


class FolderLocked(ValueError):
    """Another process holds the slot folder."""


class FolderLock:
    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.path = self.folder / LOCK_NAME
        self._fd: int | None = None

    def acquire(self) -> FolderLock:
        """Take the lock or raise FolderLocked naming the folder and the holder's PID."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
            os.close(fd)
            raise FolderLocked(
                f"slot folder {self.folder} is in use by another shotcaller daemon "
                f"(pid {holder}): stop it, or give this one its own folder with --slots DIR"
            ) from None
        except BaseException:
            os.close(fd)
            raise
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor drops the flock
            self._fd = None
