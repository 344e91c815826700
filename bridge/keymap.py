"""Keymaps: which slot a MIDI note plays, and whether it is repitched.

``drums``: notes 36-51 → slots 0-15 played at their root (a Drum Rack). ``chromatic``: one
slot across the whole keyboard, repitched from its root note. A keymap file (TOML) combines
both::

    name = "split"
    [drums]            # note = slot, no repitch
    36 = 0
    38 = 1
    [[chromatic]]      # a key range playing one slot, repitched
    lo = 48
    hi = 84
    slot = 2
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

DRUMS_FIRST_NOTE = 36


class KeymapError(ValueError):
    """An unknown keymap name or an invalid keymap file."""


@dataclass(frozen=True)
class KeyTarget:
    slot: int
    repitch: bool  # False: play at the slot's root (drums)


@dataclass(frozen=True)
class Keymap:
    name: str
    drums: dict[int, int] = field(default_factory=dict)
    chromatic: tuple[tuple[int, int, int], ...] = ()  # (lo, hi, slot)

    def lookup(self, note: int) -> KeyTarget | None:
        """The slot ``note`` plays, or None when the keymap leaves the note unmapped."""
        if note in self.drums:
            return KeyTarget(self.drums[note], repitch=False)
        for lo, hi, slot in self.chromatic:
            if lo <= note <= hi:
                return KeyTarget(slot, repitch=True)
        return None

    def chromatic_notes(self, slot: int) -> list[int]:
        """Notes that play ``slot`` repitched (used to prepare the repitch cache)."""
        return [n for lo, hi, s in self.chromatic if s == slot for n in range(lo, hi + 1)]

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "drums": {str(k): v for k, v in self.drums.items()},
                "chromatic": [list(r) for r in self.chromatic]}

    @classmethod
    def from_dict(cls, data: dict[str, Any], num_slots: int) -> Keymap:
        try:
            drums = {int(k): int(v) for k, v in (data.get("drums") or {}).items()}
            chrom = []
            for r in data.get("chromatic") or []:
                lo, hi, slot = (r["lo"], r["hi"], r["slot"]) if isinstance(r, dict) else r
                chrom.append((int(lo), int(hi), int(slot)))
        except (KeyError, TypeError, ValueError) as exc:
            raise KeymapError(f"invalid keymap: {exc}") from exc
        km = cls(str(data.get("name", "custom")), drums, tuple(chrom))
        km.check(num_slots)
        return km

    def check(self, num_slots: int) -> None:
        for note, slot in self.drums.items():
            if not (0 <= note <= 127 and 0 <= slot < num_slots):
                raise KeymapError(f"keymap {self.name}: note {note} → slot {slot} out of range")
        for lo, hi, slot in self.chromatic:
            if not (0 <= lo <= hi <= 127 and 0 <= slot < num_slots):
                raise KeymapError(f"keymap {self.name}: range {lo}-{hi} → slot {slot} invalid")


def drums(num_slots: int = 16) -> Keymap:
    """Notes 36.. → slots 0.. (16 slots: 36-51), no repitch."""
    return Keymap("drums", {DRUMS_FIRST_NOTE + i: i for i in range(min(num_slots, 92))})


def chromatic(slot: int = 0) -> Keymap:
    """All 128 notes play ``slot``, repitched from its root."""
    return Keymap("chromatic", {}, ((0, 127, slot),))


def resolve(spec: str, *, num_slots: int = 16, chromatic_slot: int = 0) -> Keymap:
    """``drums``, ``chromatic`` or the path of a keymap TOML file."""
    if spec == "drums":
        return drums(num_slots)
    if spec == "chromatic":
        return chromatic(chromatic_slot)
    path = Path(spec).expanduser()
    if not path.is_file():
        raise KeymapError(f"keymap {spec!r}: not 'drums', 'chromatic' or an existing file")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise KeymapError(f"keymap file {path}: {exc}") from exc
    data.setdefault("name", path.stem)
    return Keymap.from_dict(data, num_slots)
