"""Faults a hostile or clumsy user causes, against real daemon processes over real UDP.

Each test is the regression test of one defect of issue #20: datagrams that hung the receive
loop or misled it, a corrupt state file that deleted every render, a full disk (a real small
tmpfs, mounted as root), two daemons on one folder, state files of the wrong shape, log
forgery, a fader that starved notes, renders written 0600, a numba cache written next to the
installed packages, superseded renders left on disk and their senders left waiting.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.daemon.state import StateStore
from tests.conftest import REPO, DaemonProcess, OscPeer, drums_daemon, free_udp_port
from tests.test_osc_framing import MALFORMED, mutated

pytestmark = pytest.mark.integration

RATE = 44100


@pytest.fixture(scope="module")
def daemon(tiny_model_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    with drums_daemon(tiny_model_dir, tmp_path_factory.mktemp("daemon_faults"),
                      rate=RATE) as proc:
        yield proc


def assert_alive(peer: OscPeer, timeout: float = 5.0) -> None:
    assert peer.request("/shot/ping", reply="/shot/pong", timeout=timeout)[2] == "ready"


def renders(root: Path) -> set[str]:
    return {p.name for p in (root / "slots" / "renders").glob("*.wav")}


def contents(root: Path) -> dict[str, str]:
    """Render file name → hash of its bytes."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in (root / "slots" / "renders").glob("*.wav")}


def render(peer: OscPeer, slot: int, prompt: str) -> list:
    peer.send("/shot/prompt", slot, prompt)
    return peer.wait_for("/shot/ready", match=lambda a: a[0] == slot)


def start(model: Path, root: Path, *extra: str) -> DaemonProcess:
    return DaemonProcess(["--model", str(model), "--slots", str(root / "slots"),
                          "--user-presets", str(root / "presets"), "--no-midi", *extra],
                         osc_port=free_udp_port(), log_path=root / "daemon.log").start()


# -- datagrams -------------------------------------------------------------------------------
def test_every_malformed_datagram_gets_one_error_and_the_loop_goes_on(peer: OscPeer,
                                                                      daemon) -> None:
    before = daemon.log_text().count("\n")
    for data, _ in MALFORMED.values():
        peer.send_raw(data)
        assert_alive(peer, timeout=2.0)  # the negative bundle size used to hang it for good
    got = [a for a in peer.seen if a[0] == "/shot/error"]
    assert len(got) == len(MALFORMED), got
    assert all(a[1][1].startswith("malformed OSC packet") for a in got)
    new_lines = daemon.log_text().splitlines()[before:]
    assert len([line for line in new_lines if "malformed" in line]) == len(MALFORMED)
    assert not any(line.startswith("\x1b") or "\x1b[31m" in line for line in new_lines)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.one_of(st.binary(max_size=256), mutated()))
def test_fuzzed_datagrams_never_stop_the_daemon(peer: OscPeer, daemon, data: bytes) -> None:
    peer.send_raw(data)
    assert_alive(peer, timeout=5.0)


def test_after_fuzzing_the_state_file_still_loads(daemon) -> None:
    assert daemon.alive()
    loaded = StateStore(daemon.root / "slots" / "state.json").load()
    assert loaded.clean and loaded.data is not None
    assert "Traceback" not in daemon.log_text()


def test_error_floods_are_rate_limited_and_the_daemon_answers(peer: OscPeer) -> None:
    for _ in range(600):
        peer.send_raw(b"junk")
    peer.drain(0.5)
    errors = [a for a in peer.seen if a[0] == "/shot/error"]
    assert 200 <= len(errors) < 600
    assert_alive(peer)


def test_replies_of_more_than_one_datagram_are_paged(peer: OscPeer, daemon) -> None:
    user = daemon.root / "user_presets"
    user.mkdir(exist_ok=True)
    for n in range(300):
        (user / f"kit {n:03d}.toml").write_text(f'name = "kit {n:03d}"\n')
    page, pages, *names = peer.request("/shot/preset/list", reply="/shot/preset/list")
    assert (page, pages, len(names)) == (0, 5, 64)
    last = peer.request("/shot/preset/list", 4, reply="/shot/preset/list")
    assert last[:2] == [4, 5] and 0 < len(last[2:]) <= 64
    assert "out of range" in peer.error_for("/shot/preset/list", 5)
    # a limit on presets created over OSC; overwriting one is still allowed
    full = peer.error_for("/shot/preset/save", "one more")  # fuzzing may have saved some too
    assert re.search(r"holds (\d+) presets", full) and int(re.search(r"holds (\d+)",
                                                                     full)[1]) >= 300, full
    assert peer.request("/shot/preset/save", "kit 007", reply="/shot/preset/saved")[0] == \
        "kit 007"
    shutil.rmtree(user)


