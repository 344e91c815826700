"""One background thread that fills the note player's repitch cache, latest request per slot.

After a render lands (or a slot's root or repitch mode changes) the keys that will play it are
repitched ahead of time, nearest to the root first, so note-ons find them ready. A newer
request for the same slot replaces an unstarted older one; note-ons never wait for this.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict

from .housekeeping import lower_thread_priority
from .player import NotePlayer
from .slots import Slot

log = logging.getLogger(__name__)


class CachePreparer:
    def __init__(self, player: NotePlayer, *, nice: int = 0) -> None:
        self._player = player
        self._nice = nice
        self._cond = threading.Condition()
        self._requests: OrderedDict[int, tuple[Slot, list[int]]] = OrderedDict()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._work, name="repitch-cache", daemon=True)
        self._thread.start()

    def request(self, slot: Slot, notes: list[int]) -> None:
        with self._cond:
            self._requests.pop(slot.index, None)
            self._requests[slot.index] = (slot, notes)
            self._cond.notify()

    def stop(self) -> None:
        self._stop.set()
        with self._cond:
            self._cond.notify()
        self._thread.join(2.0)

    def _work(self) -> None:
        lower_thread_priority(self._nice)  # background work: the note-on path comes first
        while not self._stop.is_set():
            with self._cond:
                while not self._requests and not self._stop.is_set():
                    self._cond.wait()
                if self._stop.is_set():
                    return
                _, (slot, notes) = self._requests.popitem(last=False)
            done = self._player.prepare(slot, notes, self._stop)
            log.debug("slot %d: %d repitched notes cached", slot.index, done)
