"""The slot bank: per-slot parameters and current render, thread-safe, persisted on every change.

A slot holds what a producer set (prompt, negative prompt, seed, steps, guidance, duration,
strength, root note, repitch mode, gain) and what the daemon made from it (the current render:
a WAV file in the slots folder with its root note). ``wanted`` marks a render that was asked
for and has not finished yet; a daemon restarted after a crash queues those again.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from .state import StateStore

log = logging.getLogger(__name__)

REPITCH_MODES = ("resample", "keep-length")


#: ``root`` value that lets each render sound in its own register (a sub bass stays low)
OWN_REGISTER = -1.0
#: the note unpitched renders are played from when no root was set (keys then transpose them)
UNPITCHED_ROOT = 60.0


@dataclass(frozen=True)
class SlotParams:
    prompt: str = ""
    negative: str = ""
    seed: int = -1
    steps: int = 12
    guidance: float = 3.0
    duration: float = 1.48
    strength: float = 0.1  # the shipped model's evaluated default (see its model card)
    root: float = OWN_REGISTER  # -1: the render picks the sound's own register
    repitch: str = "resample"
    gain: float = 1.0


#: keys whose change makes the next render differ (the others only affect playback)
RENDER_KEYS = frozenset({"prompt", "negative", "seed", "steps", "guidance", "duration",
                         "strength", "root"})


@dataclass(frozen=True)
class SlotRender:
    """A finished render or imported sample: ``path`` is a WAV at the host rate."""

    path: str
    root: float | None  # MIDI note it sounds at; None = unpitched (drums)
    seconds: float  # audio length
    seed: int
    render_id: int
    source: str = "model"  # model | import


@dataclass(frozen=True)
class Slot:
    index: int
    params: SlotParams = field(default_factory=SlotParams)
    render: SlotRender | None = None
    wanted: bool = False  # a render was requested and has not finished

    @property
    def is_empty(self) -> bool:
        return not self.params.prompt and self.render is None

    def playback_root(self) -> float:
        """The note the current render sounds at: its own root, else the slot's root, else
        (an unpitched render in a slot left to its own register) middle C."""
        if self.render is not None and self.render.root is not None:
            return self.render.root
        return self.params.root if self.params.root >= 0 else UNPITCHED_ROOT


class SlotBank:
    """``num_slots`` slots behind one lock; every change is written through ``store``."""

    def __init__(self, num_slots: int, store: StateStore) -> None:
        self._lock = threading.RLock()
        self._store = store
        self._slots = [Slot(i) for i in range(num_slots)]
        self._keymap: dict[str, Any] = {}
        self._next_render_id = 1
        self._listeners: list[Callable[[Slot], None]] = []

    # -- persistence -------------------------------------------------------------------------
    def restore(self) -> list[int]:
        """Load the saved state; return the slots whose requested render never finished."""
        data = self._store.load()
        if not data:
            return []
        with self._lock:
            for item in data.get("slots", []):
                idx = int(item.get("index", -1))
                if not 0 <= idx < len(self._slots):
                    log.warning("state: ignoring slot %s (bank has %d)", idx, len(self._slots))
                    continue
                params = _params_from_dict(item.get("params", {}))
                render = None
                if item.get("render"):
                    render = SlotRender(**item["render"])
                    if not Path(render.path).is_file():
                        log.warning("state: slot %d render %s is missing", idx, render.path)
                        render = None
                self._slots[idx] = Slot(idx, params, render, bool(item.get("wanted")))
            self._keymap = dict(data.get("keymap") or {})
            self._next_render_id = max(int(data.get("next_render_id", 1)), 1)
            return [s.index for s in self._slots if s.wanted and s.params.prompt]

    def _save(self) -> None:
        self._store.save({
            "version": 1,
            "next_render_id": self._next_render_id,
            "keymap": self._keymap,
            "slots": [{"index": s.index, "params": asdict(s.params),
                       "render": asdict(s.render) if s.render else None, "wanted": s.wanted}
                      for s in self._slots
                      if s.params != SlotParams() or s.render is not None or s.wanted],
        })

    # -- reads -------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._slots)

    def get(self, index: int) -> Slot:
        with self._lock:
            return self._slots[index]

    def all(self) -> list[Slot]:
        with self._lock:
            return list(self._slots)

    @property
    def keymap(self) -> dict[str, Any]:
        with self._lock:
            return dict(self._keymap)

    def referenced_paths(self) -> set[Path]:
        with self._lock:
            return {Path(s.render.path) for s in self._slots if s.render}

    # -- writes (each persists before returning) ---------------------------------------------
    def set_params(self, index: int, *, want_render: bool | None = None, **changes: Any) -> Slot:
        """Change parameters; a ``root`` change also retunes the current render."""
        with self._lock:
            slot = self._slots[index]
            params = replace(slot.params, **changes)
            render = slot.render
            if "root" in changes and render is not None and changes["root"] >= 0:
                render = replace(render, root=float(changes["root"]))
            wanted = slot.wanted if want_render is None else want_render
            self._slots[index] = replace(slot, params=params, render=render, wanted=wanted)
            self._save()
            return self._slots[index]

    def set_wanted(self, index: int, wanted: bool) -> Slot:
        with self._lock:
            self._slots[index] = replace(self._slots[index], wanted=wanted)
            self._save()
            return self._slots[index]

    def new_render_id(self) -> int:
        with self._lock:
            rid = self._next_render_id
            self._next_render_id += 1
            return rid

    def install_render(self, index: int, render: SlotRender, *, params: SlotParams | None = None,
                       still_wanted: bool = False) -> tuple[Slot, SlotRender | None]:
        """Make ``render`` the slot's current render; return the new slot and the old render."""
        with self._lock:
            slot = self._slots[index]
            old = slot.render
            self._slots[index] = replace(slot, render=render, wanted=still_wanted,
                                         params=params or slot.params)
            self._save()
            return self._slots[index], old

    def set_keymap(self, keymap: dict[str, Any]) -> None:
        with self._lock:
            self._keymap = dict(keymap)
            self._save()


def _params_from_dict(data: dict[str, Any]) -> SlotParams:
    known = {f.name for f in fields(SlotParams)}
    return SlotParams(**{k: v for k, v in data.items() if k in known})