# -- state changes ---------------------------------------------------------------------------
def test_a_fader_is_answered_and_memory_agrees_with_disk(peer: OscPeer, daemon) -> None:
    gains = [round(0.001 * n, 3) for n in range(1, 401)]
    t0 = time.monotonic()
    for n, gain in enumerate(gains):
        peer.send("/shot/set", 5, "gain", gain)
        time.sleep(max(0.0, t0 + (n + 1) / 400 - time.monotonic()))  # 400 messages a second
    answered = 0
    deadline = time.monotonic() + 30
    while answered < len(gains) and time.monotonic() < deadline:
        item = peer.recv(1.0)
        answered += bool(item and item[0] == "/shot/slot" and item[1][0] == 5)
    assert answered == len(gains)
    assert peer.request("/shot/get", 5, reply="/shot/slot")[11] == pytest.approx(0.4)
    state = json.loads((daemon.root / "slots" / "state.json").read_text())
    (slot5,) = [s for s in state["slots"] if s["index"] == 5]
    assert slot5["params"]["gain"] == pytest.approx(0.4)


def test_an_acknowledged_change_survives_kill_9(tiny_model_dir: Path, tmp_path: Path) -> None:
    proc = start(tiny_model_dir, tmp_path)
    peer = OscPeer(("127.0.0.1", proc.osc_port))
    try:
        proc.wait_ready()
        assert peer.request("/shot/set", 3, "gain", 0.25, reply="/shot/slot")[11] == 0.25
        proc.proc.send_signal(signal.SIGKILL)  # right after the reply
        proc.stop()
        proc = start(tiny_model_dir, tmp_path)
        peer.target = ("127.0.0.1", proc.osc_port)
        proc.wait_ready()
        assert peer.request("/shot/get", 3, reply="/shot/slot")[11] == 0.25
    finally:
        peer.close()
        proc.stop()


def test_a_superseded_sender_hears_cancelled_and_the_file_goes(peer: OscPeer, daemon) -> None:
    other = OscPeer(("127.0.0.1", daemon.osc_port))
    try:
        peer.request("/shot/set", 9, "steps", 200, reply="/shot/slot")
        peer.send("/shot/prompt", 9, "long bell")
        peer.wait_for("/shot/progress", match=lambda a: a[0] == 9 and a[1] > 0)
        other.request("/shot/set", 9, "steps", 2, reply="/shot/slot")
        other.send("/shot/prompt", 9, "short kick")
        assert peer.wait_for("/shot/cancelled", timeout=30) == [9]
        ready = other.wait_for("/shot/ready", match=lambda a: a[0] == 9)
        time.sleep(0.5)
        assert sorted(p for p in renders(daemon.root) if p.startswith("slot09")) == \
            [Path(ready[1]).name]
    finally:
        other.close()


def test_renders_are_readable_by_other_users(peer: OscPeer) -> None:
    ready = render(peer, 4, "hand clap")
    mode = stat.S_IMODE(os.stat(ready[1]).st_mode)
    assert mode == 0o666 & ~_umask()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_pitch_detection_caches_inside_the_daemon_folder(peer: OscPeer, daemon) -> None:
    import librosa

    package = Path(librosa.__file__).parent

    def cache_files() -> dict[Path, float]:
        return {p: p.stat().st_mtime for p in package.rglob("*.nb[ic]")}

    before = cache_files()
    t = np.arange(RATE) / RATE
    sf.write(daemon.root / "slots" / "import" / "a440.wav",
             (0.5 * np.sin(2 * math.pi * 440 * t)).astype(np.float32), RATE)
    peer.send("/shot/load", 10, "a440.wav")  # no root: pYIN (numba) detects it
    ready = peer.wait_for("/shot/ready", match=lambda a: a[0] == 10, timeout=180)
    assert abs(ready[2] - 69) < 0.5
    assert cache_files() == before
    assert list((daemon.root / "slots" / "cache" / "numba").rglob("*.nbi"))


