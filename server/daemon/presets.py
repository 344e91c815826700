"""Kits as small TOML files: slot parameters plus an optional keymap.

Shipped kits live in ``presets/``; user kits in the user preset folder (searched first, and the
only place /shot/preset/save writes). Names are checked against a strict pattern before they
become file names, so no name can reach outside those folders::

    name = "808 kit"
    keymap = "drums"
    [[slot]]
    index = 0
    prompt = "808 kick, long boomy sub"
    seed = 808
"""

from __future__ import annotations

import json
import logging
import re
import sys
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from server.atomic_file import replace_atomic

from .slots import SlotParams

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

log = logging.getLogger(__name__)

NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9 _-]{0,63}")
SUFFIX = ".toml"
#: user presets /shot/preset/save may create; overwriting an existing one is always allowed
MAX_USER_PRESETS = 256
#: names per /shot/preset/list reply (64 names of 64 characters fit one datagram many times)
PAGE_SIZE = 64


class PresetError(ValueError):
    """A preset name that is not allowed, a missing preset, or an invalid preset file."""


@dataclass(frozen=True)
class Preset:
    name: str
    slots: dict[int, SlotParams]
    keymap: str | None = None


def check_name(name: str) -> str:
    """Return ``name`` if it can be a preset file name, else raise PresetError."""
    if not NAME_PATTERN.fullmatch(name or ""):
        raise PresetError(f"preset name {name[:40]!r} not allowed: use 1-64 letters, digits, "
                          "spaces, '-' or '_', starting with a letter or digit")
    return name


class PresetLibrary:
    def __init__(self, user_dir: Path, shipped_dir: Path, num_slots: int) -> None:
        self.user_dir = Path(user_dir)
        self.shipped_dir = Path(shipped_dir)
        self.num_slots = num_slots

    def names(self) -> list[str]:
        found = set()
        for folder in (self.user_dir, self.shipped_dir):
            if folder.is_dir():
                found.update(p.stem for p in folder.glob(f"*{SUFFIX}")
                             if NAME_PATTERN.fullmatch(p.stem))
        return sorted(found)

    def find(self, name: str) -> Path:
        check_name(name)
        for folder in (self.user_dir, self.shipped_dir):
            path = folder / f"{name}{SUFFIX}"
            if path.is_file():
                return path
        raise PresetError(f"no preset named {name!r} (have: {', '.join(self.names()) or 'none'})")

    def load(self, name: str) -> Preset:
        path = self.find(name)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise PresetError(f"preset {name!r} ({path.name}): {exc}") from exc
        return parse_preset(data, name=name, num_slots=self.num_slots)

    def page(self, page: int) -> tuple[list[str], int]:
        """The names on ``page`` (from 0) and how many pages there are (at least 1)."""
        names = self.names()
        pages = max(1, -(-len(names) // PAGE_SIZE))
        if not 0 <= page < pages:
            raise PresetError(f"page {page} out of range: there {'is' if pages == 1 else 'are'} "
                              f"{pages} page{'s' if pages > 1 else ''} of presets")
        return names[page * PAGE_SIZE:(page + 1) * PAGE_SIZE], pages

    def save(self, name: str, slots: dict[int, SlotParams], keymap: str | None) -> Path:
        check_name(name)
        path = self.user_dir / f"{name}{SUFFIX}"
        self.user_dir.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            count = sum(1 for _ in self.user_dir.glob(f"*{SUFFIX}"))
            if count >= MAX_USER_PRESETS:
                raise PresetError(f"the user preset folder holds {count} presets, the most "
                                  f"/shot/preset/save creates: overwrite an existing name or "
                                  f"delete some from {self.user_dir}")
        text = format_preset(Preset(name, slots, keymap))
        return replace_atomic(path, [text.encode("utf-8")], prefix=".preset.")


def parse_preset(data: dict[str, Any], *, name: str, num_slots: int) -> Preset:
    """Validate a parsed preset table (the OSC spec's key table gives types and ranges)."""
    from bridge.spec import OscArgumentError, Validator

    validator = Validator(num_slots)
    keys = validator.spec["slot_keys"]
    slots: dict[int, SlotParams] = {}
    entries = data.get("slot", [])
    if not isinstance(entries, list):
        raise PresetError(f"preset {name!r}: [[slot]] must be an array of tables")
    for entry in entries:
        if not isinstance(entry, dict):
            raise PresetError(f"preset {name!r}: each [[slot]] must be a table")
        index = entry.get("index")
        if not isinstance(index, int) or not 0 <= index < num_slots:
            raise PresetError(f"preset {name!r}: slot index {index!r} not in 0..{num_slots - 1}")
        values = {}
        for key, value in entry.items():
            if key == "index":
                continue
            if key not in keys:
                raise PresetError(f"preset {name!r} slot {index}: unknown key {key!r}")
            try:
                values[key] = validator.check_value(keys[key], key, value)
            except OscArgumentError as exc:
                raise PresetError(f"preset {name!r} slot {index}: {exc}") from exc
        slots[index] = SlotParams(**values)
    keymap = data.get("keymap")
    if keymap is not None and keymap not in ("drums", "chromatic"):
        raise PresetError(f"preset {name!r}: keymap {keymap!r} must be drums or chromatic")
    return Preset(str(data.get("name", name)), slots, keymap)


def format_preset(preset: Preset) -> str:
    """TOML text for ``preset`` (JSON string escapes are valid TOML basic strings)."""
    lines = [f"name = {json.dumps(preset.name, ensure_ascii=False)}"]
    if preset.keymap:
        lines.append(f"keymap = {json.dumps(preset.keymap)}")
    defaults = asdict(SlotParams())
    for index in sorted(preset.slots):
        lines += ["", "[[slot]]", f"index = {index}"]
        params = asdict(preset.slots[index])
        for f in fields(SlotParams):
            value = params[f.name]
            if value == defaults[f.name] and f.name != "prompt":
                continue
            lines.append(f"{f.name} = {json.dumps(value, ensure_ascii=False)}")
    return "\n".join(lines) + "\n"
