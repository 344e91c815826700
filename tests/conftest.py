"""Shared fixtures: a tiny saved model, a JACK server, real OSC peers and daemon processes.

Everything here is real: a random-weight model folder written by ``make_tiny_pipeline``, a
``jackd`` dummy-driver server (reused when one is running, else started for the session), UDP
sockets and ``shotcaller serve`` child processes.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from pythonosc.osc_message_builder import OscMessageBuilder
from pythonosc.osc_packet import OscPacket, ParseError

REPO = Path(__file__).resolve().parents[1]

# Generous: the test machine may be busy training models.
READY_TIMEOUT_S = 180.0
REPLY_TIMEOUT_S = 60.0


#: daemon ports come from below Linux's ephemeral range (32768-60999): a port the kernel hands
#: out there can be taken by any client socket bound to port 0 before the daemon binds it
DAEMON_PORTS = range(20000, 32000)


def free_udp_port() -> int:
    """A UDP port nobody is bound to right now, outside the ephemeral range."""
    import random

    for port in random.sample(DAEMON_PORTS, 200):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free UDP port in 20000-32000")


def osc_message(address: str, *args: Any) -> bytes:
    """Encode an OSC message; ints → i, floats → f, str → s, bytes → b."""
    builder = OscMessageBuilder(address=address)
    for value in args:
        builder.add_arg(value)
    return builder.build().dgram


class OscPeer:
    """A UDP OSC endpoint: sends to ``target`` and collects whatever arrives on its port."""

    def __init__(self, target: tuple[str, int] | None = None, port: int = 0) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
        self.sock.bind(("127.0.0.1", port))
        self.port = self.sock.getsockname()[1]
        self.target = target
        self.seen: list[tuple[str, list[Any]]] = []

    def send(self, address: str, *args: Any) -> None:
        self.sock.sendto(osc_message(address, *args), self.target)

    def send_raw(self, data: bytes) -> None:
        self.sock.sendto(data, self.target)

    def recv(self, timeout: float) -> tuple[str, list[Any]] | None:
        self.sock.settimeout(max(timeout, 1e-4))
        try:
            data, _ = self.sock.recvfrom(65536)
        except (TimeoutError, ConnectionRefusedError):
            return None
        try:
            packet = OscPacket(data)
        except ParseError:
            return ("#unparseable", [data])
        msg = packet.messages[0].message
        item = (msg.address, list(msg.params))
        self.seen.append(item)
        return item

    def wait_for(self, address: str, timeout: float = REPLY_TIMEOUT_S,
                 match: Any = None) -> list[Any]:
        """Receive until ``address`` arrives (and ``match(args)`` holds); return its args."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                recent = self.seen[-10:]
                raise AssertionError(f"no {address} within {timeout} s; last seen: {recent}")
            item = self.recv(remaining)
            if item and item[0] == address and (match is None or match(item[1])):
                return item[1]

    def request(self, address: str, *args: Any, reply: str,
                timeout: float = REPLY_TIMEOUT_S) -> list[Any]:
        self.send(address, *args)
        return self.wait_for(reply, timeout)

    def error_for(self, address: str, *args: Any, timeout: float = REPLY_TIMEOUT_S) -> str:
        """Send and return the message of the /shot/error that names ``address``."""
        self.send(address, *args)
        got = self.wait_for("/shot/error", timeout, match=lambda a: a[0] == address)
        return got[1]

    def drain(self, quiet_s: float = 0.2) -> list[tuple[str, list[Any]]]:
        out = []
        while (item := self.recv(quiet_s)) is not None:
            out.append(item)
        return out

    def close(self) -> None:
        self.sock.close()


