"""Outgoing OSC: typed by the spec's ``out`` table, sent from the daemon's own socket.

Where a reply goes: with ``--reply-port``, to that port (on the sender's host for replies to an
OSC message, on ``reply_host`` for MIDI-triggered and unsolicited messages); without it, to
the sender's address, and for MIDI-triggered replies to the last OSC client heard from.
"""

from __future__ import annotations

import logging
import socket
import threading
from typing import Any

from pythonosc.osc_message_builder import BuildError, OscMessageBuilder

from .spec import load_spec

log = logging.getLogger(__name__)

Address = tuple[str, int]


def build_message(address: str, args: tuple[Any, ...]) -> bytes:
    """Encode ``address`` with ``args`` typed per the spec (``i``/``f``/``s``)."""
    spec = load_spec()["out"].get(address)
    builder = OscMessageBuilder(address=address)
    types = [a["type"] for a in spec["args"]] if spec else []
    for i, value in enumerate(args):
        kind = types[i] if i < len(types) else (types[-1] if types else "")
        kind = kind.rstrip("*")
        if kind == "i":
            builder.add_arg(int(value), "i")
        elif kind == "f":
            builder.add_arg(float(value), "f")
        elif kind == "s":
            builder.add_arg(str(value), "s")
        else:
            builder.add_arg(value)
    return builder.build().dgram


class Replies:
    def __init__(self, sock: socket.socket, *, reply_port: int | None = None,
                 reply_host: str = "127.0.0.1") -> None:
        self._sock = sock
        self.reply_port = reply_port
        self.reply_host = reply_host
        self._last_client: Address | None = None
        self._lock = threading.Lock()
        self.sent = 0
        self.failed = 0

    def heard_from(self, sender: Address) -> None:
        with self._lock:
            self._last_client = sender

    def target(self, sender: Address | None) -> Address | None:
        if self.reply_port is not None:
            return (sender[0] if sender else self.reply_host, self.reply_port)
        if sender is not None:
            return sender
        with self._lock:
            return self._last_client

    def send(self, sender: Address | None, address: str, *args: Any) -> bool:
        """Send ``address args`` to where replies for ``sender`` go; False if nowhere/failed."""
        to = self.target(sender)
        if to is None:
            log.debug("no reply target for %s %s", address, args)
            return False
        try:
            datagram = build_message(address, args)
        except BuildError as exc:  # a value the spec's type cannot carry: a daemon bug
            log.error("cannot encode %s %r: %s", address, args, exc)
            return False
        try:
            self._sock.sendto(datagram, to)
        except OSError as exc:  # e.g. ICMP unreachable from an earlier send, buffer full
            self.failed += 1
            log.warning("reply %s to %s:%s failed: %s", address, to[0], to[1], exc)
            return False
        self.sent += 1
        return True

    def error(self, sender: Address | None, address: str, message: str) -> None:
        log.info("error %s: %s", address, message)
        self.send(sender, "/shot/error", address, message)
