"""The real daemon process over real UDP: commands, replies, errors, presets, imports.

One daemon (tiny random-weight model, drums keymap, 48 kHz host rate, no MIDI) serves the
whole module; each test sets up the slots it uses.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from pythonosc.osc_bundle_builder import IMMEDIATELY, OscBundleBuilder
from pythonosc.osc_message_builder import OscMessageBuilder

from tests.conftest import REPO, OscPeer, drums_daemon

pytestmark = pytest.mark.integration

RATE = 48000


@pytest.fixture(scope="module")
def daemon(tiny_model_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    with drums_daemon(tiny_model_dir, tmp_path_factory.mktemp("daemon_osc"), rate=RATE) as proc:
        yield proc


def render(peer: OscPeer, slot: int, prompt: str, **params: object) -> list:
    """Set params, send the prompt, return /shot/ready's arguments for that slot."""
    for key, value in params.items():
        peer.request("/shot/set", slot, key, value, reply="/shot/slot")
    peer.send("/shot/prompt", slot, prompt)
    return peer.wait_for("/shot/ready", match=lambda a: a[0] == slot)


def assert_alive(peer: OscPeer) -> None:
    pong = peer.request("/shot/ping", reply="/shot/pong", timeout=30)
    assert pong[2] == "ready"


def test_ping_answers_version_and_model(peer: OscPeer, tiny_model_dir: Path) -> None:
    from server import __version__

    assert peer.request("/shot/ping", reply="/shot/pong") == [__version__, tiny_model_dir.name,
                                                               "ready"]


def test_prompt_renders_in_background_with_progress(peer: OscPeer, daemon) -> None:
    peer.send("/shot/prompt", 0, "kick drum")
    ready = peer.wait_for("/shot/ready", match=lambda a: a[0] == 0)
    fractions = [a[1] for addr, a in peer.seen if addr == "/shot/progress" and a[0] == 0]
    assert fractions[0] == 0.0 and fractions[-1] == pytest.approx(1.0)
    assert fractions == sorted(fractions)
    slot, path, root, seconds, seed = ready
    assert slot == 0 and seed >= 0
    assert root == -1.0 or 0 <= root <= 127
    assert Path(path).is_file() and Path(path).is_relative_to(daemon.root / "slots")
    info = sf.info(path)
    assert (info.samplerate, info.channels, info.subtype) == (RATE, 1, "PCM_24")
    assert info.frames == round(seconds * RATE)
    assert 0.05 <= seconds <= 4.0 + 1e-6  # at most the slot's default duration


def test_note_on_plays_rendered_drum_slot_at_its_root_with_velocity_gain(peer: OscPeer) -> None:
    peer.request("/shot/keymap", "drums", reply="/shot/keymap")
    ready = render(peer, 1, "snare drum", gain=1.0)
    source, sr = sf.read(ready[1], dtype="float32")
    for velocity, gain in ((127, 1.0), (64, 1.0), (127, 0.5)):
        peer.request("/shot/set", 1, "gain", gain, reply="/shot/slot")
        note, path, slot = peer.request("/shot/note", 37, velocity, reply="/shot/note/ready")
        assert (note, slot) == (37, 1)
        out, out_sr = sf.read(path, dtype="float32")
        assert out_sr == RATE == sr and out.shape == source.shape  # drums: not repitched
        expected = source * gain * velocity / 127
        np.testing.assert_allclose(out, expected, atol=2.0 / 2**23)
    peer.request("/shot/set", 1, "gain", 1.0, reply="/shot/slot")


def test_note_on_slot_without_render_queues_one_and_replies_when_ready(peer: OscPeer) -> None:
    peer.request("/shot/keymap", "drums", reply="/shot/keymap")
    peer.request("/shot/set", 5, "prompt", "closed hi-hat", reply="/shot/slot")
    note, path, slot = peer.request("/shot/note", 41, 100, reply="/shot/note/ready")
    assert (note, slot) == (41, 5)
    assert any(addr == "/shot/progress" and a[0] == 5 for addr, a in peer.seen)
    assert sf.info(path).samplerate == RATE


