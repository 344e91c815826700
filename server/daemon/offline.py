"""The slot folder's state for commands that edit it while no daemon runs (``shotcaller taken``,
``shotcaller banks``): the folder's lock held, the state loaded as saved, or a clear error."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .folder_lock import FolderLock, FolderLocked
from .state import StateStore


@contextmanager
def locked_state(slots: Path) -> Iterator[tuple[StateStore, dict[str, Any]]]:
    """``(store, data)`` for ``slots/state.json`` with the folder locked; UsageError when it
    is not a slot folder, a daemon runs on it, or its state did not load as saved."""
    from server.errors import UsageError

    slots = Path(slots)
    if not (slots / "state.json").is_file():
        raise UsageError(f"{slots}: no state.json (not a slot folder?)")
    try:
        lock = FolderLock(slots).acquire()
    except FolderLocked as exc:
        raise UsageError(f"{exc} (stop the daemon first)") from exc
    try:
        store = StateStore(slots / "state.json")
        loaded = store.load()
        if not loaded.clean or loaded.data is None:
            raise UsageError(f"{slots / 'state.json'}: {'; '.join(loaded.problems)}: start "
                             "the daemon once so it recovers the state, then try again")
        yield store, loaded.data
    finally:
        lock.release()