def test_render_threads_run_at_a_lower_priority(daemon) -> None:
    nice = {}
    for task in Path(f"/proc/{daemon.proc.pid}/task").iterdir():
        fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
        nice[int(task.name)] = int(fields[16])  # field 19 of stat: nice
    assert nice[daemon.proc.pid] == 0  # the main thread (and the OSC receive thread)
    assert 10 in nice.values()


def test_daemon_survived_everything(peer: OscPeer, daemon) -> None:
    assert daemon.alive()
    assert_alive(peer)
    assert "Traceback" not in daemon.log_text()


# -- the state file --------------------------------------------------------------------------
def test_a_corrupt_state_file_loses_no_render(tiny_model_dir: Path, tmp_path: Path) -> None:
    state = tmp_path / "slots" / "state.json"
    proc = start(tiny_model_dir, tmp_path)
    peer = OscPeer(("127.0.0.1", proc.osc_port))
    try:
        proc.wait_ready()
        for slot in (0, 1):
            render(peer, slot, "kick drum")
        peer.request("/shot/set", 2, "gain", 0.5, reply="/shot/slot")  # rotates a backup
        proc.stop()
        kept = contents(tmp_path)
        assert len(kept) == 2
        for attempt in (1, 2):
            state.write_text("{not json")
            proc = start(tiny_model_dir, tmp_path)
            peer.target = ("127.0.0.1", proc.osc_port)
            proc.wait_ready()
            render(peer, 0, "kick drum again")  # a new render must not reuse an old file name
            now = contents(tmp_path)
            assert {name: now[name] for name in kept} == kept  # nothing deleted or overwritten
            kept = now
            quarantined = sorted(state.parent.glob("state.json.corrupt-*"))
            assert len(quarantined) == attempt  # the first copy is never overwritten
            assert all(q.read_text() == "{not json" for q in quarantined)
            assert "state.json" in proc.log_text() and "not valid JSON" in proc.log_text()
            assert "backup" in proc.log_text()
            # the newest good backup was loaded: the slots rendered before are back
            assert peer.request("/shot/get", 0, reply="/shot/slot")[1] == "ready"
            proc.stop()
            time.sleep(1.1)  # quarantine names carry the second
    finally:
        peer.close()
        proc.stop()


@pytest.mark.parametrize(("content", "problem"), [
    (b'{"slots": "x"}', "slots is a string, not a list"),
    (b'{"slots": [{"index": 0, "params": {"steps": "many"}}]}', "steps: expected an int"),
    (b'{"slots": [{"index": 0, "params": {"seed": true}}]}', "seed: expected an int"),
    (b"\xff\xfe{", "not UTF-8"),
    (b"[1, 2]", "top level is a list"),
])
def test_a_state_file_of_the_wrong_shape_names_the_file_and_problem(
        tiny_model_dir: Path, tmp_path: Path, content: bytes, problem: str) -> None:
    (tmp_path / "slots").mkdir()
    (tmp_path / "slots" / "state.json").write_bytes(content)
    proc = start(tiny_model_dir, tmp_path)
    peer = OscPeer(("127.0.0.1", proc.osc_port))
    try:
        proc.wait_ready()
        args = peer.request("/shot/get", 0, reply="/shot/slot")
        assert args[1] == "empty" and args[5] == 12  # defaults, not "many"
        log = proc.log_text()
        assert str(tmp_path / "slots" / "state.json") in log and problem in log, log[-2000:]
    finally:
        peer.close()
        assert proc.stop() == 0


def test_a_second_daemon_on_the_same_folder_exits_2(tiny_model_dir: Path,
                                                    tmp_path: Path) -> None:
    first = start(tiny_model_dir, tmp_path)
    peer = OscPeer(("127.0.0.1", first.osc_port))
    try:
        first.wait_ready()
        render(peer, 0, "snare")
        kept = renders(tmp_path)
        second = subprocess.run(
            [sys.executable, "-m", "server.daemon", "serve", "--model", str(tiny_model_dir),
             "--slots", str(tmp_path / "slots"), "--no-midi", "--osc-port",
             str(free_udp_port())], cwd=REPO, capture_output=True, text=True, timeout=120)
        assert second.returncode == 2
        assert str(tmp_path / "slots") in second.stderr
        assert f"pid {first.proc.pid}" in second.stderr
        assert_alive(peer)
        assert renders(tmp_path) == kept
    finally:
        peer.close()
        assert first.stop() == 0


