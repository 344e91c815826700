"""Crash-safe JSON state file: write to a temp file, fsync, rename over the old one."""

from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


class StateStore:
    """One JSON document at ``path``; readers see the old or the new version, never half."""

    def __init__(self, path: Path, *, fsync: bool = True) -> None:
        self.path = Path(path)
        self.fsync = fsync

    def load(self) -> dict[str, Any] | None:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            bad = self.path.with_suffix(".corrupt.json")
            os.replace(self.path, bad)
            log.error("state file %s is not valid JSON (%s); moved to %s", self.path, exc, bad)
            return None

    def save(self, data: dict[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        payload = json.dumps(data, indent=1, ensure_ascii=False).encode("utf-8")
        fd, tmp = tempfile.mkstemp(prefix=".state.", suffix=".part", dir=self.path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(payload)
                if self.fsync:
                    handle.flush()
                    os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
