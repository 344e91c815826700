"""Fault injection against real daemons: bad datagrams, floods, kill -9, broken state files, a
second daemon on one folder, a full disk, and writes outside the daemon's folders.

    python bench/faults.py [--model DIR] [--quick] [--keep]

Starts ``shotcaller serve --no-midi`` processes (the shipped model, or the tiny random one when
it is missing: printed), each with its own temporary ``--slots`` and ``--user-presets``
folders, renders a few slots, then runs every case of ``bridge/OSC.md``'s "What survives what"
table and prints one row per case: datagrams sent, replies, ``/shot/error`` replies, whether
the daemon answers ``/shot/ping`` within 5 s afterwards, and the renders on disk (``*.wav`` in
``SLOTS/renders``) before/after. The verdict line counts malformed datagrams answered vs sent,
hangs (ping not answered), crashes (the process exited), renders lost (deleted or overwritten)
and writes outside the daemon's folders. Exit code 0 when every case holds, 1 otherwise.

The datagram cases share one daemon; kill -9, state-file, folder-lock and disk-full cases get
their own processes. The disk-full case mounts an 8 MB tmpfs and needs root (it is skipped,
with the reason, otherwise). ``--quick`` sends fewer datagrams (same cases); ``--keep`` keeps
the temporary slot folders and daemon logs for a look afterwards.
"""

from __future__ import annotations

import argparse
import copy
import errno
import hashlib
import importlib.util
import json
import os
import random
import shutil
import signal
import stat
import struct
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from daemon_harness import REPO, Daemon, Peer, free_port, message, pick_model  # noqa: E402

READY_TIMEOUT_S = 180.0  # the machine may be busy (2 cores, a test run alongside)
PING_TIMEOUT_S = 5.0
REPLY_TIMEOUT_S = 60.0
BUNDLE = b"#bundle\x00"
FORGED = "\x1b[31mping"  # what a newline in an address would put at the start of a log line
ENOSPC_TEXT = "No space left on device"


# -- results --------------------------------------------------------------------------------
@dataclass
class Row:
    case: str
    sent: int = 0
    replies: int = 0
    errors: int = 0
    alive: str = "-"
    before: int | None = None
    after: int | None = None
    problems: list[str] = field(default_factory=list)
    skipped: str = ""

    @property
    def result(self) -> str:
        return "skip" if self.skipped else ("ok" if not self.problems else "FAIL")

    def expect(self, condition: bool, problem: str) -> bool:
        if not condition:
            self.problems.append(problem)
        return condition


@dataclass
class Tally:
    """What the verdict line counts, over every case."""

    malformed_sent: int = 0
    malformed_answered: int = 0
    hangs: int = 0
    crashes: int = 0
    renders_lost: list[str] = field(default_factory=list)
    outside_writes: list[str] = field(default_factory=list)
    bad_modes: list[str] = field(default_factory=list)


TALLY = Tally()


def say(text: str) -> None:
    print(text, flush=True)


