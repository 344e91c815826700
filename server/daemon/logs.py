"""Structured logging: one JSON object per line (``--log-format json``) or readable text."""

from __future__ import annotations

import json
import logging
import time

_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """``{"ts": ..., "level": ..., "logger": ..., "msg": ..., **extra}`` per record."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {"ts": round(record.created, 6),
                 "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(record.created)),
                 "level": record.levelname.lower(), "logger": record.name,
                 "msg": record.getMessage(), "thread": record.threadName}
        entry.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def use_format(fmt: str) -> None:
    """Switch the root logger's handlers to ``text`` or ``json``."""
    if fmt != "json":
        return
    for handler in logging.getLogger().handlers:
        handler.setFormatter(JsonFormatter())
