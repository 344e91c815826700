"""The OSC framing check that runs before python-osc's parser: every malformed shape is named,
well-formed packets pass, and no byte string can make the check or the parser hang or crash.

Unit tier: bytes fed to ``check_datagram`` and to ``OscServer.handle_datagram`` (a real UDP
socket pair carries the replies); the real-process fuzz run is in ``test_daemon_faults.py``.
"""

from __future__ import annotations

import socket
import struct
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pythonosc.osc_bundle_builder import IMMEDIATELY, OscBundleBuilder
from pythonosc.osc_message_builder import OscMessageBuilder
from pythonosc.osc_packet import OscPacket

from bridge.osc_framing import OscFramingError, check_datagram
from bridge.osc_server import OscServer
from bridge.replies import Replies
from bridge.spec import Validator, load_spec


def pad(raw: bytes) -> bytes:
    """An OSC string: ``raw``, a NUL, and NULs up to a multiple of 4."""
    return raw + b"\x00" * (4 - len(raw) % 4)


def message(address: str, *args: object) -> bytes:
    builder = OscMessageBuilder(address=address)
    for value in args:
        builder.add_arg(value)
    return builder.build().dgram


def bundle(*elements: bytes) -> bytes:
    return b"#bundle\x00" + struct.pack(">Q", 1) + b"".join(
        struct.pack(">i", len(e)) + e for e in elements)


GET = message("/shot/get", 1)
MALFORMED = {
    "negative bundle element": (b"#bundle\x00" + struct.pack(">Qi", 1, -4), "size -4"),
    "zero bundle element": (b"#bundle\x00" + struct.pack(">Qi", 1, 0), "size 0"),
    "element past the end": (b"#bundle\x00" + struct.pack(">Qi", 1, 64) + GET, "runs past"),
    "element size not aligned": (b"#bundle\x00" + struct.pack(">Qi", 1, 6) + GET[:8],
                                 "multiple of 4"),
    "bundles nested too deep": (bundle(bundle(bundle(bundle(bundle(GET))))), "nested"),
    "length not aligned": (GET + b"\x00", "multiple of 4"),
    "unknown type tag": (pad(b"/shot/get") + pad(b",x") + b"\x00" * 4, "unsupported type tag"),
    "float missing its bytes": (pad(b"/shot/set") + pad(b",isf") + struct.pack(">i", 0)
                                + pad(b"gain"), "missing 4 of its 4 bytes"),
    "string with an embedded NUL": (pad(b"/shot/prompt") + pad(b",is") + struct.pack(">i", 0)
                                    + b"ab\x00c", "bytes after its NUL"),
    "60 KB of type tags": (pad(b"/shot/get") + pad(b"," + b"i" * 60000),
                           "60000 type tags"),
    "address with control characters": (pad(b"/shot/\n\x1b[31mping"), "control"),
    "string that is not UTF-8": (pad(b"/shot/prompt") + pad(b",is") + struct.pack(">i", 0)
                                 + pad(b"\xff\xfe"), "not UTF-8"),
    "blob size past the end": (pad(b"/shot/get") + pad(b",b") + struct.pack(">i", 1 << 30),
                               "blob size"),
    "bytes after the last argument": (GET + b"\x00\x00\x00\x07", "left after"),
    "neither message nor bundle": (b"hello\x00\x00\x00", "neither a message"),
    "unclosed array": (pad(b"/shot/get") + pad(b",[i") + b"\x00" * 4, "not closed"),
}


@pytest.mark.parametrize("name", list(MALFORMED))
def test_malformed_framing_is_named(name: str) -> None:
    data, fragment = MALFORMED[name]
    with pytest.raises(OscFramingError, match=fragment):
        check_datagram(data)


def test_well_formed_packets_pass_and_parse() -> None:
    builder = OscBundleBuilder(IMMEDIATELY)
    for slot in range(3):
        builder.add_content(OscMessageBuilder("/shot/get").build())
        msg = OscMessageBuilder("/shot/set")
        for value in (slot, "gain", 0.5):
            msg.add_arg(value)
        builder.add_content(msg.build())
    inner = builder.build()
    outer = OscBundleBuilder(IMMEDIATELY)
    outer.add_content(inner)
    for data in (GET, message("/shot/ping"), message("/shot/prompt", 0, "dusty vinyl snare"),
                 message("/x", b"blob", True, None, 2**40, 1.5), inner.dgram,
                 outer.build().dgram, pad(b"/shot/ping")):
        n = check_datagram(data)
        assert n == len(OscPacket(data).messages)


ADDRESSES = sorted(load_spec()["in"])


# Strings a sender can encode: no NUL (the OSC terminator), no lone surrogates (not UTF-8).
TEXT_CHARACTERS = st.characters(exclude_characters="\x00", exclude_categories=("Cs",))


