"""The OSC transport: our own UDP socket loop (large receive buffer, sender address known),
a strict framing check, python-osc's packet parser, the spec validator, then a routing table of
thin handlers.

Every datagram is answered or logged: a badly framed packet, an unknown address, a wrong type
or arity or an out-of-range value gets ``/shot/error address message`` back; a handler's
ValueError or OSError (disk full, permissions) does too, naming the command. A rejected
datagram costs one error reply and at most one log line, with its untrusted text escaped.
Nothing a peer sends can stop the loop: the framing check (``osc_framing``) is linear in the
datagram's size, so the parser never sees a packet that could make it loop.

A datagram speaks of one bank of slots: ``main``, unless a ``/shot/bank NAME`` message in it
names another for the messages after it. Front ends send each command in a bundle that
starts with their bank, so no sender state is needed and a daemon restart loses nothing; a
refused ``/shot/bank`` drops the rest of its datagram rather than let it act on ``main``.
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

from server.atomic_file import describe_os_error

from .osc_framing import OscFramingError, check_datagram, guess_address
from .replies import Address, Replies
from .spec import OscArgumentError, Validator

log = logging.getLogger(__name__)

RCVBUF_BYTES = 32 << 20  # asked for; Linux caps SO_RCVBUF at 2 * net.core.rmem_max
RCVBUF_WARN_BYTES = 4 << 20  # below this a burst of 20,000 small datagrams may overflow
MAX_DATAGRAM = 65536
SO_RCVBUFFORCE_LINUX = 33  # <asm-generic/socket.h>; Python's socket module lacks it


#: the address that sets the bank for the rest of a datagram, and the bank before it
BANK_ADDRESS = "/shot/bank"
DEFAULT_BANK = "main"


@dataclass(frozen=True)
class Request:
    address: str
    args: dict[str, Any]
    sender: Address | None
    bank: str = DEFAULT_BANK


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
        """Check, parse one datagram (a message or a bundle) and dispatch its messages in order."""
        if sender is not None:
            self.replies.heard_from(sender)
        try:
            check_datagram(data)
            packet = OscPacket(data)
        except OscFramingError as exc:
            self._reject(data, sender, exc.address, str(exc))
            return
        except (ParseError, Exception) as exc:  # python-osc raises more than ParseError
            self._reject(data, sender, guess_address(data), _first_line(exc))
            return
        bank = DEFAULT_BANK
        for n, timed in enumerate(packet.messages):
            address = timed.message.address
            ok = self.dispatch(address, list(timed.message.params), sender, bank)
            if address == BANK_ADDRESS:
                if not ok:
                    if n + 1 < len(packet.messages):
                        log.info("from %s: %d message(s) after a refused %s dropped",
                                 _peer(sender), len(packet.messages) - n - 1, BANK_ADDRESS)
                    return
                bank = timed.message.params[0]

    def _reject(self, data: bytes, sender: Address | None, address: str, why: str) -> None:
        self.errors += 1
        message = f"malformed OSC packet ({len(data)} bytes): {why}"
        if self.replies.error(sender, address, message):
            log.warning("from %s: %s", _peer(sender), message)

    def dispatch(self, address: str, args: list[Any], sender: Address | None,
                 bank: str = DEFAULT_BANK) -> bool:
        """Validate and handle one message; False (and ``/shot/error``) if refused."""
        try:
            values = self.validator.validate(address, args)
        except OscArgumentError as exc:
            self._refuse(sender, address, str(exc))
            return False
        try:
            self.handlers[address](Request(address, values, sender, bank))
        except ValueError as exc:  # the daemon's errors for bad requests
            self._refuse(sender, address, str(exc))
            return False
        except OSError as exc:  # the disk refused (full, read-only, permissions): say so
            self._refuse(sender, address, describe_os_error(exc), level=logging.ERROR)
            return False
        return True

    def _refuse(self, sender: Address | None, address: str, message: str,
                level: int = logging.INFO) -> None:
        self.errors += 1
        if self.replies.error(sender, address, message):
            log.log(level, "%s from %s: %s", ascii(address), _peer(sender), ascii(message))


def _peer(sender: Address | None) -> str:
    return f"{sender[0]}:{sender[1]}" if sender else "MIDI"


def _first_line(exc: BaseException) -> str:
    text = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
    return ascii(text)[1:-1]
