"""The slot bank: per-slot parameters and current render, thread-safe, on disk before in effect.

Slots come in named banks of ``num_slots`` (16): ``main`` (the one MIDI, ``oscsend`` and any
controller that names no bank play) and one per front-end instance that asks for its own
(``/shot/bank``), so two Live devices or plugin instances never fight over slots. Bank number
``n`` holds the daemon's slots ``n * num_slots`` up to the next bank's; each bank has its own
keymap. Inside the daemon a slot is its global index; the OSC layer speaks in a bank's own
0-based indices.

A slot holds what a producer set (prompt, negative prompt, seed, steps, guidance, duration,
strength, root note, repitch mode, gain) and what the daemon made from it (the current render:
a WAV file in the slots folder with its root note). ``wanted`` marks a render that was asked
for and has not finished yet; a daemon restarted after a crash queues those again.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from server.atomic_file import describe_os_error

from .state import STATE_VERSION, Loaded, StateStore

log = logging.getLogger(__name__)

REPITCH_MODES = ("resample", "keep-length")


#: ``root`` value that lets each render sound in its own register (a sub bass stays low)
OWN_REGISTER = -1.0
#: the note unpitched renders are played from when no root was set (keys then transpose them)
UNPITCHED_ROOT = 60.0


def _default(key: str) -> Any:
    """A new slot's value of ``key``: the OSC spec's slot-key table holds the defaults, so the
    daemon, the docs and the front ends' generated tables start from the same values."""
    from bridge.spec import load_spec

    return load_spec()["slot_keys"][key]["default"]


@dataclass(frozen=True)
class SlotParams:
    prompt: str = _default("prompt")
    negative: str = _default("negative")
    seed: int = _default("seed")
    steps: int = _default("steps")
    guidance: float = _default("guidance")
    duration: float = _default("duration")
    strength: float = _default("strength")  # the shipped model's evaluated default
    root: float = _default("root")  # -1 (OWN_REGISTER): the render picks the sound's register
    repitch: str = _default("repitch")
    gain: float = _default("gain")


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
    credit: str = ""  # source, author and licence of what it was made from (``/shot/credit``)


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


MAIN_BANK = "main"
#: banks a daemon holds at most (the state file and /shot/state stay small)
MAX_BANKS = 64
BANK_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


def check_bank_name(name: str) -> str:
    if not BANK_NAME.fullmatch(name):
        raise ValueError(f"bank name {name!r}: 1 to 64 letters, digits, '_', '.' or '-', "
                         "starting with a letter or digit")
    return name


@dataclass(frozen=True)
class Bank:
    name: str
    number: int  # its slots are number * size .. number * size + size - 1
    keymap: tuple[tuple[str, Any], ...] = ()  # the keymap dict's items, frozen; () = drums


@dataclass(frozen=True)
class BankState:
    """Everything the state file holds, as one immutable value."""

    slots: tuple[Slot, ...]
    banks: tuple[Bank, ...] = (Bank(MAIN_BANK, 0),)
    #: file names of renders a front end has taken (loaded into a Live set): never deleted by
    #: the daemon, only by ``shotcaller taken --delete``
    taken: frozenset[str] = frozenset()

    def bank(self, name: str) -> Bank | None:
        return next((b for b in self.banks if b.name == name), None)

    @property
    def keymap(self) -> tuple[tuple[str, Any], ...]:
        """The main bank's keymap (what MIDI plays)."""
        return self.banks[0].keymap


Change = Callable[[BankState], BankState]
Done = Callable[[BankState | None, BaseException | None], None]


