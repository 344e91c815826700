"""Shared by the daemon benchmarks: pick a model, start ``shotcaller serve``, talk OSC, read RSS.

Not a benchmark itself. The benches import it as ``from daemon_harness import ...`` (they put
their own folder on ``sys.path``).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from pythonosc.osc_message_builder import OscMessageBuilder
from pythonosc.osc_packet import OscPacket

REPO = Path(__file__).resolve().parents[1]
SHIPPED_MODEL = REPO / "models" / "shotcaller-small"


def pick_model(requested: str | None) -> tuple[Path, str]:
    """The model folder to use and a line saying which one and why."""
    if requested:
        return Path(requested), f"model: {requested} (--model)"
    if (SHIPPED_MODEL / "model_index.json").is_file():
        return SHIPPED_MODEL, f"model: {SHIPPED_MODEL} (shipped)"
    sys.path.insert(0, str(REPO))
    from server.diffusion.tiny import make_tiny_pipeline

    out = Path(tempfile.mkdtemp(prefix="shotcaller-bench-")) / "tiny"
    make_tiny_pipeline(out)
    return out, f"model: tiny random-weight pipeline in {out} ({SHIPPED_MODEL} is missing)"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def message(address: str, *args: Any) -> bytes:
    builder = OscMessageBuilder(address=address)
    for value in args:
        builder.add_arg(value)
    return builder.build().dgram


class Peer:
    """UDP socket bound to ``port`` (0: any) with a large receive buffer."""

    def __init__(self, daemon_port: int, port: int = 0) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        for opt in (getattr(socket, "SO_RCVBUFFORCE", 33 if sys.platform == "linux" else None),
                    socket.SO_RCVBUF):
            if opt is None:
                continue
            try:
                self.sock.setsockopt(socket.SOL_SOCKET, opt, 32 << 20)
                break
            except OSError:
                continue
        self.sock.bind(("127.0.0.1", port))
        self.port = self.sock.getsockname()[1]
        self.target = ("127.0.0.1", daemon_port)

    def send(self, address: str, *args: Any) -> None:
        self.sock.sendto(message(address, *args), self.target)

    def recv(self, timeout: float) -> tuple[str, list[Any]] | None:
        self.sock.settimeout(timeout)
        try:
            data, _ = self.sock.recvfrom(65536)
        except (TimeoutError, ConnectionRefusedError):
            return None
        msg = OscPacket(data).messages[0].message
        return msg.address, list(msg.params)

    def wait_for(self, address: str, timeout: float = 120.0, match: Any = None) -> list[Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            item = self.recv(max(1e-3, deadline - time.monotonic()))
            if item is None:
                continue
            if item[0] == "/shot/error":
                raise RuntimeError(f"daemon error: {item[1]}")
            if item[0] == address and (match is None or match(item[1])):
                return item[1]
        raise TimeoutError(f"no {address} within {timeout} s")


class Daemon:
    def __init__(self, model: Path, *extra: str, reply_port: int | None = None,
                 env: dict[str, str] | None = None) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="shotcaller-bench-slots-"))
        self.port = free_port()
        self.reply_port = reply_port
        self.log_path = self.root / "daemon.log"
        cmd = [sys.executable, "-m", "server.daemon", "serve", "--model", str(model),
               "--slots", str(self.root / "slots"), "--user-presets", str(self.root / "p"),
               "--osc-port", str(self.port), *extra]
        if reply_port:
            cmd += ["--reply-port", str(reply_port)]
        self.started = time.perf_counter()
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(cmd, cwd=REPO, stdout=self._log, stderr=subprocess.STDOUT,
                                     env={**os.environ, **(env or {})})

    def wait_ready(self, peer: Peer, timeout: float = 300.0) -> float:
        """Seconds from spawn to the first ``/shot/pong ... ready``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"daemon exited:\n{self.log_path.read_text()[-2000:]}")
            peer.send("/shot/ping")
            item = peer.recv(0.05)
            if item and item[0] == "/shot/pong" and item[1][2] == "ready":
                return time.perf_counter() - self.started
            if item:  # answered "loading": don't flood the daemon while it loads
                time.sleep(0.05)
        raise TimeoutError("daemon not ready")

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def stop(self) -> str:
        self.proc.terminate()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._log.close()
        log = self.log_path.read_text(errors="replace")
        shutil.rmtree(self.root, ignore_errors=True)
        return log


def percentiles(values_s: list[float]) -> str:
    import numpy as np

    ms = np.asarray(values_s) * 1000
    return (f"p50 {np.percentile(ms, 50):.2f} ms  p99 {np.percentile(ms, 99):.2f} ms  "
            f"max {ms.max():.2f} ms  (n={len(ms)})")