def test_note_on_empty_slot_and_unmapped_note_are_errors(peer: OscPeer) -> None:
    peer.request("/shot/keymap", "drums", reply="/shot/keymap")
    assert "empty" in peer.error_for("/shot/note", 50, 100)  # slot 14, never prompted
    assert "not mapped" in peer.error_for("/shot/note", 20, 100)
    peer.send("/shot/note", 36, 0)  # note-off: ignored by one-shots, no reply
    assert peer.drain(0.5) == []
    assert_alive(peer)


def test_durations_from_a_blip_to_a_long_ring_are_accepted(peer: OscPeer) -> None:
    for value in (0.05, 4.0, 8.0):
        got = peer.request("/shot/set", 13, "duration", value, reply="/shot/slot")
        assert got[0] == 13 and got[7] == pytest.approx(value)
    peer.request("/shot/set", 13, "duration", 4.0, reply="/shot/slot")


def test_set_answers_with_the_slot_state(peer: OscPeer) -> None:
    args = peer.request("/shot/set", 9, "guidance", 4.5, reply="/shot/slot")
    assert args[0] == 9 and args[6] == pytest.approx(4.5)
    args = peer.request("/shot/set", 9, "repitch", "keep-length", reply="/shot/slot")
    assert args[10] == "keep-length"
    # Pd and Max send every number as a float: integral floats are accepted as ints.
    args = peer.request("/shot/set", 9.0, "steps", 12.0, reply="/shot/slot")
    assert args[5] == 12


def test_a_new_slot_renders_in_the_sounds_own_register_unless_given_a_root(peer: OscPeer
                                                                         ) -> None:
    # The test model's library holds its one synth bass at note 36.
    assert peer.request("/shot/get", 12, reply="/shot/slot")[9] == -1.0  # own register
    assert render(peer, 12, "synth bass")[2] == 36.0
    assert render(peer, 12, "synth bass", root=48.0)[2] == 48.0
    args = peer.request("/shot/set", 12, "root", -1.0, reply="/shot/slot")
    assert args[9] == 48.0  # the current render keeps its note ...
    assert render(peer, 12, "synth bass")[2] == 36.0  # ... the next one takes its own again


BAD_MESSAGES = [
    ("/shot/prompt", ("one", "text"), "expected an int"),
    ("/shot/prompt", (1,), "expected 2 argument"),
    ("/shot/prompt", (1, "a", "b"), "expected 2 argument"),
    ("/shot/prompt", (16, "kick"), "out of range"),
    ("/shot/prompt", (-1, "kick"), "out of range"),
    ("/shot/prompt", (0, ""), "must not be empty"),
    ("/shot/prompt", (0, "x" * 65000), "too long"),
    ("/shot/prompt", (0, b"\x00\x01blob"), "expected a string"),
    ("/shot/set", (0, "steps", 0), "out of range"),
    ("/shot/set", (0, "steps", 2.5), "expected an int"),
    ("/shot/set", (0, "guidance", float("nan")), "not a finite number"),
    ("/shot/set", (0, "volume", 1.0), "not one of"),
    ("/shot/set", (0, "repitch", "granular"), "not one of"),
    ("/shot/set", (0, "duration", 8.5), "duration: 8.5 out of range"),
    ("/shot/note", (128, 100), "out of range"),
    ("/shot/note", ("C4",), "expected an int"),
    ("/shot/keymap", ("bagpipes",), "not one of"),
    ("/shot/render", (13,), "no prompt"),
    ("/shot/cancel", (12,), "nothing queued"),
    ("/shot/does/not/exist", (1,), "unknown address"),
]


@pytest.mark.parametrize(("address", "args", "fragment"), BAD_MESSAGES,
                         ids=[f"{a}-{f}" for a, _, f in BAD_MESSAGES])
def test_bad_message_gets_an_error_naming_address_and_problem(peer: OscPeer, address: str,
                                                              args: tuple, fragment: str) -> None:
    message = peer.error_for(address, *args)
    assert fragment in message, message
    assert_alive(peer)