class SlotBank:
    """``num_slots`` slots whose changes take effect only once they are on disk.

    A change is a function from the committed :class:`BankState` to a new one. Changes are
    grouped by a background writer (``state-writer``): it applies everything queued since its
    last write, saves the result in one fsynced write, and only then makes it the state that
    :meth:`get` returns and calls each change's ``done``. A failed write (disk full, read-only)
    leaves the committed state as it was and hands the ``OSError`` to every ``done`` of the
    batch: memory never disagrees with disk. :meth:`submit` returns at once (the OSC receive
    thread uses it, so a fader cannot hold up a note); the ``set_*`` methods wait for their
    commit and raise its error.
    """

    def __init__(self, num_slots: int, store: StateStore, *,
                 renders_dir: Path | None = None) -> None:
        self._store = store
        self.size = num_slots  # slots per bank
        self._renders_dir = Path(renders_dir).resolve() if renders_dir else None
        self._state = BankState(tuple(Slot(i) for i in range(num_slots)))
        self._id_lock = threading.Lock()
        self._next_render_id = 1
        self._cond = threading.Condition()
        self._queued: list[tuple[Change, Done | None]] = []
        self._writing: list[Change] = []
        self._closed = False
        self._writer = threading.Thread(target=self._write_loop, name="state-writer",
                                        daemon=True)
        self._writer.start()

    # -- persistence -------------------------------------------------------------------------
    def restore(self) -> Loaded:
        """Load the saved state (see StateStore.load); ``wanted_slots()`` lists the slots
        whose requested render never finished."""
        loaded = self._store.load()
        data = loaded.data
        if not data:
            return loaded
        banks = [Bank(MAIN_BANK, 0, tuple((data.get("keymap") or {}).items()))]
        for name, bank in sorted((data.get("banks") or {}).items(),
                                 key=lambda item: item[1]["number"]):
            banks.append(Bank(name, bank["number"], tuple((bank.get("keymap") or {}).items())))
        count = max(b.number for b in banks) + 1
        slots = [Slot(i) for i in range(count * self.size)]
        version = data.get("version", 1)
        for item in data.get("slots", []):
            idx = item["index"]
            if not 0 <= idx < len(slots):
                log.warning("state: ignoring slot %s (bank has %d)", idx, len(slots))
                continue
            params = _params_from_dict(migrate_params(item.get("params", {}), version))
            render = None
            if item.get("render"):
                render = SlotRender(**item["render"])
                if not self._render_file_ok(render.path):
                    log.warning("state: slot %d render %r is missing or outside %s", idx,
                                render.path, self._renders_dir)
                    render = None
            slots[idx] = Slot(idx, params, render, bool(item.get("wanted")))
        self._state = BankState(tuple(slots), tuple(banks), frozenset(data.get("taken", [])))
        with self._id_lock:
            self._next_render_id = max(int(data.get("next_render_id", 1)), 1)
        return loaded

    def wanted_slots(self) -> list[int]:
        return [s.index for s in self._state.slots if s.wanted and s.params.prompt]

    def _render_file_ok(self, path: str) -> bool:
        full = Path(path)
        if self._renders_dir is not None:
            full = full.resolve()
            if not full.is_relative_to(self._renders_dir):
                return False
        return full.is_file()

    def _document(self, state: BankState) -> dict[str, Any]:
        with self._id_lock:
            next_id = self._next_render_id
        return {
            "version": STATE_VERSION,
            "next_render_id": next_id,
            "keymap": dict(state.keymap),
            "banks": {b.name: {"number": b.number, "keymap": dict(b.keymap)}
                      for b in state.banks[1:]},
            "taken": sorted(state.taken),
            "slots": [{"index": s.index, "params": asdict(s.params),
                       "render": asdict(s.render) if s.render else None, "wanted": s.wanted}
                      for s in state.slots
                      if s.params != SlotParams() or s.render is not None or s.wanted],
        }

    # -- the writer --------------------------------------------------------------------------
    def submit(self, change: Change, done: Done | None = None) -> None:
        """Queue ``change``; ``done(state, None)`` runs on the writer once it is on disk, or
        ``done(None, error)`` if the change raised or the write failed."""
        with self._cond:
            if self._closed:
                raise ValueError("the daemon is shutting down: change not saved")
            self._queued.append((change, done))
            self._cond.notify_all()

    def apply(self, change: Change) -> BankState:
        """Queue ``change`` and wait for its commit; raises the change's or the write's error."""
        if threading.current_thread() is self._writer:
            raise RuntimeError("SlotBank.apply called from the writer (it would wait forever)")
        finished = threading.Event()
        outcome: list[Any] = [None, None]

        def done(state: BankState | None, exc: BaseException | None) -> None:
            outcome[0], outcome[1] = state, exc
            finished.set()

        self.submit(change, done)
        finished.wait()
        if outcome[1] is not None:
            raise outcome[1]
        return outcome[0]

    def close(self) -> None:
        """Commit what is queued, then stop the writer."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        self._writer.join(10.0)

    def _write_loop(self) -> None:
        while True:
            with self._cond:
                while not self._queued and not self._closed:
                    self._cond.wait()
                if not self._queued:
                    return
                batch, self._queued = self._queued, []
                self._writing = [change for change, _ in batch]
            self._commit(batch)

    def _commit(self, batch: list[tuple[Change, Done | None]]) -> None:
        state = self._state
        outcomes: list[tuple[Done | None, BaseException | None]] = []
        for change, done in batch:
            try:
                state = change(state)
                outcomes.append((done, None))
            except Exception as exc:  # a refused change; the rest of the batch goes ahead
                outcomes.append((done, exc))
        error: Exception | None = None
        if state is not self._state:
            try:
                self._store.save(self._document(state))
            except OSError as exc:
                error = exc
                log.error("state not saved, %d change(s) not applied: %s", len(batch),
                          describe_os_error(exc))
            except Exception as exc:  # a daemon bug: refuse the batch, keep the writer alive
                error = exc
                log.exception("state not saved, %d change(s) not applied", len(batch))
        with self._cond:
            if error is None:
                self._state = state
            self._writing = []
        for done, exc in outcomes:
            if done is None:
                continue
            try:
                done(None if (exc or error) else state, exc or error)
            except Exception:  # a reply that failed must not stop the writer
                log.exception("state change callback failed")

    # -- reads (the committed state) ---------------------------------------------------------
    def __len__(self) -> int:
        return len(self._state.slots)

    def get(self, index: int) -> Slot:
        return self._state.slots[index]

    def all(self) -> list[Slot]:
        return list(self._state.slots)

    def latest_state(self) -> BankState:
        """The state with every change queued or being written applied: what the producer has
        asked for (notes play it; requests are checked against it). The committed state when
        nothing is pending, the same object while it stays so."""
        with self._cond:  # the committed state and what is not in it yet, as one snapshot
            changes = [*self._writing, *(c for c, _ in self._queued)]
            state = self._state
        for change in changes:
            try:
                state = change(state)
            except Exception:  # a change the writer will refuse
                continue
        return state

    def latest(self, index: int) -> Slot:
        return self.latest_state().slots[index]

    @property
    def keymap(self) -> dict[str, Any]:
        return dict(self._state.keymap)

    def slot_index(self, bank: str, local: int, state: BankState | None = None) -> int:
        """The daemon's index of slot ``local`` of ``bank`` in ``state`` (default: as asked
        for, a bank on its way to disk counting), or ValueError."""
        found = (state or self.latest_state()).bank(bank)
        if found is None:
            raise ValueError(f"no bank {bank!r}: send /shot/bank/open {bank} first")
        return found.number * self.size + local

    def bank_slots(self, bank: str, state: BankState) -> list[Slot]:
        """``bank``'s slots in ``state``, or ValueError."""
        first = self.slot_index(bank, 0, state)
        return list(state.slots[first:first + self.size])

    def local(self, index: int) -> int:
        """A slot's number within its own bank (what a front end calls it)."""
        return index % self.size

    def bank_of(self, index: int, state: BankState | None = None) -> Bank:
        """The bank holding the daemon's slot ``index``."""
        number = index // self.size
        state = state or self.latest_state()
        return next((b for b in state.banks if b.number == number), state.banks[0])

    def referenced_paths(self) -> set[Path]:
        """Renders the state refers to: the slots' current ones (the taken ones are names in
        the renders folder, see :meth:`is_taken`)."""
        return {Path(s.render.path) for s in self._state.slots if s.render}

    def is_taken(self, path: str | Path) -> bool:
        """Taken, or asked to be (a /shot/take on its way to disk already protects the file:
        a render finishing meanwhile must not delete what a set just loaded)."""
        return Path(path).name in self.latest_state().taken

    def reserve_render_ids(self, highest_used: int) -> None:
        """Never hand out an id at or below ``highest_used`` (files on disk may carry ids a
        lost or older state does not know; a new render must not overwrite them)."""
        with self._id_lock:
            self._next_render_id = max(self._next_render_id, highest_used + 1)

    def new_render_id(self) -> int:
        with self._id_lock:
            rid = self._next_render_id
            self._next_render_id += 1
            return rid

    # -- writes that wait for their commit ---------------------------------------------------
    def set_params(self, index: int, *, want_render: bool | None = None, **changes: Any) -> Slot:
        """Change parameters; a ``root`` change also retunes the current render."""
        return self.apply(params_change(index, want_render=want_render, **changes)).slots[index]

    def install_render(self, index: int, render: SlotRender, *, params: SlotParams | None = None,
                       still_wanted: bool = False) -> tuple[Slot, SlotRender | None]:
        """Make ``render`` the slot's current render; return the new slot and the old render."""
        old = self._state.slots[index].render
        state = self.apply(render_change(index, render, params=params,
                                         still_wanted=still_wanted))
        return state.slots[index], old

    def set_keymap(self, keymap: dict[str, Any], bank: str = MAIN_BANK) -> None:
        self.apply(keymap_change(keymap, bank))


