"""Many front ends, one daemon: each instance's own bank of slots, over real UDP sockets.

Each peer here stands for one Max device or plugin instance: its own socket, its own bank
(``/shot/bank/open``), every command in a bundle that starts with ``/shot/bank NAME``. One
daemon (tiny random-weight model, drums keymap) serves the module; the last tests restart it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile as sf
from pythonosc.osc_bundle_builder import IMMEDIATELY, OscBundleBuilder
from pythonosc.osc_message import OscMessage

from tests.conftest import REPO, OscPeer, drums_daemon, osc_message

pytestmark = pytest.mark.integration

RATE = 48000


class BankPeer(OscPeer):
    """A front-end instance: every message goes in a bundle headed by ``/shot/bank NAME``."""

    def __init__(self, target: tuple[str, int], bank: str) -> None:
        super().__init__(target)
        self.bank = bank

    def open(self) -> str:
        """``/shot/bank/open`` on its own (as the front ends send it), not in a bank bundle."""
        OscPeer.send(self, "/shot/bank/open", self.bank)
        self.bank = self.wait_for("/shot/bank/opened")[0]
        return self.bank

    def send(self, address: str, *args: Any) -> None:
        bundle = OscBundleBuilder(IMMEDIATELY)
        bundle.add_content(OscMessage(osc_message("/shot/bank", self.bank)))
        bundle.add_content(OscMessage(osc_message(address, *args)))
        self.send_raw(bundle.build().dgram)

    def render(self, slot: int, prompt: str) -> list:
        self.send("/shot/prompt", slot, prompt)
        return self.wait_for("/shot/ready", match=lambda a: a[0] == slot)

    def slot(self, slot: int) -> list:
        return self.request("/shot/get", slot, reply="/shot/slot")


@pytest.fixture(scope="module")
def daemon(tiny_model_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    with drums_daemon(tiny_model_dir, tmp_path_factory.mktemp("daemon_banks"), rate=RATE) as proc:
        yield proc


@pytest.fixture
def target(daemon) -> tuple[str, int]:
    return ("127.0.0.1", daemon.osc_port)


def test_two_instances_get_their_own_slots_and_only_their_own_replies(target) -> None:
    a, b, main = BankPeer(target, "live-a"), BankPeer(target, "plugin-b"), OscPeer(target)
    try:
        assert (a.open(), b.open()) == ("live-a", "plugin-b")
        ready_a = a.render(0, "kick drum")
        ready_b = b.render(0, "glassy bell pluck")
        assert ready_a[0] == ready_b[0] == 0  # each in its own bank's numbers
        assert ready_a[1] != ready_b[1] and Path(ready_a[1]).is_file()
        assert Path(ready_b[1]).is_file()
        # Each socket heard its own render only, never the other's.
        assert all(args[1] != ready_b[1] for addr, args in a.seen if addr == "/shot/ready")
        assert all(args[1] != ready_a[1] for addr, args in b.seen if addr == "/shot/ready")
        assert a.slot(0)[2] == "kick drum" and b.slot(0)[2] == "glassy bell pluck"
        # A controller that names no bank speaks of main, which neither render touched.
        assert main.request("/shot/get", 0, reply="/shot/slot")[2] != "kick drum"
        a.send("/shot/state")
        a.wait_for("/shot/state/done")
        prompts = [args[2] for addr, args in a.seen if addr == "/shot/slot"]
        assert "kick drum" in prompts and "glassy bell pluck" not in prompts
    finally:
        a.close(), b.close(), main.close()


def test_notes_play_the_bank_s_own_keymap(target) -> None:
    a, main = BankPeer(target, "keys-a"), OscPeer(target)
    try:
        a.open()
        ready = a.render(2, "warm rhodes note")
        assert a.request("/shot/keymap", "chromatic", 2, reply="/shot/keymap") == ["chromatic", 2]
        played = a.request("/shot/note", 70, 100, reply="/shot/note/ready")
        assert played[0] == 70 and played[2] == 2
        assert Path(played[1]).is_file() and played[1] != ready[1]
        # main keeps its drums keymap: note 70 is not mapped there
        assert "not mapped" in main.error_for("/shot/note", 70, 100)
    finally:
        a.close(), main.close()


def test_a_refused_bank_drops_the_rest_of_its_bundle(target) -> None:
    bad, main = BankPeer(target, "../etc"), OscPeer(target)
    try:
        before = main.request("/shot/get", 5, reply="/shot/slot")[2]
        bad.send("/shot/prompt", 5, "should not land in main")
        assert "name" in bad.wait_for("/shot/error", match=lambda a: a[0] == "/shot/bank")[1]
        assert bad.drain(0.5) == []  # no /shot/progress: the prompt was dropped
        assert main.request("/shot/get", 5, reply="/shot/slot")[2] == before
    finally:
        bad.close(), main.close()


def test_a_duplicated_instance_gets_a_copy_with_sounds_of_its_own(target) -> None:
    original, copy = BankPeer(target, "track-1"), BankPeer(target, "track-1")
    try:
        original.open()
        first = original.render(4, "dusty vinyl snare")
        original.request("/shot/ping", reply="/shot/pong")  # holds the bank
        assert copy.open() == "track-1-2"  # Live duplicated the track: same stored name
        got = copy.slot(4)
        assert got[2] == "dusty vinyl snare" and got[12] != first[1]
        assert np.array_equal(sf.read(got[12])[0], sf.read(first[1])[0])
        again = copy.render(4, "dusty vinyl snare")  # re-rendering the copy ...
        assert Path(first[1]).is_file()  # ... leaves the original's sound alone
        assert not Path(got[12]).exists() and Path(again[1]).is_file()
        # Once the original instance is gone, opening its name gives that bank back.
        original.send("/shot/bank/close", "track-1")
        third = BankPeer(target, "track-1")
        try:
            assert third.open() == "track-1"
            assert third.slot(4)[12] == first[1]
        finally:
            third.close()
    finally:
        original.close(), copy.close()


def test_banks_and_their_sounds_survive_a_restart_and_can_be_deleted(
        tiny_model_dir: Path, tmp_path: Path) -> None:
    with drums_daemon(tiny_model_dir, tmp_path, rate=RATE) as proc:
        a = BankPeer(("127.0.0.1", proc.osc_port), "set-a")
        a.open()
        ready = a.render(1, "fat 808 kick")
        a.close()
    state = json.loads((tmp_path / "slots" / "state.json").read_text())
    assert state["version"] == 2 and state["banks"]["set-a"]["number"] == 1
    with drums_daemon(tiny_model_dir, tmp_path, rate=RATE) as proc:
        a = BankPeer(("127.0.0.1", proc.osc_port), "set-a")
        assert a.open() == "set-a"  # the daemon restarted: nobody holds it, no copy
        assert a.slot(1)[2] == "fat 808 kick" and a.slot(1)[12] == ready[1]
        a.close()

    def banks(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "server", "banks", "--slots",
                               str(tmp_path / "slots"), *args], cwd=REPO, capture_output=True,
                              text=True, timeout=60)

    listed = banks()
    assert listed.returncode == 0 and "set-a" in listed.stdout and "main" in listed.stdout
    assert banks("--delete", "nope").returncode == 2
    assert banks("--delete", "main").returncode == 2
    deleted = banks("--delete", "set-a")
    assert deleted.returncode == 0, deleted.stderr
    assert not Path(ready[1]).exists()
    assert (tmp_path / "slots" / "trash" / Path(ready[1]).name).is_file()
    assert "set-a" not in json.loads((tmp_path / "slots" / "state.json").read_text())["banks"]