def test_garbage_datagrams_are_answered_and_the_daemon_keeps_serving(peer: OscPeer) -> None:
    rng = np.random.default_rng(0)
    garbage = [b"", b"hello", bytes(rng.integers(0, 256, 300, dtype=np.uint8)),
               b"/shot/prompt\x00\x00\x00\x00,is\x00",  # type tags promise args that are missing
               b"#bundle\x00garbage", b"/shot/note\x00\x00,ii\x00\x00\x00\x00\x3c",
               b"\xff" * 4096]
    for data in garbage:
        peer.send_raw(data)
    errors = [peer.wait_for("/shot/error") for _ in garbage]
    assert all("malformed OSC packet" in e[1] for e in errors), errors
    assert_alive(peer)


def test_bundle_messages_are_all_dispatched(peer: OscPeer) -> None:
    bundle = OscBundleBuilder(IMMEDIATELY)
    for slot in (3, 4):
        msg = OscMessageBuilder("/shot/get")
        msg.add_arg(slot)
        bundle.add_content(msg.build())
    peer.send_raw(bundle.build().dgram)
    got = {peer.wait_for("/shot/slot")[0], peer.wait_for("/shot/slot")[0]}
    assert got == {3, 4}


def test_vary_renders_a_new_sound_from_the_current_one(peer: OscPeer) -> None:
    first = render(peer, 11, "glassy bell pluck")
    variations, audio = [], []
    for _ in range(2):
        peer.send("/shot/vary", 11)
        variations.append(peer.wait_for("/shot/ready", match=lambda a: a[0] == 11))
        audio.append(sf.read(variations[-1][1])[0])
    paths = [first[1], *(v[1] for v in variations)]
    assert len(set(paths)) == 3 and Path(paths[-1]).is_file()
    assert not Path(paths[0]).exists()  # a superseded sound nobody took is deleted
    assert not np.allclose(audio[0][: len(audio[1])], audio[1][: len(audio[0])])
    assert variations[0][2] == first[2]  # the root of the sound it came from
    assert "no sound to vary" in peer.error_for("/shot/vary", soundless_slot(peer))


def soundless_slot(peer: OscPeer, avoid: tuple[int, ...] = ()) -> int:
    """A slot with no render now (other tests of the module render into many)."""
    for slot in range(16):
        if slot not in avoid and peer.request("/shot/get", slot, reply="/shot/slot")[12] == "":
            return slot
    raise AssertionError("every slot has a sound")


def test_restyle_and_morph_make_new_sounds_from_slots(peer: OscPeer) -> None:
    empty = soundless_slot(peer, avoid=(13, 14, 15))
    assert "no sound to morph" in peer.error_for("/shot/morph", 14, empty, 0.5, 13)
    assert "no sound to restyle" in peer.error_for("/shot/restyle", empty, "darker")
    assert "no sound to transfer" in peer.error_for("/shot/transfer", empty, 14, 13)
    bell = render(peer, 14, "glassy bell pluck", root=72.0)
    bass = render(peer, 15, "synth bass one", root=40.0)
    peer.send("/shot/restyle", 14, "dusty lofi bell, more reverb")
    restyled = peer.wait_for("/shot/ready", match=lambda a: a[0] == 14)
    assert restyled[1] != bell[1] and restyled[2] == 72.0  # the pitch stays
    assert peer.request("/shot/get", 14, reply="/shot/slot")[2] == "glassy bell pluck"
    peer.send("/shot/morph", 14, 15, 0.5, 13)
    morphed = peer.wait_for("/shot/ready", match=lambda a: a[0] == 13)
    assert morphed[2] == 72.0 and morphed[4] == -1  # a's root; a morph draws no seed
    from server.diffusion.sound_ops import rms_db

    y, sr = sf.read(morphed[1])
    ends = [sf.read(p)[0] for p in (restyled[1], bass[1])]
    assert sr == RATE and np.all(np.isfinite(y)) and np.max(np.abs(y)) <= 1.0
    assert abs(rms_db(y) - (rms_db(ends[0]) + rms_db(ends[1])) / 2) < 3.0  # loudness between
    peer.send("/shot/transfer", 15, 14, 13)  # the bass's content, the bell's texture
    moved = peer.wait_for("/shot/ready", match=lambda a: a[0] == 13)
    assert moved[2] == 40.0 and Path(moved[1]).is_file()
    assert "out of range" in peer.error_for("/shot/morph", 14, 15, 1.5, 13)
    assert "only spaces" in peer.error_for("/shot/restyle", 14, "   ")
    # the same slot twice: said, and nothing is queued for the destination
    assert "both slot 14" in peer.error_for("/shot/morph", 14, 14, 0.5, 13)
    assert "both slot 15" in peer.error_for("/shot/transfer", 15, 15, 13)
    assert peer.request("/shot/get", 13, reply="/shot/slot")[12] == moved[1]


