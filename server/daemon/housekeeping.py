"""What the daemon does to its own process and folders at start-up: caches, priority, trash.

- Caches of the libraries it uses (numba's JIT cache for librosa's pitch tracking, torch's,
  matplotlib's) are pointed into the daemon's cache folder, so nothing is written next to
  the installed packages.
- Render threads run at a lower priority (a higher nice value), so a DAW's audio thread on
  the same cores is not starved while a prompt renders.
- Renders no state refers to are moved to ``trash/``, never unlinked; the trash keeps the
  newest files up to a count and an age.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from pathlib import Path

log = logging.getLogger(__name__)

TRASH_KEEP_FILES = 256
TRASH_KEEP_DAYS = 14.0

#: environment variables that tell libraries where to cache, and the subfolder each gets
CACHE_VARIABLES = {"NUMBA_CACHE_DIR": "numba", "TORCHINDUCTOR_CACHE_DIR": "torchinductor",
                   "TORCH_HOME": "torch", "MPLCONFIGDIR": "matplotlib",
                   "XDG_CACHE_HOME": "xdg"}


def use_cache_folder(cache_dir: Path) -> None:
    """Point the libraries' caches into ``cache_dir`` (before they are imported)."""
    for variable, sub in CACHE_VARIABLES.items():
        folder = Path(cache_dir) / sub
        folder.mkdir(parents=True, exist_ok=True)
        os.environ[variable] = str(folder)
    if "numba" in sys.modules:  # its cache folder is read at import
        log.warning("numba was imported before the cache folder was set: its JIT cache may be "
                    "written next to the installed packages")


def lower_thread_priority(nice: int) -> None:
    """Raise the calling thread's nice value by ``nice`` (Linux: per thread; threads it starts
    afterwards, such as torch's worker pool, inherit it). Elsewhere a no-op."""
    if nice <= 0 or not hasattr(os, "setpriority") or sys.platform != "linux":
        return
    tid = threading.get_native_id()
    try:
        current = os.getpriority(os.PRIO_PROCESS, tid)
        os.setpriority(os.PRIO_PROCESS, tid, min(19, current + nice))
    except OSError as exc:
        log.warning("could not lower the priority of %s: %s", threading.current_thread().name,
                    exc)


def move_to_trash(path: Path, trash_dir: Path) -> Path:
    """Move ``path`` into ``trash_dir`` (same filesystem: a rename), never over another file."""
    trash_dir.mkdir(parents=True, exist_ok=True)
    target = trash_dir / path.name
    n = 1
    while target.exists():
        target = trash_dir / f"{path.stem}.{n}{path.suffix}"
        n += 1
    os.replace(path, target)
    os.utime(target)  # its age in the trash counts from now
    return target


def empty_trash(trash_dir: Path, *, keep_files: int = TRASH_KEEP_FILES,
                keep_days: float = TRASH_KEEP_DAYS) -> int:
    """Delete trash beyond the newest ``keep_files`` or older than ``keep_days``; the count."""
    if not trash_dir.is_dir():
        return 0
    files = sorted((p for p in trash_dir.iterdir() if p.is_file()),
                   key=lambda p: p.stat().st_mtime, reverse=True)
    cutoff = time.time() - keep_days * 86400
    removed = 0
    for n, path in enumerate(files):
        if n >= keep_files or path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
