"""Crash-safe JSON state file that survives its own corruption.

Writes go to a temp file, are fsynced, then renamed over the old one, so a reader sees the old
or the new version, never half. Every minute at most, the state being replaced is kept as a
backup (``state.json.1`` newest … ``state.json.3``). A file that does not load (not UTF-8, not
JSON, or not the shape :func:`validate_state` wants) is moved aside under a name that is never
reused (``state.json.corrupt-20261201-230501``) and the newest good backup is loaded instead;
:class:`Loaded` says which file was used and what was wrong, so the daemon can say so and
skip clean-up of renders that only the lost state knew.
"""

from __future__ import annotations

import json
import logging
import math
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from server.atomic_file import replace_atomic

log = logging.getLogger(__name__)

# 2: named banks (version 1 files load as the main bank alone) and renders up to 8 s (a slot
# left at version 1's full 1.48 s takes the new default, see slots.migrate_params)
STATE_VERSION = 2
BACKUPS = 3
BACKUP_EVERY_S = 60.0
RENDER_SOURCES = ("model", "import")


class StateError(ValueError):
    """A state document of the wrong shape, types or ranges."""


@dataclass(frozen=True)
class Loaded:
    """What :meth:`StateStore.load` found: the document, where from, and what went wrong."""

    data: dict[str, Any] | None  # None: no usable state at all
    path: Path | None = None  # the file ``data`` came from
    problems: tuple[str, ...] = field(default_factory=tuple)

    @property
    def clean(self) -> bool:
        """The primary file loaded as it is (or there was none and no trace of one)."""
        return not self.problems


class StateStore:
    """One JSON document at ``path`` with rotated backups and quarantined bad copies."""

    def __init__(self, path: Path, *, fsync: bool = True, num_slots: int | None = None) -> None:
        self.path = Path(path)
        self.fsync = fsync
        self.num_slots = num_slots
        self._last_backup = 0.0

    def backups(self) -> list[Path]:
        return [self.path.with_name(f"{self.path.name}.{i}") for i in range(1, BACKUPS + 1)]

    # -- reading ------------------------------------------------------------------------------
    def load(self) -> Loaded:
        """The newest state that loads; a bad primary file is moved aside, never overwritten."""
        problems: list[str] = []
        try:
            data = self._read(self.path)
        except FileNotFoundError:
            data = None
            if any(p.exists() for p in self.backups()):
                problems.append(f"{self.path} is missing")
        except StateError as exc:
            data = None
            try:
                where = f"moved to {self._quarantine(self.path).name}"
            except OSError as move_error:
                where = f"left in place: {move_error}"
            problems.append(f"{self.path}: {exc} ({where})")
            log.error("state file %s", problems[-1])
        except OSError as exc:  # unreadable (permissions, I/O error): leave it for a person
            data = None
            problems.append(f"{self.path}: cannot read: {exc.strerror or exc}")
            log.error("state file %s", problems[-1])
        if data is not None:
            return Loaded(data, self.path)
        for backup in self.backups():
            try:
                data = self._read(backup)
            except FileNotFoundError:
                continue
            except (StateError, OSError) as exc:
                problems.append(f"backup {backup}: {exc}")
                log.error("state backup %s: %s", backup, exc)
                continue
            age = time.time() - backup.stat().st_mtime
            log.warning("state: loaded the newest good backup %s (saved %.0f s ago) because "
                        "%s", backup, age, "; ".join(problems))
            return Loaded(data, backup, tuple(problems))
        if problems:
            log.error("state: no good state to load (%s); starting with empty slots",
                      "; ".join(problems))
        return Loaded(None, None, tuple(problems))

    def _read(self, path: Path) -> dict[str, Any]:
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise StateError(f"not UTF-8 text (byte {exc.start})") from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise StateError(f"not valid JSON ({exc})") from None
        except RecursionError:
            raise StateError("not valid JSON (nested too deeply)") from None
        return validate_state(data, num_slots=self.num_slots)

    def _quarantine(self, path: Path) -> Path:
        """Move ``path`` to a fresh ``NAME.corrupt-STAMP[-N]`` (never over an earlier copy)."""
        stamp = time.strftime("%Y%m%d-%H%M%S")
        for n in range(1000):
            target = path.with_name(f"{path.name}.corrupt-{stamp}" + (f"-{n}" if n else ""))
            try:
                os.link(path, target)  # fails if ``target`` exists: nothing is overwritten
            except FileExistsError:
                continue
            except OSError:  # no hard links here: a rename after an existence check
                if target.exists():
                    continue
                os.rename(path, target)
                return target
            path.unlink()
            return target
        raise OSError(f"cannot find a free name to move {path} aside")

    # -- writing ------------------------------------------------------------------------------
    def save(self, data: dict[str, Any]) -> None:
        """Replace the state atomically; raises OSError (ENOSPC, EACCES, EROFS) on failure."""
        payload = json.dumps(data, indent=1, ensure_ascii=False).encode("utf-8")
        self._rotate()
        replace_atomic(self.path, [payload], fsync=self.fsync, prefix=".state.")

    def _rotate(self) -> None:
        """Keep the state about to be replaced as ``.1`` (shifting older ones) once a minute."""
        now = time.monotonic()
        if self._last_backup and now - self._last_backup < BACKUP_EVERY_S:
            return
        if not self.path.is_file():
            return
        self._last_backup = now
        chain = self.backups()
        try:
            for i in range(len(chain) - 1, 0, -1):  # .2 -> .3, then .1 -> .2
                if chain[i - 1].exists():
                    os.replace(chain[i - 1], chain[i])
            try:
                os.link(self.path, chain[0])  # the old inode stays there after the rename
            except OSError:
                chain[0].write_bytes(self.path.read_bytes())
        except OSError as exc:  # a backup is a convenience: never fail a save for it
            log.warning("state backup not written: %s", exc)