def test_a_rerender_takes_the_seed_after_the_last_one(peer: OscPeer) -> None:
    """Seed -1: each re-render takes the next seed (consecutive seeds draw far-apart library
    matches), a set seed renders as set, and a variation still draws a seed of its own."""
    first = render(peer, 3, "bell pluck", steps=2, seed=-1)
    peer.send("/shot/render", 3)
    again = peer.wait_for("/shot/ready", match=lambda a: a[0] == 3)
    assert again[4] == first[4] + 1 and again[1] != first[1]
    pinned = render(peer, 3, "bell pluck", seed=41)
    assert pinned[4] == 41
    peer.request("/shot/set", 3, "seed", -1, reply="/shot/slot")
    peer.send("/shot/render", 3)
    assert peer.wait_for("/shot/ready", match=lambda a: a[0] == 3)[4] == 42


def test_cancel_keeps_the_previous_render(peer: OscPeer) -> None:
    first = render(peer, 2, "bell pluck", steps=4)
    peer.request("/shot/set", 2, "steps", 200, reply="/shot/slot")
    peer.send("/shot/render", 2)
    peer.wait_for("/shot/progress", match=lambda a: a[0] == 2 and a[1] > 0)
    assert peer.request("/shot/cancel", 2, reply="/shot/cancelled") == [2]
    state = peer.request("/shot/get", 2, reply="/shot/slot")
    assert state[1] == "ready" and state[12] == first[1] and Path(first[1]).is_file()
    assert "nothing queued" in peer.error_for("/shot/cancel", 2)
    peer.request("/shot/set", 2, "steps", 8, reply="/shot/slot")


def test_newest_prompt_for_a_slot_wins(peer: OscPeer) -> None:
    for slot in (7, 8):
        peer.request("/shot/set", slot, "steps", 60, reply="/shot/slot")
    peer.send("/shot/prompt", 7, "piano note")  # runs first
    peer.send("/shot/prompt", 8, "synth bass one")  # queued behind slot 7 ...
    peer.send("/shot/prompt", 8, "synth bass two")  # ... and replaced twice
    peer.send("/shot/prompt", 8, "synth bass three")
    peer.send("/shot/prompt", 7, "piano note again")  # cancels slot 7's running render
    peer.wait_for("/shot/ready", match=lambda a: a[0] == 8)
    peer.wait_for("/shot/ready", match=lambda a: a[0] == 7)
    peer.drain(1.0)
    readies = [a[0] for addr, a in peer.seen if addr == "/shot/ready"]
    assert sorted(readies) == [7, 8], readies
    assert peer.request("/shot/get", 8, reply="/shot/slot")[2] == "synth bass three"
    assert peer.request("/shot/get", 7, reply="/shot/slot")[2] == "piano note again"


def test_state_reports_every_slot(peer: OscPeer) -> None:
    peer.send("/shot/state")
    assert peer.wait_for("/shot/state/done") == [16]
    slots = [a[0] for addr, a in peer.seen if addr == "/shot/slot"]
    assert slots == list(range(16))


def test_shipped_presets_load_and_render(peer: OscPeer) -> None:
    page, pages, *names = peer.request("/shot/preset/list", reply="/shot/preset/list")
    assert (page, pages) == (0, 1)
    assert {"808-kit", "acoustic-kit", "lofi-keys", "ambient-set"} <= set(names)
    assert peer.request("/shot/preset/load", "lofi-keys", reply="/shot/preset/loaded") == [
        "lofi-keys", 8]
    done = set()
    while done != set(range(8)):
        done.add(peer.wait_for("/shot/ready", match=lambda a: a[0] < 8)[0])
    assert peer.request("/shot/get", 3, reply="/shot/slot")[2].startswith("mellow synth bass")
    # the kit switched to the chromatic keymap: every key plays slot 0
    note, _, slot = peer.request("/shot/note", 72, 100, reply="/shot/note/ready")
    assert (note, slot) == (72, 0)
    peer.request("/shot/keymap", "drums", reply="/shot/keymap")


