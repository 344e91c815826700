"""Strict OSC 1.0 framing check, run on every datagram before python-osc parses it.

python-osc parses well-formed packets well, but trusts a packet's own lengths: a bundle element
of negative size makes its bundle loop spin forever, a float cut short reads as 0.0, an unknown
type tag is skipped with one log line per tag. :func:`check_datagram` walks the packet's framing
(bundle element sizes, nesting, 4-byte alignment, type tags, argument bytes, string padding) in
one bounded pass and raises :class:`OscFramingError` naming the first problem; a datagram that
passes is safe to hand to the parser. Untrusted text in messages is ``repr``-escaped and cut.
"""

from __future__ import annotations

MAX_BUNDLE_DEPTH = 4  # bundles inside bundles
MAX_MESSAGES = 256  # messages in one datagram, all bundles together
MAX_TYPE_TAGS = 64  # arguments of one message (the address space uses at most 3)
MAX_ARRAY_DEPTH = 4
MAX_ADDRESS_CHARS = 256
BUNDLE_PREFIX = b"#bundle\x00"

#: bytes each fixed-size type tag takes; strings and blobs are sized by their content
_FIXED = {"i": 4, "f": 4, "r": 4, "m": 4, "h": 8, "d": 8, "t": 8,
          "T": 0, "F": 0, "N": 0, "[": 0, "]": 0}
SUPPORTED_TAGS = "".join(sorted(set(_FIXED) | {"s", "b"}))


class OscFramingError(ValueError):
    """A datagram that is not a well-formed OSC packet; ``address`` is its address if known."""

    def __init__(self, message: str, address: str = "") -> None:
        super().__init__(message)
        self.address = address


def check_datagram(data: bytes) -> int:
    """Raise OscFramingError unless ``data`` is one well-formed OSC message or bundle.

    Returns the number of messages it holds. The cost is linear in ``len(data)``.
    """
    if not data:
        raise OscFramingError("empty datagram")
    if len(data) % 4:
        raise OscFramingError(f"datagram of {len(data)} bytes: OSC packets are a multiple of "
                              "4 bytes", guess_address(data))
    return _check_packet(memoryview(data), 0, len(data), 0, [0])


def guess_address(data: bytes) -> str:
    """The packet's address if it starts like a printable OSC address, else ``""``."""
    if not data.startswith(b"/"):
        return ""
    head = bytes(data[:MAX_ADDRESS_CHARS + 1]).split(b"\x00", 1)[0]
    if len(head) > MAX_ADDRESS_CHARS or not all(0x21 <= c <= 0x7E for c in head):
        return ""
    return head.decode("ascii")


def _check_packet(data: memoryview, start: int, end: int, depth: int, count: list[int]) -> int:
    head = bytes(data[start:start + 8])
    if head == BUNDLE_PREFIX:
        return _check_bundle(data, start, end, depth, count)
    if head[:1] == b"/":
        count[0] += 1
        if count[0] > MAX_MESSAGES:
            raise OscFramingError(f"more than {MAX_MESSAGES} messages in one datagram")
        _check_message(data, start, end)
        return 1
    raise OscFramingError(f"element at byte {start} is neither a message (starting with '/') "
                          f"nor a bundle ('#bundle'): starts {_short(head)}")


def _check_bundle(data: memoryview, start: int, end: int, depth: int, count: list[int]) -> int:
    if depth >= MAX_BUNDLE_DEPTH:
        raise OscFramingError(f"bundles nested more than {MAX_BUNDLE_DEPTH} deep")
    index = start + 16  # '#bundle\0' and the 8-byte time tag
    if index > end:
        raise OscFramingError(f"bundle at byte {start}: shorter than its 16-byte header")
    messages = 0
    while index < end:
        if end - index < 4:
            raise OscFramingError(f"bundle element at byte {index}: size field cut short")
        size = int.from_bytes(data[index:index + 4], "big", signed=True)
        if size <= 0:
            raise OscFramingError(f"bundle element at byte {index}: size {size} (must be "
                                  "positive)")
        if size % 4:
            raise OscFramingError(f"bundle element at byte {index}: size {size} is not a "
                                  "multiple of 4")
        if index + 4 + size > end:
            raise OscFramingError(f"bundle element at byte {index}: size {size} runs past "
                                  f"the end of its bundle ({end - index - 4} bytes left)")
        messages += _check_packet(data, index + 4, index + 4 + size, depth + 1, count)
        index += 4 + size
    return messages