# -- daemons --------------------------------------------------------------------------------
class CaseDaemon(Daemon):
    """The harness's Daemon on a slot folder this bench picks, so a case can restart it on the
    same folder; ``shutdown`` stops it and keeps the folder."""

    def __init__(self, model: Path, slots: Path, presets: Path, log_path: Path) -> None:
        self.root = slots.parent
        self.slots = slots
        self.port = free_port()
        self.reply_port = None
        self.log_path = log_path
        cmd = serve_command(model, slots, presets, self.port)
        self.started = time.perf_counter()
        self._log = open(log_path, "wb")
        self.proc = subprocess.Popen(cmd, cwd=REPO, stdout=self._log, stderr=subprocess.STDOUT)

    def shutdown(self, sig: int = signal.SIGTERM) -> int:
        """Send ``sig`` (unless it already exited), wait, kill on timeout; the exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self._log.close()
        return self.proc.returncode

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")


def serve_command(model: Path, slots: Path, presets: Path, port: int) -> list[str]:
    return [sys.executable, "-m", "server.daemon", "serve", "--model", str(model),
            "--slots", str(slots), "--user-presets", str(presets), "--osc-port", str(port),
            "--no-midi"]


def start(model: Path, root: Path, name: str, slots: Path | None = None) -> CaseDaemon:
    """A ready daemon on ``slots`` (default ``root/slots``), logging to ``root/name.log``."""
    daemon = CaseDaemon(model, slots or root / "slots", root / "presets", root / f"{name}.log")
    peer = Peer(daemon.port)
    try:
        seconds = daemon.wait_ready(peer, READY_TIMEOUT_S)
    except BaseException as exc:
        if daemon.proc.poll() is not None:  # it exited while starting
            TALLY.crashes += 1
        elif isinstance(exc, TimeoutError):
            TALLY.hangs += 1
        daemon.shutdown(signal.SIGKILL)
        raise
    finally:
        peer.sock.close()
    say(f"  {name}: pid {daemon.proc.pid} ready in {seconds:.1f} s on udp port {daemon.port}")
    return daemon


def stop(daemon: CaseDaemon, row: Row | None = None) -> None:
    """SIGTERM; a clean stop exits 0. Checks the file modes of its renders first."""
    check_modes(daemon.slots)
    code = daemon.shutdown()
    if row is not None:
        row.expect(code == 0, f"{daemon.log_path.stem}: exit code {code} after SIGTERM")


def alive(daemon: CaseDaemon) -> str:
    """"yes" if the process runs and answers /shot/ping within 5 s; counts hangs and crashes."""
    if daemon.proc.poll() is not None:
        TALLY.crashes += 1
        say(f"  daemon pid {daemon.proc.pid} EXITED with code {daemon.proc.returncode}")
        return "no"
    peer = Peer(daemon.port)
    try:
        peer.send("/shot/ping")
        deadline = time.monotonic() + PING_TIMEOUT_S
        while time.monotonic() < deadline:
            item = peer.recv(max(1e-3, deadline - time.monotonic()))
            if item and item[0] == "/shot/pong":
                return "yes"
    finally:
        peer.sock.close()
    TALLY.hangs += 1
    say(f"  daemon pid {daemon.proc.pid} did not answer /shot/ping in {PING_TIMEOUT_S:.0f} s")
    return "no"


# -- OSC helpers ----------------------------------------------------------------------------
def collect(peer: Peer, expected: int, quiet_s: float = 1.0,
            limit_s: float = REPLY_TIMEOUT_S) -> list[tuple[str, list[Any]]]:
    """Replies until ``expected`` came and 0.3 s more were quiet (or ``quiet_s`` of silence
    before that, or ``limit_s`` in all)."""
    got: list[tuple[str, list[Any]]] = []
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        wait = 0.3 if len(got) >= expected else quiet_s
        item = peer.recv(min(wait, max(1e-3, deadline - time.monotonic())))
        if item is None:
            break
        got.append(item)
    return got


def request(peer: Peer, address: str, *args: Any, reply: str,
            timeout: float = REPLY_TIMEOUT_S) -> list[Any]:
    """Send and return the args of the first ``reply`` (raise on /shot/error or timeout)."""
    peer.send(address, *args)
    return peer.wait_for(reply, timeout)


def render(peer: Peer, slot: int, prompt: str) -> str:
    peer.send("/shot/prompt", slot, prompt)
    return peer.wait_for("/shot/ready", READY_TIMEOUT_S, match=lambda a: a[0] == slot)[1]


def gain_of(peer: Peer, slot: int) -> float:
    return float(request(peer, "/shot/get", slot, reply="/shot/slot")[11])


def state_gain(slots: Path, slot: int) -> float | None:
    try:
        doc = json.loads((slots / "state.json").read_text())
    except (OSError, ValueError):
        return None
    for item in doc.get("slots", []):
        if item.get("index") == slot:
            return item.get("params", {}).get("gain", 1.0)
    return None


def wait_idle(peer: Peer, timeout: float = READY_TIMEOUT_S) -> bool:
    """True once no slot reports "rendering" (renders queued again after a restart)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        peer.send("/shot/state")
        statuses = []
        while (item := peer.recv(5.0)) is not None and item[0] != "/shot/state/done":
            if item[0] == "/shot/slot":
                statuses.append(item[1][1])
        if statuses and "rendering" not in statuses:
            return True
        time.sleep(0.5)
    return False


def close(a: float, b: float | None) -> bool:
    return b is not None and abs(a - b) < 1e-5


# -- files ----------------------------------------------------------------------------------
def renders(slots: Path) -> dict[str, str]:
    """``SLOTS/renders/*.wav``: name → sha1 of the bytes."""
    return {p.name: hashlib.sha1(p.read_bytes()).hexdigest()
            for p in sorted((slots / "renders").glob("*.wav"))}


def compare_renders(row: Row, before: dict[str, str], after: dict[str, str]) -> None:
    row.before, row.after = len(before), len(after)
    for name, digest in before.items():
        if name not in after:
            what = f"{name} deleted"
        elif after[name] != digest:
            what = f"{name} overwritten (other bytes under the same name)"
        else:
            continue
        row.problems.append(f"render {what}")
        TALLY.renders_lost.append(f"{row.case}: {what}")