# -- changes (pure functions of the state) ---------------------------------------------------
def _with_slot(state: BankState, index: int, slot: Slot) -> BankState:
    slots = list(state.slots)
    slots[index] = slot
    return replace(state, slots=tuple(slots))


def params_change(index: int, *, want_render: bool | None = None, **changes: Any) -> Change:
    def change(state: BankState) -> BankState:
        slot = state.slots[index]
        params = replace(slot.params, **changes)
        render = slot.render
        if "root" in changes and render is not None and changes["root"] >= 0:
            render = replace(render, root=float(changes["root"]))
        wanted = slot.wanted if want_render is None else want_render
        return _with_slot(state, index, replace(slot, params=params, render=render,
                                                 wanted=wanted))
    return change


def wanted_change(index: int, wanted: bool) -> Change:
    def change(state: BankState) -> BankState:
        return _with_slot(state, index, replace(state.slots[index], wanted=wanted))
    return change


def render_change(index: int, render: SlotRender, *, params: SlotParams | None = None,
                  still_wanted: bool = False) -> Change:
    def change(state: BankState) -> BankState:
        slot = state.slots[index]
        return _with_slot(state, index, replace(slot, render=render, wanted=still_wanted,
                                                 params=params or slot.params))
    return change


def taken_change(names: set[str], *, taken: bool = True) -> Change:
    def change(state: BankState) -> BankState:
        now = state.taken | names if taken else state.taken - names
        return replace(state, taken=frozenset(now))
    return change


