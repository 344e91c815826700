"""Daemon configuration: one frozen dataclass, filled from defaults, then a TOML file, then flags.

Config flows one way: CLI / TOML → :class:`DaemonConfig` → components. Keys in the TOML file
are the flag names with ``_`` for ``-`` (``osc_port = 9000``), plus ``[cc]`` for the MIDI CC map.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_MODEL = REPO_ROOT / "models" / "shotcaller-small"
SHIPPED_PRESETS = REPO_ROOT / "presets"
USER_HOME = Path.home() / "Shotcaller"

MIDI_APIS = ("auto", "jack", "alsa", "none")
DEVICES = ("auto", "cpu", "cuda", "mps")
WAV_FORMATS = ("pcm24", "float")
LOG_FORMATS = ("text", "json")


class ConfigError(ValueError):
    """A configuration value that is missing, of the wrong type or out of range."""


@dataclass(frozen=True)
class CCMapping:
    """MIDI CC number → slot parameter, scaled linearly from 0..127 to ``lo..hi``."""

    cc: int
    key: str
    slot: int | None = None  # None: the slot of the last played note
    lo: float = 0.0
    hi: float = 1.0


@dataclass(frozen=True)
class DaemonConfig:
    osc_host: str = "127.0.0.1"
    osc_port: int = 9000
    reply_port: int | None = None
    reply_host: str = "127.0.0.1"
    midi_port: str | None = None
    virtual_midi: str | None = "Shotcaller"
    midi_api: str = "auto"
    keymap: str | None = None  # drums | chromatic | path; None: restored state, else drums
    chromatic_slot: int = 0
    slots: Path = USER_HOME / "slots"
    user_presets: Path = USER_HOME / "presets"
    shipped_presets: Path = SHIPPED_PRESETS
    import_dirs: tuple[Path, ...] = ()
    model: Path = DEFAULT_MODEL
    device: str = "auto"
    threads: int = 0  # torch CPU threads; 0 = half the cores, at most 4
    render_nice: int = 10  # renders run this many nice steps below the daemon's priority
    cache: Path | None = None  # library caches (numba, torch); None: SLOTS/cache
    num_slots: int = 16
    sample_rate: int = 44100
    wav_format: str = "pcm24"
    max_note_seconds: float = 10.0
    prewarm_semitones: int = 24
    fsync: bool = True
    warmup: bool = True
    log_format: str = "text"
    cc: tuple[CCMapping, ...] = field(default_factory=tuple)

    @property
    def import_dir(self) -> Path:
        """The default import folder (``SLOTS/import``); /shot/load paths resolve against it."""
        return self.slots / "import"

    @property
    def cache_dir(self) -> Path:
        return self.cache if self.cache is not None else self.slots / "cache"

    @property
    def allowed_import_dirs(self) -> tuple[Path, ...]:
        return (self.import_dir, *self.import_dirs)

    def validate(self) -> DaemonConfig:
        """Raise ConfigError naming the first bad value; return self for chaining."""
        for name, lo, hi in (("osc_port", 0, 65535), ("chromatic_slot", 0, self.num_slots - 1),
                             ("num_slots", 1, 128), ("sample_rate", 8000, 192000),
                             ("prewarm_semitones", 0, 127), ("render_nice", 0, 19),
                             ("threads", 0, 256)):
            value = getattr(self, name)
            if not lo <= value <= hi:
                raise ConfigError(f"{name} = {value}: must be in [{lo}, {hi}]")
        if self.reply_port is not None and not 1 <= self.reply_port <= 65535:
            raise ConfigError(f"reply_port = {self.reply_port}: must be in [1, 65535]")
        for name, allowed in (("midi_api", MIDI_APIS), ("device", DEVICES),
                              ("wav_format", WAV_FORMATS), ("log_format", LOG_FORMATS)):
            if getattr(self, name) not in allowed:
                raise ConfigError(
                    f"{name} = {getattr(self, name)!r}: must be one of {', '.join(allowed)}")
        if not 0.1 <= self.max_note_seconds <= 120:
            raise ConfigError(f"max_note_seconds = {self.max_note_seconds}: must be in [0.1, 120]")
        for m in self.cc:
            if not 0 <= m.cc <= 127:
                raise ConfigError(f"cc {m.cc}: CC numbers are 0..127")
            if m.slot is not None and not 0 <= m.slot < self.num_slots:
                raise ConfigError(f"cc {m.cc}: slot {m.slot} out of range")
        return self


_PATH_KEYS = {"slots", "user_presets", "shipped_presets", "model", "cache"}
#: flag spellings accepted as TOML keys too (``--rate`` → sample_rate, ``--import-dir``)
_ALIASES = {"rate": "sample_rate", "import_dir": "import_dirs"}


def config_from_mapping(values: dict[str, Any], base: DaemonConfig | None = None,
                        *, origin: str = "config") -> DaemonConfig:
    """Overlay ``values`` (TOML table or flags; ``None`` values are skipped) onto ``base``."""
    base = base or DaemonConfig()
    known = {f.name for f in fields(DaemonConfig)}
    changes: dict[str, Any] = {}
    for raw_key, value in values.items():
        key = raw_key.replace("-", "_")
        key = _ALIASES.get(key, key)
        if key == "import_dirs" and isinstance(value, str):
            value = [value]
        if value is None:
            continue
        if key not in known:
            raise ConfigError(f"{origin}: unknown key {raw_key!r}")
        if key == "cc":
            changes[key] = _parse_cc(value, origin)
        elif key in _PATH_KEYS:
            changes[key] = Path(value).expanduser()
        elif key == "import_dirs":
            changes[key] = tuple(Path(v).expanduser() for v in value)
        else:
            expected = type(getattr(base, key)) if getattr(base, key) is not None else None
            if expected in (int, float) and isinstance(value, bool):
                raise ConfigError(f"{origin}: {raw_key} = {value!r}: expected a number")
            if expected is float and isinstance(value, int):
                value = float(value)
            if expected is not None and not isinstance(value, expected):
                raise ConfigError(f"{origin}: {raw_key} = {value!r}: expected "
                                  f"{expected.__name__}")
            changes[key] = value
    return replace(base, **changes)


def load_toml(path: Path, base: DaemonConfig | None = None) -> DaemonConfig:
    """Read a TOML config file onto ``base``."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: no such config file") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from exc
    return config_from_mapping(data, base, origin=str(path))


def _parse_cc(value: Any, origin: str) -> tuple[CCMapping, ...]:
    if not isinstance(value, dict):
        raise ConfigError(f"{origin}: [cc] must be a table of CC number = {{key=..., ...}}")
    out = []
    for number, spec in value.items():
        if not isinstance(spec, dict) or "key" not in spec:
            raise ConfigError(f"{origin}: cc {number}: expected {{key = 'gain', ...}}")
        try:
            out.append(CCMapping(cc=int(number), key=str(spec["key"]), slot=spec.get("slot"),
                                 lo=float(spec.get("min", 0.0)), hi=float(spec.get("max", 1.0))))
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"{origin}: cc {number}: {exc}") from exc
    return tuple(out)
