"""A small OSC client: send one message, print the replies (``shotcaller send``).

Argument types come from the spec for known addresses (``/shot/set 0 gain 0.5`` sends
``i s f``), from ``types`` when given, else are guessed (int, float, string).
"""

from __future__ import annotations

import shlex
import socket
import time
from collections.abc import Iterator
from typing import Any

from pythonosc.osc_message_builder import OscMessageBuilder
from pythonosc.osc_packet import OscPacket, ParseError

from .spec import load_spec


class ClientError(ValueError):
    """Arguments that cannot be typed for the address."""


def guess(text: str) -> Any:
    for cast in (int, float):
        try:
            return cast(text)
        except ValueError:
            pass
    return text


def typed_args(address: str, raw: list[str], types: str | None = None) -> list[tuple[Any, str]]:
    """Pair each raw argument with an OSC type tag (``i``, ``f`` or ``s``)."""
    if types is not None:
        if len(types) != len(raw):
            raise ClientError(f"--types {types!r} has {len(types)} tags for {len(raw)} arguments")
        tags = list(types)
    else:
        spec = load_spec()
        entry = spec["in"].get(address)
        tags = []
        for i, text in enumerate(raw):
            kind = None
            if entry and i < len(entry["args"]):
                kind = entry["args"][i]["type"]
                if kind == "key":
                    key_spec = spec["slot_keys"].get(raw[1] if len(raw) > 1 else "")
                    kind = key_spec["type"] if key_spec else None
            if kind is None:
                value = guess(text)
                kind = "i" if isinstance(value, int) else "f" if isinstance(value, float) else "s"
            tags.append(kind)
    out = []
    for text, tag in zip(raw, tags, strict=True):
        try:
            value = int(text) if tag == "i" else float(text) if tag == "f" else text
        except ValueError as exc:
            raise ClientError(f"argument {text!r}: not a valid {tag} ({exc})") from exc
        if tag not in "ifs":
            raise ClientError(f"type tag {tag!r}: use i, f or s")
        out.append((value, tag))
    return out


def encode(address: str, args: list[tuple[Any, str]]) -> bytes:
    builder = OscMessageBuilder(address=address)
    for value, tag in args:
        builder.add_arg(value, tag)
    return builder.build().dgram


def exchange(host: str, port: int, datagram: bytes, *, wait_s: float = 1.0,
             until: str | None = None, reply_port: int = 0) -> Iterator[tuple[str, list[Any]]]:
    """Send ``datagram`` and yield replies until ``until`` arrives or ``wait_s`` of silence."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_DGRAM) as sock:
        sock.bind(("::" if family == socket.AF_INET6 else "0.0.0.0", reply_port))
        sock.sendto(datagram, (host, port))
        deadline = time.monotonic() + wait_s
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            sock.settimeout(remaining)
            try:
                data, _ = sock.recvfrom(65536)
            except (TimeoutError, ConnectionRefusedError):
                return
            try:
                packet = OscPacket(data)
            except ParseError:
                yield ("#unparseable", [data[:64]])
                continue
            for timed in packet.messages:
                msg = timed.message
                yield msg.address, list(msg.params)
                if until and msg.address in (until, "/shot/error"):
                    return
            deadline = time.monotonic() + wait_s


def format_reply(address: str, args: list[Any]) -> str:
    return " ".join([address, *(shlex.quote(a) if isinstance(a, str) else
                                f"{a:.6g}" if isinstance(a, float) else str(a) for a in args)])