class DaemonProcess:
    """``python -m server.cli serve ARGS`` as a child process with its log in a file."""

    def __init__(self, args: list[str], *, osc_port: int, log_path: Path,
                 reply_port: int | None = None, env: dict[str, str] | None = None) -> None:
        self.args = args
        self.osc_port = osc_port
        self.reply_port = reply_port
        self.log_path = log_path
        self.env = {**os.environ, **(env or {})}
        self.proc: subprocess.Popen | None = None

    def start(self) -> DaemonProcess:
        self._log = open(self.log_path, "ab")
        cmd = [sys.executable, "-m", "server.daemon", "serve", "--osc-port", str(self.osc_port),
               *(["--reply-port", str(self.reply_port)] if self.reply_port else []), *self.args]
        self.proc = subprocess.Popen(cmd, cwd=REPO, env=self.env, stdout=self._log,
                                     stderr=subprocess.STDOUT)
        return self

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def wait_ready(self, timeout: float = READY_TIMEOUT_S) -> list[Any]:
        """Ping until ``/shot/pong`` says ready; returns the pong's arguments."""
        listener = OscPeer(("127.0.0.1", self.osc_port), port=self.reply_port or 0)
        try:
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                if not self.alive():
                    raise AssertionError(f"daemon exited ({self.proc.returncode}):\n"
                                         f"{self.log_text()[-3000:]}")
                listener.send("/shot/ping")
                item = listener.recv(0.5)
                while item is not None:
                    if item[0] == "/shot/pong" and item[1][2] == "ready":
                        return item[1]
                    item = listener.recv(0.1)  # "loading": ask again in a moment
            raise AssertionError(f"daemon not ready in {timeout} s:\n{self.log_text()[-3000:]}")
        finally:
            listener.close()

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30.0) -> int:
        if self.proc is None:
            return 0
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self._log.close()
        return self.proc.returncode


@contextmanager
def drums_daemon(model_dir: Path, root: Path, *, rate: int) -> Iterator[DaemonProcess]:
    """A ready daemon (drums keymap, no MIDI) with its folders under ``root``; on leaving,
    it must stop cleanly (exit code 0)."""
    proc = DaemonProcess(
        ["--model", str(model_dir), "--slots", str(root / "slots"),
         "--user-presets", str(root / "user_presets"), "--no-midi", "--rate", str(rate),
         "--keymap", "drums"],
        osc_port=free_udp_port(), log_path=root / "daemon.log").start()
    try:
        proc.wait_ready()
        proc.root = root
        yield proc
    finally:
        code = proc.stop()
        assert code == 0, f"daemon exit code {code}:\n{proc.log_text()[-3000:]}"


@pytest.fixture
def peer(daemon: DaemonProcess) -> Iterator[OscPeer]:
    """An OSC peer talking to the test module's ``daemon`` fixture."""
    p = OscPeer(("127.0.0.1", daemon.osc_port))
    yield p
    p.close()


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A saved random-weight Shotcaller pipeline (server.diffusion.tiny)."""
    from server.diffusion.tiny import make_tiny_pipeline

    return Path(make_tiny_pipeline(tmp_path_factory.mktemp("model") / "tiny"))


@pytest.fixture(scope="session")
def jack_server() -> Iterator[dict[str, str]]:
    """Environment variables for a running JACK server (dummy driver).

    Reuses the server named by ``$JACK_DEFAULT_SERVER`` (or ``default``) when one is running,
    else starts ``jackd -n shotcaller_test --no-realtime -d dummy -r 48000`` for the session.
    Skips only when ``jackd`` is not installed.
    """
    from bridge.midi_in import jack_server_running

    if jack_server_running():
        yield {"JACK_DEFAULT_SERVER": os.environ.get("JACK_DEFAULT_SERVER", "default"),
               "JACK_NO_START_SERVER": "1"}
        return
    jackd = shutil.which("jackd")
    if jackd is None:
        pytest.skip("jackd not installed (apt-get install jackd2): no MIDI ports to test with")
    name = "shotcaller_test"
    env = {"JACK_DEFAULT_SERVER": name, "JACK_NO_START_SERVER": "1"}
    proc = subprocess.Popen([jackd, "-n", name, "--no-realtime", "-d", "dummy", "-r", "48000"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, **env})
    old = os.environ.get("JACK_DEFAULT_SERVER")
    os.environ["JACK_DEFAULT_SERVER"] = name
    try:
        deadline = time.monotonic() + 20
        while not jack_server_running():
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"jackd -n {name} did not start (exit {proc.poll()})")
            time.sleep(0.1)
        yield env
    finally:
        if old is None:
            os.environ.pop("JACK_DEFAULT_SERVER", None)
        else:
            os.environ["JACK_DEFAULT_SERVER"] = old
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def require_tool(name: str, package: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} not installed (apt-get install {package})")
    return path
