"""Crash safety and process behaviour of the real daemon: SIGKILL mid-render then restart,
clean shutdown on SIGTERM and SIGINT, and start-up errors with exit code 2."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import soundfile as sf

from tests.conftest import REPO, DaemonProcess, OscPeer, free_udp_port

pytestmark = pytest.mark.integration


def start(model: Path, root: Path, port: int) -> DaemonProcess:
    return DaemonProcess(["--model", str(model), "--slots", str(root / "slots"),
                          "--user-presets", str(root / "presets"), "--no-midi"],
                         osc_port=port, log_path=root / "daemon.log").start()


def poll_slot(peer: OscPeer, slot: int, status: str, timeout: float = 120.0) -> list:
    deadline = time.monotonic() + timeout
    while True:
        args = peer.request("/shot/get", slot, reply="/shot/slot")
        if args[1] == status or time.monotonic() > deadline:
            return args
        time.sleep(0.3)


def test_sigkill_mid_render_loses_no_prompt_and_no_finished_render(tiny_model_dir: Path,
                                                                   tmp_path: Path) -> None:
    port = free_udp_port()
    first = start(tiny_model_dir, tmp_path, port)
    first.wait_ready()
    peer = OscPeer(("127.0.0.1", port))
    try:
        peer.send("/shot/prompt", 0, "kick drum")
        done = peer.wait_for("/shot/ready", match=lambda a: a[0] == 0)
        peer.request("/shot/set", 1, "gain", 0.7, reply="/shot/slot")
        peer.request("/shot/set", 1, "seed", 5, reply="/shot/slot")
        peer.request("/shot/set", 2, "steps", 100, reply="/shot/slot")
        peer.send("/shot/prompt", 2, "long pad render")
        peer.wait_for("/shot/progress", match=lambda a: a[0] == 2 and a[1] > 0)
        first.proc.send_signal(signal.SIGKILL)
        first.proc.wait(30)
        assert first.stop() == -signal.SIGKILL

        state = json.loads((tmp_path / "slots" / "state.json").read_text())
        assert {s["index"] for s in state["slots"]} == {0, 1, 2}

        second = start(tiny_model_dir, tmp_path, port)
        try:
            second.wait_ready()
            slot0 = peer.request("/shot/get", 0, reply="/shot/slot")
            assert slot0[1:3] == ["ready", "kick drum"] and slot0[12] == done[1]
            assert sf.info(slot0[12]).frames > 0
            slot1 = peer.request("/shot/get", 1, reply="/shot/slot")
            assert slot1[4] == 5 and slot1[11] == pytest.approx(0.7)
            # the interrupted render is queued again on start and finishes
            slot2 = poll_slot(peer, 2, "ready")
            assert slot2[1:3] == ["ready", "long pad render"] and Path(slot2[12]).is_file()
            leftovers = [p.name for p in (tmp_path / "slots").rglob("*.part")]
            assert leftovers == []
        finally:
            assert second.stop(signal.SIGINT) == 0
            assert "received SIGINT" in second.log_text()
    finally:
        peer.close()


def test_clean_shutdown_on_sigterm(tiny_model_dir: Path, tmp_path: Path) -> None:
    port = free_udp_port()
    proc = start(tiny_model_dir, tmp_path, port)
    proc.wait_ready()
    assert proc.stop(signal.SIGTERM) == 0
    log = proc.log_text()
    assert "received SIGTERM" in log and log.rstrip().endswith("stopped")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", port))  # the port was released


def serve(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "server.daemon", "serve", "--no-midi", *args],
                          cwd=REPO, capture_output=True, text=True, timeout=120)


def test_missing_model_folder_fails_with_a_clear_message(tmp_path: Path) -> None:
    run = serve("--model", str(tmp_path / "nope"), "--slots", str(tmp_path / "slots"),
                "--osc-port", str(free_udp_port()))
    assert run.returncode == 2
    assert f"model folder {tmp_path / 'nope'} not found" in run.stderr


def test_busy_port_fails_with_a_clear_message(tiny_model_dir: Path, tmp_path: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as taken:
        taken.bind(("127.0.0.1", 0))
        port = taken.getsockname()[1]
        run = serve("--model", str(tiny_model_dir), "--slots", str(tmp_path / "slots"),
                    "--osc-port", str(port))
    assert run.returncode == 2 and f"cannot listen on 127.0.0.1:{port}" in run.stderr


@pytest.mark.parametrize(("text", "fragment"), [
    ("osc_port = 'nine'", "expected int"),
    ("osc_prot = 9000", "unknown key 'osc_prot'"),
    ("device = 'tpu'", "must be one of auto, cpu, cuda, mps"),
    ("osc_port = [", "invalid TOML"),
])
def test_bad_config_file_fails_with_a_clear_message(tmp_path: Path, text: str,
                                                    fragment: str) -> None:
    cfg = tmp_path / "bad.toml"
    cfg.write_text(text + "\n")
    run = serve("--config", str(cfg))
    assert run.returncode == 2 and fragment in run.stderr, run.stderr


def test_a_render_says_what_library_sample_to_credit_across_a_restart(tiny_model_dir: Path,
                                                                      tmp_path: Path) -> None:
    port = free_udp_port()
    first = start(tiny_model_dir, tmp_path, port)
    first.wait_ready()
    peer = OscPeer(("127.0.0.1", port))
    kit = "Audiophob by audiophob, CC0"  # the tiny library's kick (server/diffusion/factory.py)
    try:
        assert peer.request("/shot/credit", 0, reply="/shot/credit") == [0, ""]  # empty slot
        peer.request("/shot/set", 0, "strength", 0.3, reply="/shot/slot")
        peer.send("/shot/prompt", 0, "kick drum")
        peer.wait_for("/shot/ready", match=lambda a: a[0] == 0)
        assert peer.request("/shot/credit", 0, reply="/shot/credit") == [0, kit]
        peer.send("/shot/vary", 0)  # a variation owes what its source owed
        peer.wait_for("/shot/ready", match=lambda a: a[0] == 0)
        assert peer.request("/shot/credit", 0, reply="/shot/credit") == [0, kit]
        peer.request("/shot/set", 1, "strength", 1.0, reply="/shot/slot")
        peer.send("/shot/prompt", 1, "kick drum")  # pure generation: no one sample seeded it
        peer.wait_for("/shot/ready", match=lambda a: a[0] == 1)
        assert peer.request("/shot/credit", 1, reply="/shot/credit") == [1, ""]
        assert first.stop(signal.SIGTERM) == 0
        second = start(tiny_model_dir, tmp_path, port)
        try:
            second.wait_ready()
            assert peer.request("/shot/credit", 0, reply="/shot/credit") == [0, kit]
            assert "slot" in peer.error_for("/shot/credit", 99)
        finally:
            assert second.stop(signal.SIGINT) == 0
    finally:
        peer.close()