def check_modes(slots: Path) -> None:
    for path in [*(slots / "renders").glob("*.wav"), *(slots / "notes").glob("*.wav")]:
        try:
            mode = stat.S_IMODE(os.stat(path).st_mode)
        except OSError:
            continue
        if mode != 0o644:
            TALLY.bad_modes.append(f"{path} mode {mode:o}")


def outside_snapshot() -> dict[str, int]:
    """numba cache files in the installed librosa package (path → mtime_ns), and whether the
    default user folder ~/Shotcaller exists; found without importing librosa here."""
    spec = importlib.util.find_spec("librosa")
    found: dict[str, int] = {}
    if spec and spec.origin:
        package = Path(spec.origin).parent
        for pattern in ("*.nbi", "*.nbc"):
            for path in package.rglob(pattern):
                found[str(path)] = path.stat().st_mtime_ns
    home = Path.home() / "Shotcaller"
    if home.exists():
        found[str(home)] = 0
    return found


def write_sine(path: Path, hz: float = 440.0, seconds: float = 1.0, rate: int = 44100) -> None:
    import numpy as np
    import soundfile as sf

    t = np.arange(int(seconds * rate)) / rate
    sf.write(path, (0.5 * np.sin(2 * np.pi * hz * t)).astype(np.float32), rate,
             subtype="PCM_16")


# -- case 1: datagrams ----------------------------------------------------------------------
def osc_string(raw: bytes) -> bytes:
    return raw + b"\x00" * (4 - len(raw) % 4)


def nested_bundle(inner: bytes, depth: int) -> bytes:
    for _ in range(depth):
        inner = BUNDLE + struct.pack(">Qi", 1, len(inner)) + inner
    return inner


def garbage(rng: random.Random, n: int) -> list[bytes]:
    """An empty datagram, then random bytes (half of them a multiple of 4 long, a third
    starting like a message or a bundle) that the framing check refuses."""
    from bridge.osc_framing import OscFramingError, check_datagram

    out = [b""]
    while len(out) < n:
        size = rng.randrange(1, 375) * 4 if rng.random() < 0.5 else rng.randrange(1, 1500)
        data = bytearray(rng.randbytes(size))
        if rng.random() < 1 / 3:
            head = rng.choice([b"/", b"/shot/", BUNDLE])
            data[:len(head)] = head  # same length: overwrite the first bytes
        try:
            check_datagram(bytes(data))
        except OscFramingError:
            out.append(bytes(data))
    return out[:n]


MALFORMED = "malformed OSC packet"


def malformed(n: int) -> list[tuple[str, list[bytes], str]]:
    """(name, ``n`` datagrams, text every error must hold): one /shot/error per datagram."""
    rng = random.Random(1234)

    def alternate(*choices: bytes) -> list[bytes]:
        return [choices[i % len(choices)] for i in range(n)]

    return [
        ("bundle: element size -4", alternate(BUNDLE + struct.pack(">Qi", 1, -4)), MALFORMED),
        ("bundle: element size 0", alternate(BUNDLE + struct.pack(">Qi", 1, 0)), MALFORMED),
        ("bundle: size past the end",
         alternate(BUNDLE + struct.pack(">Qi", 1, 64) + message("/shot/ping")), MALFORMED),
        ("bundles nested 6 deep", alternate(nested_bundle(message("/shot/ping"), 6)),
         MALFORMED),
        ("length not a multiple of 4", alternate(message("/shot/get", 0)[:-1]), MALFORMED),
        ("unknown type tag ,x",
         alternate(osc_string(b"/shot/get") + osc_string(b",x") + struct.pack(">i", 0)),
         MALFORMED),
        ("float tag, 4 bytes missing",
         alternate(osc_string(b"/shot/set") + osc_string(b",isf") + struct.pack(">i", 0)
                   + osc_string(b"gain")), MALFORMED),
        ("NUL inside string padding",
         alternate(osc_string(b"/shot/prompt") + osc_string(b",is") + struct.pack(">i", 0)
                   + b"ab\x00c"), MALFORMED),
        ("60 KB type-tag string",
         alternate(osc_string(b"/shot/get") + osc_string(b"," + b"i" * 60000)), MALFORMED),
        ("address with newline + ANSI",
         alternate(osc_string(f"/shot/\n{FORGED}".encode()) + osc_string(b",")), MALFORMED),
        ("T/F as slot of /shot/get",
         alternate(osc_string(b"/shot/get") + osc_string(b",T"),
                   osc_string(b"/shot/get") + osc_string(b",F")), "expected an int"),
        ('blank prompt "   "', alternate(message("/shot/prompt", 0, "   ")), "empty"),
        ("random garbage bytes", garbage(rng, n), MALFORMED),
        ("64 KB strings",
         alternate(message("/shot/prompt", 0, "x" * 65000),
                   message("/shot/set", 0, "negative", "y" * 65000)), "too long"),
        ("/shot/load ../../etc/passwd",
         alternate(message("/shot/load", 0, "../../etc/passwd"),
                   message("/shot/load", 0, "/etc/passwd")), "outside the import folders"),
        ("/shot/load symlink to outside", alternate(message("/shot/load", 0, "outside.wav")),
         "outside the import folders"),
    ]


