"""Outgoing OSC: typed by the spec's ``out`` table, sent from the daemon's own socket.

A reply that would not fit one UDP datagram is not sent; its receiver gets a ``/shot/error``
saying so instead (paged replies such as ``/shot/preset/list`` stay far below the limit).
``/shot/error`` replies are rate-limited per receiver (a token bucket), so a flood of bad
datagrams, even from a forged source address on a daemon bound to 0.0.0.0, is not reflected
at its rate; what was held back is counted in one log line a second at most.

Where a reply goes: with ``--reply-port``, to that port (on the sender's host for replies to an
OSC message, on ``reply_host`` for MIDI-triggered and unsolicited messages); without it, to
the sender's address, and for MIDI-triggered replies to the last OSC client heard from.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from typing import Any

from pythonosc.osc_message_builder import BuildError, OscMessageBuilder

from .spec import load_spec

log = logging.getLogger(__name__)

Address = tuple[str, int]

#: the largest UDP payload over IPv4 (65,535 less the IP and UDP headers)
MAX_REPLY_BYTES = 65507
#: characters of a refused command's address echoed in ``/shot/error``
ERROR_ADDRESS_CHARS = 128
ERROR_MESSAGE_CHARS = 1000
#: /shot/error replies per second to one receiver, and the burst allowed above that rate
ERROR_RATE_PER_S = 100.0
ERROR_BURST = 200.0


class TokenBucket:
    """``rate`` events a second on average, ``burst`` at once; ``take()`` says if one may go."""

    def __init__(self, rate: float, burst: float) -> None:
        self.rate, self.burst = rate, burst
        self.tokens = burst
        self.stamp = time.monotonic()
        self.held_back = 0
        self.reported = self.stamp

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        self.held_back += 1
        return False


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
        self._error_buckets: dict[Address | None, TokenBucket] = {}
        self.sent = 0
        self.failed = 0
        self.held_back = 0

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
        if len(datagram) > MAX_REPLY_BYTES:
            log.error("reply %s of %d bytes does not fit one datagram: not sent", address,
                      len(datagram))
            if address == "/shot/error":
                return False
            datagram = build_message("/shot/error", (address, (
                f"reply of {len(datagram)} bytes does not fit one UDP datagram "
                f"({MAX_REPLY_BYTES} at most): not sent")))
        try:
            self._sock.sendto(datagram, to)
        except OSError as exc:  # e.g. ICMP unreachable from an earlier send, buffer full
            self.failed += 1
            log.warning("reply %s to %s:%s failed: %s", address, to[0], to[1], exc)
            return False
        self.sent += 1
        return True

    def error(self, sender: Address | None, address: str, message: str) -> bool:
        """Send ``/shot/error address message`` unless the receiver's rate limit holds it back.

        Returns False when held back (the caller then skips its log line too). The echoed
        address and the message are cut to a size that always fits a datagram.
        """
        if not self._allow_error(self.target(sender)):
            return False
        if len(address) > ERROR_ADDRESS_CHARS:
            address = address[:ERROR_ADDRESS_CHARS - 3] + "..."
        if len(message) > ERROR_MESSAGE_CHARS:
            message = message[:ERROR_MESSAGE_CHARS - 3] + "..."
        log.debug("error %r: %r", address, message)
        self.send(sender, "/shot/error", address, message)
        return True

    def _allow_error(self, to: Address | None) -> bool:
        with self._lock:
            bucket = self._error_buckets.get(to)
            if bucket is None:
                if len(self._error_buckets) > 4096:  # forged sources: forget the old ones
                    self._error_buckets.clear()
                bucket = self._error_buckets[to] = TokenBucket(ERROR_RATE_PER_S, ERROR_BURST)
            allowed = bucket.take()
            if not allowed:
                self.held_back += 1
            now = time.monotonic()
            if bucket.held_back and now - bucket.reported >= 1.0:
                log.warning("%d /shot/error replies to %s held back by the rate limit",
                            bucket.held_back, f"{to[0]}:{to[1]}" if to else "nobody")
                bucket.held_back, bucket.reported = 0, now
        return allowed