# -- validation ------------------------------------------------------------------------------
def validate_state(data: Any, *, num_slots: int | None = None) -> dict[str, Any]:
    """Return ``data`` if it is a state document the daemon can load, else raise StateError.

    Slot parameters are checked against the OSC spec's key table (the same types and ranges
    ``/shot/set`` enforces). Slots beyond ``num_slots`` are allowed (the bank may have shrunk
    since; the bank skips them); keys the spec does not know are refused.
    """
    from bridge.spec import OscArgumentError, Validator

    if not isinstance(data, dict):
        raise StateError(f"top level is {_kind(data)}, not an object")
    version = data.get("version", STATE_VERSION)
    if not _is_int(version) or not 1 <= version <= STATE_VERSION:
        raise StateError(f"version {version!r} is not one this daemon reads (1..{STATE_VERSION})")
    next_id = data.get("next_render_id", 1)
    if not _is_int(next_id) or next_id < 1:
        raise StateError(f"next_render_id {next_id!r}: expected an integer >= 1")
    keymap = data.get("keymap", {})
    if keymap is not None and not isinstance(keymap, dict):
        raise StateError(f"keymap is {_kind(keymap)}, not an object")
    _check_banks(data.get("banks", {}))
    taken = data.get("taken", [])
    if not isinstance(taken, list) or not all(isinstance(t, str) and t and "/" not in t
                                              and "\\" not in t and t not in (".", "..")
                                              for t in taken):
        raise StateError("taken: expected a list of render file names")
    slots = data.get("slots", [])
    if not isinstance(slots, list):
        raise StateError(f"slots is {_kind(slots)}, not a list")
    validator = Validator(num_slots or 128)
    keys = validator.spec["slot_keys"]
    seen: set[int] = set()
    for n, item in enumerate(slots):
        where = f"slots[{n}]"
        if not isinstance(item, dict):
            raise StateError(f"{where} is {_kind(item)}, not an object")
        index = item.get("index")
        if not _is_int(index) or index < 0:
            raise StateError(f"{where}.index {index!r}: expected an integer >= 0")
        if index in seen:
            raise StateError(f"{where}.index {index} appears twice")
        seen.add(index)
        params = item.get("params", {})
        if not isinstance(params, dict):
            raise StateError(f"{where}.params is {_kind(params)}, not an object")
        for key, value in params.items():
            if key not in keys:
                raise StateError(f"{where}.params: unknown key {key!r}")
            try:
                checked = validator.check_value(keys[key], key, value)
            except OscArgumentError as exc:
                raise StateError(f"{where}.params.{exc}") from None
            if keys[key]["type"] == "i" and not _is_int(value):
                raise StateError(f"{where}.params.{key}: expected an integer, got {value!r}")
            params[key] = checked
        if not isinstance(item.get("wanted", False), bool):
            raise StateError(f"{where}.wanted {item.get('wanted')!r}: expected true or false")
        render = item.get("render")
        if render is not None:
            _check_render(render, f"{where}.render")
    return data


def _check_banks(banks: Any) -> None:
    from .slots import BANK_NAME, MAIN_BANK

    if not isinstance(banks, dict):
        raise StateError(f"banks is {_kind(banks)}, not an object")
    numbers: set[int] = set()
    for name, bank in banks.items():
        where = f"banks[{name!r}]"
        if not BANK_NAME.fullmatch(name) or name == MAIN_BANK:
            raise StateError(f"{where}: not a bank name")
        if not isinstance(bank, dict):
            raise StateError(f"{where} is {_kind(bank)}, not an object")
        number = bank.get("number")
        if not _is_int(number) or not 1 <= number < 4096:
            raise StateError(f"{where}.number {number!r}: expected an integer 1..4095")
        if number in numbers:
            raise StateError(f"{where}.number {number} is another bank's")
        numbers.add(number)
        if not isinstance(bank.get("keymap", {}), dict):
            raise StateError(f"{where}.keymap is {_kind(bank.get('keymap'))}, not an object")


def _check_render(render: Any, where: str) -> None:
    if not isinstance(render, dict):
        raise StateError(f"{where} is {_kind(render)}, not an object")
    expected = {"path", "root", "seconds", "seed", "render_id", "source", "credit"}
    missing = expected - {"source", "credit"} - set(render)
    if missing:
        raise StateError(f"{where}: missing {', '.join(sorted(missing))}")
    unknown = set(render) - expected
    if unknown:
        raise StateError(f"{where}: unknown key {sorted(unknown)[0]!r}")
    if not isinstance(render["path"], str) or not render["path"]:
        raise StateError(f"{where}.path {render['path']!r}: expected a file path")
    root = render["root"]
    if root is not None and not (_is_number(root) and 0 <= root <= 127):
        raise StateError(f"{where}.root {root!r}: expected null or a MIDI note 0..127")
    if not _is_number(render["seconds"]) or render["seconds"] < 0:
        raise StateError(f"{where}.seconds {render['seconds']!r}: expected a length >= 0")
    for key in ("seed", "render_id"):
        if not _is_int(render[key]):
            raise StateError(f"{where}.{key} {render[key]!r}: expected an integer")
    if not isinstance(render.get("credit", ""), str):
        raise StateError(f"{where}.credit {render['credit']!r}: expected a string")
    if render.get("source", "model") not in RENDER_SOURCES:
        raise StateError(f"{where}.source {render.get('source')!r}: expected one of "
                         f"{', '.join(RENDER_SOURCES)}")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return (isinstance(value, (int, float)) and not isinstance(value, bool)
            and math.isfinite(value))


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean",
            type(None): "null", int: "a number", float: "a number"}.get(type(value),
                                                                       type(value).__name__)