def datagram_case(daemon: CaseDaemon, name: str, datagrams: list[bytes], says: str) -> Row:
    row = Row(f"1 {name}", sent=len(datagrams))
    before = renders(daemon.slots)
    peer = Peer(daemon.port)  # a fresh receiver: its own error budget (burst 200)
    try:
        for data in datagrams:
            peer.sock.sendto(data, peer.target)
        got = collect(peer, len(datagrams))
    finally:
        peer.sock.close()
    row.replies = len(got)
    row.errors = sum(1 for address, _ in got if address == "/shot/error")
    TALLY.malformed_sent += row.sent
    TALLY.malformed_answered += row.errors
    row.expect(row.errors == row.sent, f"{row.errors} /shot/error for {row.sent} datagrams")
    others = [item for item in got if item[0] != "/shot/error"]
    row.expect(not others, f"replies other than /shot/error: {others[:3]}")
    off = [args for address, args in got if address == "/shot/error" and says not in args[1]]
    row.expect(not off, f"{len(off)} errors without {says!r}, e.g. {off[:1]}")
    if name.startswith("address with newline"):
        lines = daemon.log_text().split("\n")
        forged = [line for line in lines if line.startswith(FORGED)]
        row.expect(not forged, f"log line starts with the forged text: {forged[:1]!r}")
        row.expect(not any("\x1b" in line for line in lines), "raw ESC byte in the log")
    row.alive = alive(daemon)
    row.expect(row.alive == "yes", "daemon not alive after")
    compare_renders(row, before, renders(daemon.slots))
    return row


# -- case 2 and 3: floods -------------------------------------------------------------------
def paced(peer: Peer, make: Any, rate: float, seconds: float) -> int:
    """Send ``make(i)`` at ``rate`` a second for ``seconds``; the count sent."""
    total = int(rate * seconds)
    t0 = time.monotonic()
    sent = 0
    while sent < total and time.monotonic() < t0 + seconds + 5:
        due = min(total, int((time.monotonic() - t0) * rate) + 1)
        try:
            while sent < due:
                peer.sock.sendto(make(sent), peer.target)
                sent += 1
        except OSError:  # the daemon's port went away (ICMP): the alive check says so
            break
        time.sleep(0.001)
    return sent


def storm_case(daemon: CaseDaemon, senders: int, seconds: float) -> Row:
    row = Row(f"2 note storm 1000/s x{senders} sender{'s' if senders > 1 else ''}")
    before = renders(daemon.slots)
    note = message("/shot/note", 36, 100)  # drums keymap: note 36 plays slot 0
    peers = [Peer(daemon.port) for _ in range(senders)]
    counts = [0] * senders

    def run(i: int) -> None:
        counts[i] = paced(peers[i], lambda _: note, 1000.0, seconds)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(senders)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 30)
    row.sent = sum(counts)
    for i, peer in enumerate(peers):
        got = collect(peer, counts[i], quiet_s=3.0, limit_s=120.0)
        row.replies += len(got)
        row.errors += sum(1 for address, _ in got if address == "/shot/error")
        peer.sock.close()
    row.expect(row.errors == 0, f"{row.errors} /shot/error replies to notes on a rendered slot")
    row.alive = alive(daemon)
    row.expect(row.alive == "yes", "daemon not alive after")
    compare_renders(row, before, renders(daemon.slots))
    return row


