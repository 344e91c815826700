"""The OSC transport: our own UDP socket loop (large receive buffer, sender address known),
python-osc's packet parser, the spec validator, then a routing table of thin handlers.

Every datagram is answered or logged: an unparseable packet, an unknown address, a wrong type
or arity or an out-of-range value gets ``/shot/error address message`` back; a handler's
ValueError does too. Nothing a peer sends can stop the loop.
"""

from __future__ import annotations

import logging
import socket
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pythonosc.osc_packet import OscPacket, ParseError

from .replies import Address, Replies
from .spec import OscArgumentError, Validator

log = logging.getLogger(__name__)

RCVBUF_BYTES = 32 << 20  # asked for; Linux caps SO_RCVBUF at 2 * net.core.rmem_max
RCVBUF_WARN_BYTES = 4 << 20  # below this a burst of 20,000 small datagrams may overflow
MAX_DATAGRAM = 65536
SO_RCVBUFFORCE_LINUX = 33  # <asm-generic/socket.h>; Python's socket module lacks it


@dataclass(frozen=True)
class Request:
    address: str
    args: dict[str, Any]
    sender: Address | None


Handler = Callable[[Request], None]


def open_socket(host: str, port: int, rcvbuf: int = RCVBUF_BYTES) -> socket.socket:
    """Bind a UDP socket with a large receive buffer (SO_RCVBUFFORCE when allowed)."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_DGRAM)
    force = getattr(socket, "SO_RCVBUFFORCE", SO_RCVBUFFORCE_LINUX if sys.platform == "linux"
                    else None)
    try:
        if force is None:
            raise PermissionError
        sock.setsockopt(socket.SOL_SOCKET, force, rcvbuf)  # root / CAP_NET_ADMIN: above rmem_max
    except (PermissionError, OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    sock.bind((host, port))
    got = sock.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF)
    if got < RCVBUF_WARN_BYTES:
        log.warning("UDP receive buffer is %d bytes (asked %d): raise net.core.rmem_max so "
                    "bursts are not dropped", got, rcvbuf)
    else:
        log.info("UDP receive buffer: %d bytes", got)
    return sock


class OscServer:
    def __init__(self, sock: socket.socket, validator: Validator, replies: Replies,
                 handlers: dict[str, Handler]) -> None:
        missing = set(validator.addresses()) - set(handlers)
        if missing:
            raise ValueError(f"no handler for {', '.join(sorted(missing))}")
        self.sock = sock
        self.validator = validator
        self.replies = replies
        self.handlers = handlers
        self.received = 0
        self.errors = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self.sock.getsockname()[1]

    def start(self) -> None:
        self._thread = threading.Thread(target=self.serve, name="osc-server", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(2.0)

    def serve(self) -> None:
        self.sock.settimeout(0.25)
        while not self._stop.is_set():
            try:
                data, sender = self.sock.recvfrom(MAX_DATAGRAM)
            except TimeoutError:
                continue
            except OSError as exc:  # ICMP port unreachable from a reply, or socket closed
                if self._stop.is_set():
                    break
                log.debug("recvfrom: %s", exc)
                continue
            self.received += 1
            try:
                self.handle_datagram(data, (sender[0], sender[1]))
            except Exception:  # last line of defence: log, keep serving
                self.errors += 1
                log.exception("unexpected error handling a datagram from %s", sender)

    def handle_datagram(self, data: bytes, sender: Address | None) -> None:
        """Parse one datagram (a message or a bundle) and dispatch its messages in order."""
        if sender is not None:
            self.replies.heard_from(sender)
        try:
            packet = OscPacket(data)
        except (ParseError, Exception) as exc:  # python-osc raises more than ParseError
            self.errors += 1
            address = _guess_address(data)
            log.warning("malformed OSC packet (%d bytes) from %s: %s", len(data), sender, exc)
            self.replies.error(sender, address, f"malformed OSC packet ({len(data)} bytes): "
                               f"{_first_line(exc)}")
            return
        for timed in packet.messages:
            self.dispatch(timed.message.address, list(timed.message.params), sender)

    def dispatch(self, address: str, args: list[Any], sender: Address | None) -> None:
        try:
            values = self.validator.validate(address, args)
        except OscArgumentError as exc:
            self.errors += 1
            self.replies.error(sender, address, str(exc))
            return
        try:
            self.handlers[address](Request(address, values, sender))
        except ValueError as exc:  # the daemon's errors for bad requests
            self.errors += 1
            self.replies.error(sender, address, str(exc))


def _guess_address(data: bytes) -> str:
    if data.startswith(b"/"):
        head = data.split(b"\x00", 1)[0][:128]
        try:
            return head.decode("ascii")
        except UnicodeDecodeError:
            pass
    return ""


def _first_line(exc: BaseException) -> str:
    return str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