def keymap_change(keymap: dict[str, Any], bank: str = MAIN_BANK) -> Change:
    def change(state: BankState) -> BankState:
        banks = tuple(replace(b, keymap=tuple(dict(keymap).items())) if b.name == bank else b
                      for b in state.banks)
        if banks == state.banks and state.bank(bank) is None:
            raise ValueError(f"no bank {bank!r}")
        return replace(state, banks=banks)
    return change


def next_bank_number(state: BankState) -> int:
    """The number a new bank gets: the lowest one free (a deleted bank's slots are reused)."""
    used = {b.number for b in state.banks}
    return next(n for n in range(1, len(used) + 2) if n not in used)


def bank_change(name: str, size: int, *, copy_of: str | None = None,
                renders: dict[int, SlotRender] | None = None) -> Change:
    """Add bank ``name`` (``size`` empty slots) unless it exists. With ``copy_of``, the new
    bank starts as a copy of that one's parameters and keymap, playing ``renders`` (the
    copy's own render files, by slot of the bank)."""
    def change(state: BankState) -> BankState:
        if state.bank(name) is not None:
            return state
        if len(state.banks) >= MAX_BANKS:
            raise ValueError(f"bank {name!r} not made: the daemon holds {MAX_BANKS} banks "
                             "already (remove some with `shotcaller banks --delete`)")
        number = next_bank_number(state)
        first = number * size
        slots = list(state.slots) + [Slot(i) for i in range(len(state.slots), first + size)]
        for i in range(first, first + size):  # a deleted bank's slots may still hold values
            slots[i] = Slot(i)
        keymap: tuple[tuple[str, Any], ...] = ()
        source = state.bank(copy_of) if copy_of else None
        if source is not None:
            keymap = source.keymap
            for local in range(size):
                old = state.slots[source.number * size + local]
                render = (renders or {}).get(local)
                slots[first + local] = Slot(first + local, old.params, render)
        return replace(state, slots=tuple(slots),
                       banks=(*state.banks, Bank(name, number, keymap)))
    return change


#: a render's file name: the slot and a render id that is never reused in a slot folder
RENDER_NAME = re.compile(r"slot(\d{2,})-r(\d{6,})\.wav")


def render_file_name(slot: int, render_id: int) -> str:
    return f"slot{slot:02d}-r{render_id:06d}.wav"


def highest_render_id(*folders: Path) -> int:
    """The largest render id among the render files in ``folders`` (0 if none)."""
    found = 0
    for folder in folders:
        if Path(folder).is_dir():
            for path in Path(folder).iterdir():
                match = RENDER_NAME.match(path.name)
                if match:
                    found = max(found, int(match.group(2)))
    return found


#: version 1's default (and longest) duration: "as long as the model renders", then 1.48 s
V1_FULL_DURATION = 1.48


def migrate_params(params: dict[str, Any], version: int) -> dict[str, Any]:
    """Slot parameters saved by state ``version`` as this daemon reads them. Version 1 knew
    no render past 1.48 s: a slot left at that length takes the new default (each sound as
    long as it rings); a shorter one the producer chose keeps it."""
    if version < 2 and params.get("duration") == V1_FULL_DURATION:
        params = {k: v for k, v in params.items() if k != "duration"}
    return params


def _params_from_dict(data: dict[str, Any]) -> SlotParams:
    known = {f.name for f in fields(SlotParams)}
    return SlotParams(**{k: v for k, v in data.items() if k in known})