def fader_case(daemon: CaseDaemon, seconds: float) -> Row:
    row = Row("3 fader 400 /shot/set gain/s")
    before = renders(daemon.slots)

    def gain(i: int) -> float:
        return round(1.0 + 0.002 * (i + 1), 3)

    peer = Peer(daemon.port)
    try:
        row.sent = paced(peer, lambda i: message("/shot/set", 0, "gain", gain(i)), 400.0,
                         seconds)
        got = collect(peer, row.sent, quiet_s=3.0)
        row.replies = len(got)
        row.errors = sum(1 for address, _ in got if address == "/shot/error")
        answered = [args for address, args in got if address == "/shot/slot"]
        row.expect(len(answered) == row.sent, f"{len(answered)} /shot/slot for {row.sent} sets")
        last = gain(row.sent - 1)
        reported = gain_of(peer, 0)
        row.sent, row.replies = row.sent + 1, row.replies + 1
        row.expect(close(last, reported), f"/shot/get 0 gain {reported}, last sent {last}")
        on_disk = state_gain(daemon.slots, 0)
        row.expect(close(last, on_disk), f"state.json gain {on_disk}, last sent {last}")
        say(f"  last gain sent {last}, /shot/get {reported:.6f}, state.json {on_disk}")
    finally:
        peer.sock.close()
    row.alive = alive(daemon)
    row.expect(row.alive == "yes", "daemon not alive after")
    compare_renders(row, before, renders(daemon.slots))
    return row


def load_case(daemon: CaseDaemon) -> tuple[int, int, int, list[str]]:
    """/shot/load of a 440 Hz sine without a root (pYIN runs, numba compiles): sent, replies,
    errors, problems."""
    write_sine(daemon.slots / "import" / "sine440.wav")
    peer = Peer(daemon.port)
    problems = []
    try:
        peer.send("/shot/load", 2, "sine440.wav")
        deadline = time.monotonic() + READY_TIMEOUT_S
        got = None
        while got is None and time.monotonic() < deadline:
            item = peer.recv(max(1e-3, deadline - time.monotonic()))
            if item and item[0] in ("/shot/ready", "/shot/error"):
                got = item
        if got is None:
            problems.append("/shot/load: no /shot/ready")
            return 1, 0, 0, problems
        if got[0] == "/shot/error":
            problems.append(f"/shot/load: {got[1]}")
            return 1, 1, 1, problems
        say(f"  /shot/load sine440.wav: root {got[1][2]:.2f} (A4 = 69), {got[1][1]}")
        if abs(got[1][2] - 69.0) > 0.5:
            problems.append(f"/shot/load: detected root {got[1][2]:.2f}, expected 69")
        return 1, 1, 0, problems
    finally:
        peer.sock.close()


def shared_daemon_cases(model: Path, scratch: Path, quick: bool) -> tuple[list[Row], tuple]:
    """Cases 1-3 on one daemon, and the /shot/load that case 8 checks."""
    rows: list[Row] = []
    root = scratch / "shared"
    root.mkdir()
    say("[1-3] datagrams, note storm, fader: one daemon")
    daemon = start(model, root, "shared")
    load_result: tuple = (0, 0, 0, ["not run"])
    try:
        peer = Peer(daemon.port)
        for slot, prompt in ((0, "tight kick drum"), (1, "dusty vinyl snare")):
            say(f"  render slot {slot}: {render(peer, slot, prompt)}")
        peer.sock.close()
        outside = scratch / "outside"
        outside.mkdir()
        write_sine(outside / "outside.wav")
        (daemon.slots / "import" / "outside.wav").symlink_to(outside / "outside.wav")
        for name, datagrams, says in malformed(5 if quick else 100):
            rows.append(datagram_case(daemon, name, datagrams, says))
            say(f"  {rows[-1].case}: {rows[-1].errors}/{rows[-1].sent} errors, "
                f"alive {rows[-1].alive}")
        seconds = 0.5 if quick else 2.0
        for senders in (1, 2):
            rows.append(storm_case(daemon, senders, seconds))
            say(f"  {rows[-1].case}: {rows[-1].sent} sent, {rows[-1].replies} replies, "
                f"alive {rows[-1].alive}")
        rows.append(fader_case(daemon, seconds))
        say(f"  {rows[-1].case}: {rows[-1].sent} sent, {rows[-1].replies} replies")
        say("  /shot/load a pitched WAV (pYIN, numba)")
        load_result = load_case(daemon)
    finally:
        stop(daemon, rows[-1] if rows else None)
    return rows, load_result