def spec_message(draw: st.DrawFn) -> bytes:
    address = draw(st.sampled_from(ADDRESSES))
    args = draw(st.lists(st.one_of(st.integers(-2**31, 2**31 - 1), st.floats(width=32),
                                   st.text(TEXT_CHARACTERS, max_size=40),
                                   st.booleans(), st.binary(min_size=1, max_size=16)),
                         max_size=4))
    return message(address, *args)


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    """A spec-derived message, alone or in a bundle, mutated at the byte level."""
    data = bytearray(spec_message(draw))
    if draw(st.booleans()):
        data = bytearray(bundle(bytes(data), spec_message(draw)))
    for _ in range(draw(st.integers(0, 4))):
        op = draw(st.sampled_from(["flip", "cut", "insert", "size"]))
        at = draw(st.integers(0, max(0, len(data) - 1)))
        if op == "flip" and data:
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif op == "cut":
            del data[at:at + draw(st.integers(1, 8))]
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif op == "size" and len(data) >= at + 4:
            data[at:at + 4] = struct.pack(">i", draw(st.integers(-2**31, 2**31 - 1)))
    return bytes(data)


def check_then_parse(data: bytes) -> None:
    """The receive path's contract: refused with OscFramingError, or parsed by python-osc."""
    t0 = time.perf_counter()
    try:
        check_datagram(data)
    except OscFramingError:
        pass
    else:
        OscPacket(data)  # must not raise: the check let it through
    assert time.perf_counter() - t0 < 0.5


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=512))
def test_random_bytes_are_refused_or_parsed(data: bytes) -> None:
    check_then_parse(data)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_spec_messages_are_refused_or_parsed(data: bytes) -> None:
    check_then_parse(data)


class _Recorder:
    def __init__(self) -> None:
        self.requests: list = []

    def __call__(self, request) -> None:
        self.requests.append(request)


@pytest.fixture
def server_and_client():
    daemon_sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    daemon_sock.bind(("127.0.0.1", 0))
    client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    client.bind(("127.0.0.1", 0))
    client.settimeout(0.2)
    validator = Validator(16)
    recorder = _Recorder()
    server = OscServer(daemon_sock, validator, Replies(daemon_sock),
                       {a: recorder for a in validator.addresses()})
    yield server, client, recorder
    daemon_sock.close()
    client.close()


def replies(client: socket.socket) -> list:
    out = []
    while True:
        try:
            data, _ = client.recvfrom(65536)
        except TimeoutError:
            return out
        msg = OscPacket(data).messages[0].message
        out.append((msg.address, list(msg.params)))


@pytest.mark.parametrize("name", list(MALFORMED))
def test_each_rejected_datagram_gets_one_error_and_one_log_line(server_and_client, name: str,
                                                                 caplog) -> None:
    server, client, recorder = server_and_client
    caplog.set_level("DEBUG", logger="bridge")
    server.handle_datagram(MALFORMED[name][0], client.getsockname())
    got = replies(client)
    assert len(got) == 1 and got[0][0] == "/shot/error", got
    assert got[0][1][1].startswith("malformed OSC packet")
    lines = [r for r in caplog.records if r.levelno >= 20]
    assert len(lines) == 1 and "\n" not in lines[0].getMessage() \
        and "\x1b" not in lines[0].getMessage()
    assert recorder.requests == []


def test_true_false_and_missing_arguments_are_not_numbers(server_and_client) -> None:
    server, client, recorder = server_and_client
    for data in (pad(b"/shot/get") + pad(b",T"), pad(b"/shot/get") + pad(b",F")):
        server.handle_datagram(data, client.getsockname())
    server.handle_datagram(message("/shot/set", 0, "gain"), client.getsockname())
    got = replies(client)
    assert [a[1][1] for a in got][:2] == ["slot: expected an int, got bool True",
                                          "slot: expected an int, got bool False"]
    assert "expected 3 argument(s)" in got[2][1][1]
    assert recorder.requests == []


def test_blank_prompts_are_refused_and_prompts_trimmed(server_and_client) -> None:
    server, client, recorder = server_and_client
    server.handle_datagram(message("/shot/prompt", 0, "   "), client.getsockname())
    server.handle_datagram(message("/shot/prompt", 0, "  glassy bell pluck\n"),
                           client.getsockname())
    got = replies(client)
    assert got == [("/shot/error", ["/shot/prompt", "text: must not be empty (or only spaces)"])]
    assert recorder.requests[0].args == {"slot": 0, "text": "glassy bell pluck"}


def test_error_replies_are_rate_limited_per_receiver(server_and_client) -> None:
    server, client, _ = server_and_client
    client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    for _ in range(1000):
        server.handle_datagram(b"junk", client.getsockname())
    got = replies(client)
    assert 200 <= len(got) < 300  # the burst, plus what the rate refilled meanwhile
    assert server.replies.held_back == 1000 - len(got)


def test_an_oversized_reply_is_replaced_by_an_error(server_and_client) -> None:
    server, client, _ = server_and_client
    server.replies.send(client.getsockname(), "/shot/preset/list", 0, 1, *(["x" * 60] * 2000))
    got = replies(client)
    assert got[0][0] == "/shot/error" and got[0][1][0] == "/shot/preset/list"
    assert "does not fit one UDP datagram" in got[0][1][1]