def _check_message(data: memoryview, start: int, end: int) -> None:
    address, index = _string(data, start, end, "address")
    if len(address) > MAX_ADDRESS_CHARS:
        raise OscFramingError(f"address of {len(address)} characters (at most "
                              f"{MAX_ADDRESS_CHARS})")
    if not all(0x21 <= c <= 0x7E for c in address):
        raise OscFramingError(f"address {_short(address)} has spaces, control or non-ASCII "
                              "characters")
    name = address.decode("ascii")
    if index == end:
        return  # no type tag string: a message without arguments (OSC 1.0 allows it)
    tags, index = _string(data, index, end, "type tag string", name)
    if not tags.startswith(b","):
        raise OscFramingError(f"type tag string {_short(tags)} does not start with ','", name)
    tags = tags[1:]
    if len(tags) > MAX_TYPE_TAGS:
        raise OscFramingError(f"{len(tags)} type tags (at most {MAX_TYPE_TAGS})", name)
    arrays = 0
    for position, code in enumerate(tags, start=1):
        tag = chr(code)
        what = f"argument {position} ({tag!r})"
        if tag == "[":
            arrays += 1
            if arrays > MAX_ARRAY_DEPTH:
                raise OscFramingError(f"arrays nested more than {MAX_ARRAY_DEPTH} deep", name)
        elif tag == "]":
            arrays -= 1
            if arrays < 0:
                raise OscFramingError("type tags close an array that was not opened", name)
        if tag in _FIXED:
            size = _FIXED[tag]
            if index + size > end:
                raise OscFramingError(f"{what}: missing {index + size - end} of its {size} "
                                      "bytes", name)
            index += size
        elif tag == "s":
            _, index = _string(data, index, end, what, name)
        elif tag == "b":
            if index + 4 > end:
                raise OscFramingError(f"{what}: blob size cut short", name)
            size = int.from_bytes(data[index:index + 4], "big", signed=True)
            padded = (size + 3) & ~3
            if size < 0 or index + 4 + padded > end:
                raise OscFramingError(f"{what}: blob size {size} runs past the message's end "
                                      f"({end - index - 4} bytes left)", name)
            index += 4 + padded
        else:
            raise OscFramingError(f"{what}: unsupported type tag (supported: "
                                  f"{SUPPORTED_TAGS})", name)
    if arrays:
        raise OscFramingError("type tags open an array that is not closed", name)
    if index != end:
        raise OscFramingError(f"{end - index} bytes left after the last argument", name)


def _string(data: memoryview, start: int, end: int, what: str,
            address: str = "") -> tuple[bytes, int]:
    """An OSC string at ``start``: its bytes and the index after its NUL padding."""
    raw = bytes(data[start:end])
    nul = raw.find(b"\x00")
    if nul < 0:
        raise OscFramingError(f"{what}: string without its terminating NUL", address)
    stop = (nul + 4) & ~3  # the NUL and padding up to the next multiple of 4
    if stop > len(raw):
        raise OscFramingError(f"{what}: string padding runs past the end", address)
    if raw[nul:stop].strip(b"\x00"):
        raise OscFramingError(f"{what}: string {_short(raw[:stop])} has bytes after its NUL "
                              "(an embedded NUL or bad padding)", address)
    text = raw[:nul]
    if what != "address" and what != "type tag string":
        try:
            text.decode("utf-8")
        except UnicodeDecodeError:
            raise OscFramingError(f"{what}: string {_short(text)} is not UTF-8",
                                  address) from None
    return text, start + stop


def _short(value: bytes, limit: int = 40) -> str:
    text = repr(bytes(value[:limit]))
    return text + ("..." if len(value) > limit else "")