# -- case 4: kill -9 ------------------------------------------------------------------------
def kill9_case(model: Path, scratch: Path) -> Row:
    row = Row("4 SIGKILL after /shot/set reply")
    root = scratch / "kill9"
    root.mkdir()
    say("[4] kill -9 right after an acknowledged /shot/set")
    daemon = start(model, root, "kill9-1")
    try:
        peer = Peer(daemon.port)
        path = render(peer, 0, "tight kick drum")
        before = renders(daemon.slots)
        row.sent += 1
        reply = request(peer, "/shot/set", 0, "gain", 0.25, reply="/shot/slot")
        daemon.proc.kill()
        row.replies += 1
        peer.sock.close()
        daemon.shutdown()
        say(f"  killed pid {daemon.proc.pid} after /shot/slot gain {reply[11]}")
        daemon = start(model, root, "kill9-2")
        peer = Peer(daemon.port)
        got = request(peer, "/shot/get", 0, reply="/shot/slot")
        row.sent, row.replies = row.sent + 1, row.replies + 1
        peer.sock.close()
        row.expect(close(0.25, got[11]), f"/shot/get 0 after restart: gain {got[11]}, not 0.25")
        row.expect(got[12] == path, f"slot 0 render {got[12]!r}, was {path!r}")
        row.alive = alive(daemon)
        row.expect(row.alive == "yes", "daemon not alive after")
        compare_renders(row, before, renders(daemon.slots))
    finally:
        stop(daemon, row)
    return row


# -- case 5: broken state files -------------------------------------------------------------
def corrupt_state_cases(model: Path, scratch: Path) -> list[Row]:
    rows: list[Row] = []
    root = scratch / "state"
    root.mkdir()
    say("[5] corrupt state.json: quarantined, renders kept")
    daemon = start(model, root, "state-0")
    slots = daemon.slots
    state = slots / "state.json"
    try:
        peer = Peer(daemon.port)
        for slot, prompt in ((0, "tight kick drum"), (1, "dusty vinyl snare")):
            render(peer, slot, prompt)
        peer.sock.close()
        stop(daemon)
        good = json.loads(state.read_text())
        wrong_types = copy.deepcopy(good)
        wrong_types["slots"][0]["params"]["steps"] = "many"
        variants = [
            ("5 not JSON: {not json", b"{not json", "not valid JSON"),
            ("5 not JSON again (2nd copy)", b"{not json", "not valid JSON"),
            ('5 wrong shape {"slots": "x"}', b'{"slots": "x"}', "slots is a string"),
            ('5 wrong type "steps": "many"', json.dumps(wrong_types).encode(), "steps"),
            ("5 not UTF-8 b'\\xff\\xfe{'", b"\xff\xfe{", "not UTF-8"),
        ]
        quarantined: dict[Path, tuple[bytes, int]] = {}
        for n, (name, payload, problem) in enumerate(variants, start=1):
            row = Row(name)
            rows.append(row)
            before = renders(slots)
            state.write_bytes(payload)
            daemon = start(model, root, f"state-{n}")
            peer = Peer(daemon.port)
            try:
                row.sent += 1
                row.replies += 1 if request(peer, "/shot/get", 0, reply="/shot/slot") else 0
                row.expect(wait_idle(peer), "renders queued after the restart did not finish")
            finally:
                peer.sock.close()
            row.alive = alive(daemon)
            row.expect(row.alive == "yes", "daemon not alive after the restart")
            stop(daemon, row)
            compare_renders(row, before, renders(slots))
            lines = [line for line in daemon.log_text().splitlines()
                     if "state.json" in line and problem in line]
            row.expect(bool(lines), f"no log line naming state.json and {problem!r}")
            if lines:
                say(f"  log: {lines[0][:160]}")
            copies = sorted(slots.glob("state.json.corrupt-*"))
            new = [p for p in copies if p not in quarantined]
            row.expect(len(new) == 1, f"{len(new)} new state.json.corrupt-* files (expected 1)")
            for path in new:
                row.expect(path.read_bytes() == payload, f"{path.name} is not the broken file")
                quarantined[path] = (path.read_bytes(), path.stat().st_mtime_ns)
            for path, (data, mtime) in quarantined.items():
                row.expect(path.exists() and path.read_bytes() == data
                           and path.stat().st_mtime_ns == mtime,
                           f"earlier quarantined copy {path.name} changed or gone")
            say(f"  {name}: {len(copies)} corrupt copies, renders {row.before}/{row.after}, "
                f"alive {row.alive}")
    finally:
        daemon.shutdown()
    return rows