def test_preset_save_then_load_from_user_folder(peer: OscPeer, daemon) -> None:
    render(peer, 6, "hand clap")
    name, path = peer.request("/shot/preset/save", "my kit 1", reply="/shot/preset/saved")
    assert name == "my kit 1"
    assert Path(path) == daemon.root / "user_presets" / "my kit 1.toml"
    assert 'prompt = "hand clap"' in Path(path).read_text()
    assert peer.request("/shot/preset/load", "my kit 1", reply="/shot/preset/loaded")[0] == \
        "my kit 1"


@pytest.mark.parametrize("name", ["../evil", "..", "a/b", "/etc/passwd", ".hidden",
                                  "x" * 65, "kit\\..\\evil", "", "~root"])
def test_preset_names_that_could_escape_are_refused(peer: OscPeer, daemon, name: str) -> None:
    before = sorted(p.name for p in daemon.root.rglob("*"))
    for address in ("/shot/preset/save", "/shot/preset/load"):
        message = peer.error_for(address, name)
        assert "not allowed" in message or "must not be empty" in message or "too long" in \
            message, message
    assert sorted(p.name for p in daemon.root.rglob("*")) == before
    assert_alive(peer)


def test_load_refuses_paths_outside_the_import_folder(peer: OscPeer, daemon,
                                                      tmp_path: Path) -> None:
    outside = tmp_path / "outside.wav"
    sf.write(outside, np.zeros(4800, dtype=np.float32), RATE)
    link = daemon.root / "slots" / "import" / "link.wav"
    link.symlink_to(outside)
    for path in ("../state.json", "/etc/passwd", str(outside), "link.wav", "../../daemon.log"):
        assert "outside the import folders" in peer.error_for("/shot/load", 4, path), path
    assert "no such file" in peer.error_for("/shot/load", 4, "missing.wav")
    (daemon.root / "slots" / "import" / "notes.txt").write_text("not audio")
    peer.send("/shot/load", 4, "notes.txt", 60.0)
    err = peer.wait_for("/shot/error", match=lambda a: a[0] == "/shot/load")
    assert "cannot read" in err[1]
    assert_alive(peer)


def test_load_imports_a_sample_with_given_root(peer: OscPeer, daemon) -> None:
    t = np.arange(RATE) / RATE
    tone = (0.4 * np.sin(2 * math.pi * 440.0 * t) * np.exp(-3 * t)).astype(np.float32)
    sf.write(daemon.root / "slots" / "import" / "a4.wav", tone, 44100)  # converted to 48 kHz
    peer.send("/shot/load", 11, "a4.wav", 69.0)
    slot, path, root, seconds, seed = peer.wait_for("/shot/ready", match=lambda a: a[0] == 11)
    assert (slot, root, seed) == (11, 69.0, -1)
    assert sf.info(path).samplerate == RATE
    assert seconds == pytest.approx(RATE / 44100, abs=1e-3)


def test_send_cli_prints_replies_and_exit_codes(daemon) -> None:
    def send(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "server.daemon", "send", "--port",
                               str(daemon.osc_port), *args], cwd=REPO, capture_output=True,
                              text=True, timeout=120, env={**os.environ})

    ok = send("/shot/ping")
    assert ok.returncode == 0 and ok.stdout.startswith("/shot/pong "), ok
    bad = send("--types", "s", "/shot/prompt", "0", "kick")
    assert bad.returncode == 2 and "--types" in bad.stderr  # 1 tag for 2 arguments
    refused = send("/shot/set", "0", "steps", "900")
    assert refused.returncode == 1 and "/shot/error /shot/set" in refused.stdout
    usage = send("ping")
    assert usage.returncode == 2 and "must start with '/'" in usage.stderr


def test_daemon_survived_everything(peer: OscPeer, daemon) -> None:
    assert daemon.alive()
    assert_alive(peer)
    assert "Traceback" not in daemon.log_text()