# -- a full disk -----------------------------------------------------------------------------
@pytest.fixture
def small_disk(tmp_path: Path):
    """A real 16 MB tmpfs (mounting needs root, which CI has)."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root (CI runs as root)")
    mount = tmp_path / "disk"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(mount)], check=True)
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(folder: Path) -> Path:
    filler = folder / "filler"
    with open(filler, "wb") as handle:
        try:
            while True:
                handle.write(b"\0" * (1 << 16))
                handle.flush()
        except OSError:
            pass
    return filler


def test_a_full_disk_is_answered_and_changes_nothing(tiny_model_dir: Path, tmp_path: Path,
                                                     small_disk: Path) -> None:
    proc = DaemonProcess(["--model", str(tiny_model_dir), "--slots", str(small_disk / "slots"),
                          "--user-presets", str(tmp_path / "presets"), "--no-midi"],
                         osc_port=free_udp_port(), log_path=tmp_path / "daemon.log").start()
    peer = OscPeer(("127.0.0.1", proc.osc_port))
    try:
        proc.wait_ready()
        render(peer, 0, "kick drum")
        before = {p.name for p in (small_disk / "slots" / "renders").glob("*.wav")}
        filler = fill(small_disk)
        full = "No space left on device"
        for address, args in (("/shot/set", (0, "gain", 0.5)), ("/shot/note", (36, 100)),
                              ("/shot/prompt", (1, "snare")), ("/shot/keymap", ("chromatic", 0)),
                              ("/shot/render", (0,))):
            message = peer.error_for(address, *args)
            assert full in message and str(small_disk) in message, (address, message)
        assert peer.request("/shot/get", 0, reply="/shot/slot")[11] == 1.0  # memory: unchanged
        state = json.loads((small_disk / "slots" / "state.json").read_text())
        assert all(s["params"]["gain"] == 1.0 for s in state["slots"])  # disk: unchanged
        assert {p.name for p in (small_disk / "slots" / "renders").glob("*.wav")} == before
        # no half-written files: a failed render's own state write may still be under way
        # (it is refused too, and takes its temporary file with it)
        deadline = time.monotonic() + 5.0
        while list((small_disk / "slots").rglob("*.part")) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not list((small_disk / "slots").rglob("*.part"))
        filler.unlink()
        assert peer.request("/shot/set", 0, "gain", 0.5, reply="/shot/slot")[11] == 0.5
        assert peer.request("/shot/note", 36, 100, reply="/shot/note/ready")[0] == 36
    finally:
        peer.close()
        assert proc.stop() == 0


# -- renders a front end took ----------------------------------------------------------------
def test_a_taken_render_outlives_re_renders_restarts_and_clean_up(tiny_model_dir: Path,
                                                                  tmp_path: Path) -> None:
    proc = start(tiny_model_dir, tmp_path)
    peer = OscPeer(("127.0.0.1", proc.osc_port))
    slots = tmp_path / "slots"

    def taken_cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "server.cli", "taken", "--slots",
                               str(slots), *args], cwd=REPO, capture_output=True, text=True,
                              timeout=60)

    try:
        proc.wait_ready()
        kept = render(peer, 0, "kick drum")[1]
        assert peer.request("/shot/take", 0, kept, reply="/shot/taken") == [0, kept]
        assert "not a render" in peer.error_for("/shot/take", 0, "/etc/passwd")
        assert "not a render of slot 1" in peer.error_for("/shot/take", 1, kept)
        for n in range(3):
            last = render(peer, 0, f"kick drum {n}")[1]
        time.sleep(0.3)
        assert sorted(renders(tmp_path)) == sorted({Path(kept).name, Path(last).name})
        busy = taken_cli()
        assert busy.returncode == 2 and "in use" in busy.stderr
        proc.stop()
        proc = start(tiny_model_dir, tmp_path)  # the start-up clean-up keeps it too
        proc.wait_ready()
        assert Path(kept).is_file()
        proc.stop()
        listed = taken_cli()
        assert listed.returncode == 0 and Path(kept).name in listed.stdout, listed
        deleted = taken_cli("--delete")
        assert deleted.returncode == 0 and "1 deleted" in deleted.stdout, deleted
        assert not Path(kept).exists() and Path(last).is_file()
        assert json.loads((slots / "state.json").read_text())["taken"] == []
    finally:
        peer.close()
        proc.stop()