# -- case 6: two daemons on one folder ------------------------------------------------------
def two_daemons_case(model: Path, scratch: Path) -> Row:
    row = Row("6 second daemon, same --slots")
    root = scratch / "lock"
    root.mkdir()
    say("[6] a second daemon on the same slot folder must exit 2")
    first = start(model, root, "lock-1")
    try:
        peer = Peer(first.port)
        render(peer, 0, "tight kick drum")
        before = renders(first.slots)
        cmd = serve_command(model, first.slots, root / "presets-2", free_port())
        t0 = time.monotonic()
        try:
            second = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=30)
            output = second.stdout + second.stderr
            code: int | None = second.returncode
        except subprocess.TimeoutExpired as exc:  # run() has killed it
            output, code = f"{exc.stdout or ''}{exc.stderr or ''}", None
        say(f"  second daemon: exit {code} in {time.monotonic() - t0:.1f} s: "
            f"{output.strip().splitlines()[-1:] if output.strip() else ''}")
        row.expect(code == 2, f"second daemon exit code {code} (expected 2 within 30 s)")
        row.expect(str(first.slots) in output, "second daemon's output does not name the folder")
        row.expect(str(first.proc.pid) in output,
                   f"second daemon's output does not name pid {first.proc.pid}")
        got = request(peer, "/shot/get", 0, reply="/shot/slot")
        row.sent, row.replies = 1, 1 if got else 0
        peer.sock.close()
        row.alive = alive(first)
        row.expect(row.alive == "yes", "first daemon not alive after")
        compare_renders(row, before, renders(first.slots))
    finally:
        stop(first, row)
    return row


# -- case 7: disk full ----------------------------------------------------------------------
def fill(path: Path) -> int:
    """Write ``path`` until the filesystem refuses (ENOSPC); bytes written."""
    written = 0
    chunk = b"\x00" * (64 << 10)
    with open(path, "wb", buffering=0) as f:
        while written < 1 << 30:
            try:
                written += f.write(chunk)
            except OSError as exc:
                if exc.errno != errno.ENOSPC:
                    raise
                break
    return written


def disk_full_case(model: Path, scratch: Path) -> Row:
    row = Row("7 disk full (8 MB tmpfs)")
    root = scratch / "diskfull"
    mnt = root / "mnt"
    mnt.mkdir(parents=True)
    say("[7] disk full: every change refused with the OS's message, nothing changed")
    if os.geteuid() != 0:
        row.skipped = "not root: cannot mount a tmpfs"
        say(f"  skipped: {row.skipped}")
        return row
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mnt)],
                             capture_output=True, text=True, timeout=30)
    if mounted.returncode != 0:
        row.skipped = f"mount -t tmpfs failed: {mounted.stderr.strip() or mounted.returncode}"
        say(f"  skipped: {row.skipped}")
        return row
    daemon = None
    try:
        daemon = start(model, root, "diskfull", slots=mnt / "slots")
        peer = Peer(daemon.port)
        render(peer, 0, "tight kick drum")
        before = renders(daemon.slots)
        filler = mnt / "filler"
        say(f"  filled the tmpfs with {fill(filler) / 1e6:.1f} MB")
        commands = [("/shot/set", (0, "gain", 0.5)), ("/shot/note", (36, 100)),
                    ("/shot/prompt", (1, "snare")), ("/shot/keymap", ("chromatic", 0)),
                    ("/shot/render", (0,))]
        for address, args in commands:
            peer.send(address, *args)
        got = collect(peer, len(commands), quiet_s=10.0, limit_s=REPLY_TIMEOUT_S)
        row.sent, row.replies = len(commands), len(got)
        errors = {args[0]: args[1] for address, args in got if address == "/shot/error"}
        row.errors = sum(1 for address, _ in got if address == "/shot/error")
        for address, _ in commands:
            text = errors.get(address)
            row.expect(text is not None and ENOSPC_TEXT in text,
                       f"{address}: {'no /shot/error' if text is None else repr(text)}")
            say(f"  {address}: {text!r}")
        # the render is tried even though its "wanted" mark cannot be saved: its progress
        # comes, then its own write fails
        others = [item for item in got if item[0] not in ("/shot/error", "/shot/progress")]
        row.expect(not others, f"replies other than /shot/error: {others[:3]}")
        gain = gain_of(peer, 0)
        on_disk = state_gain(daemon.slots, 0)
        row.sent, row.replies = row.sent + 1, row.replies + 1
        row.expect(close(1.0, gain), f"/shot/get 0 gain {gain} on a full disk (was 1.0)")
        row.expect(close(1.0, on_disk), f"state.json gain {on_disk} on a full disk (was 1.0)")
        filler.unlink()
        peer.send("/shot/set", 0, "gain", 0.5)
        row.sent += 1
        after_free = collect(peer, 1, quiet_s=10.0)
        row.replies += len(after_free)
        row.errors += sum(1 for address, _ in after_free if address == "/shot/error")
        ok = [args for address, args in after_free if address == "/shot/slot"]
        row.expect(bool(ok) and close(0.5, ok[0][11]),
                   f"/shot/set 0 gain 0.5 after freeing space: {after_free}")
        row.expect(close(0.5, state_gain(daemon.slots, 0)), "state.json gain not 0.5 after")
        peer.sock.close()
        row.alive = alive(daemon)
        row.expect(row.alive == "yes", "daemon not alive after")
        compare_renders(row, before, renders(daemon.slots))
    finally:
        if daemon is not None:
            stop(daemon, row)
        if subprocess.run(["umount", str(mnt)], capture_output=True, timeout=30).returncode:
            subprocess.run(["umount", "-l", str(mnt)], capture_output=True, timeout=30)
    return row


