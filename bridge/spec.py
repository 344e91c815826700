"""The OSC address space as data: ``osc_spec.json`` loaded once, and a validator driven by it.

The validator turns a raw ``(address, args)`` pair into a dict of typed, range-checked values or
raises :class:`OscArgumentError` with a message naming the argument, its value and what is
allowed. Numeric coercion follows what controllers send: Pd, Max and TouchOSC send floats for
numbers, so an integral float is accepted where ``i`` is expected and an int where ``f`` is.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

SPEC_FILE = "osc_spec.json"


class OscArgumentError(ValueError):
    """A message whose address, arity, types or values the spec does not allow."""


@lru_cache(maxsize=1)
def load_spec() -> dict[str, Any]:
    """The parsed ``bridge/osc_spec.json``."""
    text = (Path(__file__).with_name(SPEC_FILE)).read_text(encoding="utf-8")
    return json.loads(text)


@dataclass(frozen=True)
class Validator:
    """Checks incoming messages against the spec's ``in`` table.

    ``num_slots`` resolves ``max_from: num_slots`` bounds (slot indices are 0..num_slots-1).
    """

    num_slots: int = 16

    @property
    def spec(self) -> dict[str, Any]:
        return load_spec()

    def addresses(self) -> list[str]:
        return sorted(self.spec["in"])

    def validate(self, address: str, args: list[Any] | tuple[Any, ...]) -> dict[str, Any]:
        """Return ``{arg name: value}`` for a valid message, else raise OscArgumentError."""
        entry = self.spec["in"].get(address)
        if entry is None:
            raise OscArgumentError(f"unknown address {address!r}")
        params = entry["args"]
        required = sum(1 for p in params if not p.get("optional"))
        if not required <= len(args) <= len(params):
            want = str(required) if required == len(params) else f"{required} to {len(params)}"
            sig = " ".join(f"{p['type']}:{p['name']}" for p in params) or "no arguments"
            raise OscArgumentError(
                f"expected {want} argument(s) ({sig}), got {len(args)}")
        out: dict[str, Any] = {}
        for i, param in enumerate(params):
            if i < len(args):
                if param["type"] == "key":
                    key = out.get("key")
                    out[param["name"]] = self.check_value(self.spec["slot_keys"][key],
                                                          str(key), args[i])
                else:
                    out[param["name"]] = self.check_value(param, param["name"], args[i])
            elif "default" in param:
                out[param["name"]] = param["default"]
            else:
                out[param["name"]] = None
        return out

    def check_value(self, param: dict[str, Any], name: str, value: Any) -> Any:
        """Coerce and range-check one value against a spec entry (``type`` i, f or s)."""
        kind = param["type"]
        if kind == "i":
            value = _as_int(name, value)
        elif kind == "f":
            value = _as_float(name, value)
        elif kind == "s":
            if not isinstance(value, str):
                raise OscArgumentError(
                    f"{name}: expected a string, got {_osc_type(value)} {_short(value)}")
            if param.get("strip"):  # a prompt of spaces is no prompt: it would fail every render
                value = value.strip()
        else:  # pragma: no cover - spec authoring error
            raise OscArgumentError(f"{name}: spec type {kind!r} unsupported")
        self._check_range(param, name, value)
        return value

    def _check_range(self, param: dict[str, Any], name: str, value: Any) -> None:
        if isinstance(value, str):
            lo, hi = param.get("min_len"), param.get("max_len")
            if lo is not None and len(value) < lo:
                blank = " (or only spaces)" if param.get("strip") else ""
                raise OscArgumentError(f"{name}: must not be empty{blank}" if lo == 1
                                       else f"{name}: shorter than {lo} characters")
            if hi is not None and len(value) > hi:
                raise OscArgumentError(
                    f"{name}: too long ({len(value)} characters, at most {hi})")
            if "\x00" in value:
                raise OscArgumentError(f"{name}: contains a NUL character")
            choices = param.get("enum")
            if param.get("enum_from"):
                choices = sorted(self.spec[param["enum_from"]])
            if choices is not None and value not in choices:
                raise OscArgumentError(
                    f"{name}: {_short(value)} is not one of {', '.join(choices)}")
            pattern = param.get("pattern")
            if pattern and not re.fullmatch(pattern, value):
                raise OscArgumentError(
                    f"{name}: {_short(value)} not allowed: use {param.get('summary', pattern)}")
            return
        lo = param.get("min")
        hi = param.get("max")
        if param.get("max_from") == "num_slots":
            hi = self.num_slots - 1
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            raise OscArgumentError(f"{name}: {value} out of range [{lo}, {hi}]")


def _as_int(name: str, value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):  # T/F are not numbers
        return value
    if isinstance(value, float) and math.isfinite(value) and value == int(value):
        return int(value)
    raise OscArgumentError(f"{name}: expected an int, got {_osc_type(value)} {_short(value)}")


def _as_float(name: str, value: Any) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = float(value)
        if math.isfinite(value):
            return value
        raise OscArgumentError(f"{name}: {value} is not a finite number")
    raise OscArgumentError(f"{name}: expected a float, got {_osc_type(value)} {_short(value)}")


def _osc_type(value: Any) -> str:
    return {int: "int", float: "float", str: "string", bytes: "blob", bool: "bool",
            type(None): "nil"}.get(type(value), type(value).__name__)


def _short(value: Any, limit: int = 40) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