# -- report ---------------------------------------------------------------------------------
def print_table(rows: list[Row]) -> None:
    header = ("case", "sent", "replies", "errors", "alive", "renders b/a", "result")
    cells = [(r.case, str(r.sent), str(r.replies), str(r.errors), r.alive,
              "-" if r.before is None else f"{r.before}/{r.after}", r.result) for r in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(header)]

    def line(values: tuple[str, ...]) -> str:  # the case left-aligned, numbers right-aligned
        return "  ".join(v.ljust(widths[i]) if i == 0 else v.rjust(widths[i])
                         for i, v in enumerate(values))

    print()
    print(line(header))
    print("-" * len(line(header)))
    for c in cells:
        print(line(c))
    print()
    for r in rows:
        for problem in r.problems:
            print(f"FAIL {r.case}: {problem}")
        if r.skipped:
            print(f"skip {r.case}: {r.skipped}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="model folder (default: the shipped model)")
    parser.add_argument("--quick", action="store_true", help="fewer datagrams, shorter floods")
    parser.add_argument("--keep", action="store_true",
                        help="keep the temporary folders (slot folders, daemon logs)")
    args = parser.parse_args()

    os.umask(0o022)  # renders must come out 0644
    model, why = pick_model(args.model)
    say(why)
    t0 = time.monotonic()
    outside_before = outside_snapshot()
    say(f"watching {len(outside_before)} numba cache files in the installed librosa package")
    scratch = Path(tempfile.mkdtemp(prefix="shotcaller-faults-"))
    rows: list[Row] = []
    load_result: tuple = (0, 0, 0, ["shared daemon did not run"])

    def guarded(name: str, run: Any) -> Any:
        try:
            return run()
        except Exception as exc:  # a case that could not finish fails; the others still run
            say(f"  {name}: {type(exc).__name__}: {exc}")
            rows.append(Row(name, problems=[f"{type(exc).__name__}: {str(exc)[:300]}"]))
            return None

    try:
        shared = guarded("1-3 shared daemon", lambda: shared_daemon_cases(model, scratch,
                                                                           args.quick))
        if shared:
            rows.extend(shared[0])
            load_result = shared[1]
        for name, case in (("4 kill -9", kill9_case), ("6 folder lock", two_daemons_case),
                           ("7 disk full", disk_full_case)):
            row = guarded(name, lambda case=case: case(model, scratch))
            if row:
                rows.append(row)
        rows.extend(guarded("5 corrupt state", lambda: corrupt_state_cases(model, scratch))
                    or [])
    finally:
        if args.keep:
            say(f"kept {scratch} (slot folders and daemon logs)")
        else:
            shutil.rmtree(scratch, ignore_errors=True)

    say("[8] writes outside the daemon's folders, render file modes")
    row = Row("8 writes outside / modes", sent=load_result[0], replies=load_result[1],
              errors=load_result[2], problems=list(load_result[3]))
    outside_after = outside_snapshot()
    for path, mtime in outside_after.items():
        if path not in outside_before:
            TALLY.outside_writes.append(f"new {path}")
        elif outside_before[path] != mtime:
            TALLY.outside_writes.append(f"modified {path}")
    for what in TALLY.outside_writes:
        row.problems.append(what)
    for what in TALLY.bad_modes:
        row.problems.append(f"not 0644: {what}")
    rows.append(row)
    rows.sort(key=lambda r: r.case[0])

    print_table(rows)
    holds = all(r.result != "FAIL" for r in rows)
    print(f"verdict: {'every case holds' if holds else 'FAILED'}: malformed datagrams "
          f"answered {TALLY.malformed_answered}/{TALLY.malformed_sent}, hangs {TALLY.hangs}, "
          f"crashes {TALLY.crashes}, renders lost {len(TALLY.renders_lost)}, writes outside "
          f"the daemon's folders {len(TALLY.outside_writes)}, files not 0644 "
          f"{len(TALLY.bad_modes)} ({time.monotonic() - t0:.0f} s)")
    return 0 if holds else 1


if __name__ == "__main__":
    sys.exit(main())
