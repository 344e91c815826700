"""Fast unit tests of the daemon's parts: repitch, WAV writing, keymaps, presets, config, the
render queue and the slot bank. Real files in tmp dirs; the render queue runs plain Python
jobs (the queue's behaviour does not depend on what a job computes)."""

from __future__ import annotations

import math
import threading
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from bridge import keymap as keymaps
from server.daemon.config import (
    SHIPPED_PRESETS,
    ConfigError,
    DaemonConfig,
    config_from_mapping,
    load_toml,
)
from server.daemon.engine import RenderCancelled
from server.daemon.player import NotePlayer, SlotEmpty
from server.daemon.presets import (
    PresetError,
    PresetLibrary,
    check_name,
    format_preset,
    parse_preset,
)
from server.daemon.render_queue import Job, QueueEvents, RenderQueue
from server.daemon.repitch import repitch
from server.daemon.slots import Slot, SlotBank, SlotParams, SlotRender
from server.daemon.state import StateStore
from server.daemon.wavout import wav_bytes, write_note_wav
from server.pitch import detect_root

SR = 48000


def tone(hz: float, seconds: float = 1.0, sr: int = SR) -> np.ndarray:
    t = np.arange(int(sr * seconds)) / sr
    return (0.5 * np.sin(2 * math.pi * hz * t)).astype(np.float32)


def peak_hz(y: np.ndarray, sr: int = SR) -> float:
    """Frequency of the strongest FFT bin, refined by parabolic interpolation."""
    n = len(y)
    spec = np.abs(np.fft.rfft(y * np.hanning(n), 8 * n))
    k = int(np.argmax(spec))
    a, b, c = np.log(spec[k - 1: k + 2] + 1e-12)
    return (k + 0.5 * (a - c) / (a - 2 * b + c)) * sr / (8 * n)


def cents(f: float, ref: float) -> float:
    return 1200 * math.log2(f / ref)


# -- repitch -------------------------------------------------------------------------------
@pytest.mark.parametrize("semitones", [-12, -5, 0, 3, 7, 12])
def test_resample_repitch_moves_pitch_and_length(semitones: int) -> None:
    y = tone(440.0)
    out = repitch(y, sr=SR, semitones=semitones)
    ratio = 2 ** (semitones / 12)
    assert abs(cents(peak_hz(out), 440 * ratio)) < 2
    assert len(out) == pytest.approx(len(y) / ratio, abs=2)


def test_keep_length_repitch_keeps_length() -> None:
    y = tone(440.0)
    out = repitch(y, sr=SR, semitones=-5, mode="keep-length")
    assert len(out) == len(y)
    assert abs(cents(peak_hz(out), 440 * 2 ** (-5 / 12))) < 5


def test_repitch_cuts_long_results_and_checks_arguments() -> None:
    out = repitch(tone(440.0, 2.0), sr=SR, semitones=-24, max_seconds=3.0)
    assert len(out) == 3 * SR and out[-1] == 0.0
    with pytest.raises(ValueError, match="mono"):
        repitch(np.zeros((2, 100), np.float32), sr=SR, semitones=1)
    with pytest.raises(ValueError, match="mode="):
        repitch(tone(440.0), sr=SR, semitones=1, mode="granular")


def test_detect_root_of_a_tone() -> None:
    assert detect_root(tone(220.0, 1.0), sr=SR) == pytest.approx(57.0, abs=0.1)
    assert detect_root(np.zeros(SR, np.float32), sr=SR) is None


# -- WAV writing ---------------------------------------------------------------------------
@pytest.mark.parametrize(("fmt", "subtype", "atol"), [("pcm24", "PCM_24", 2 ** -23),
                                                      ("float", "FLOAT", 0.0)])
def test_note_wav_is_a_valid_wav(tmp_path: Path, fmt: str, subtype: str, atol: float) -> None:
    y = tone(1000.0, 0.1)[:4801]  # odd byte count for 24-bit: needs the pad byte
    path = write_note_wav(tmp_path / "n.wav", y, sr=SR, fmt=fmt)
    back, sr = sf.read(path, dtype="float32")
    info = sf.info(path)
    assert (sr, info.subtype, info.channels) == (SR, subtype, 1)
    np.testing.assert_allclose(back, y, atol=atol)
    write_note_wav(tmp_path / "n.wav", y * 0, sr=SR, fmt=fmt)  # replaced atomically
    assert not np.any(sf.read(path)[0]) and [p.name for p in tmp_path.iterdir()] == ["n.wav"]


def test_pcm24_clips_instead_of_wrapping() -> None:
    data = wav_bytes(np.array([2.0, -2.0], np.float32), sr=SR)
    assert data[-6:] == b"\xff\xff\x7f\x00\x00\x80"
    with pytest.raises(ValueError, match="fmt="):
        wav_bytes(np.zeros(3, np.float32), sr=SR, fmt="mp3")


# -- note player ---------------------------------------------------------------------------
def test_player_repitches_chromatic_keys_and_not_drum_keys(tmp_path: Path) -> None:
    src = tmp_path / "r.wav"
    sf.write(src, tone(440.0), SR, subtype="FLOAT")
    player = NotePlayer(tmp_path / "notes", sample_rate=SR)
    slot = Slot(0, SlotParams(gain=0.5), SlotRender(str(src), 69.0, 1.0, 1, 1))
    chromatic = player.play(slot, 76, 127, repitched=True)
    y, sr = sf.read(chromatic.path, dtype="float32")
    assert sr == SR and abs(cents(peak_hz(y), 440 * 2 ** (7 / 12))) < 2
    assert np.abs(y).max() == pytest.approx(0.25, rel=1e-3)  # gain 0.5 * tone peak 0.5
    drum = player.play(slot, 76, 127, repitched=False)
    assert abs(cents(peak_hz(sf.read(drum.path)[0]), 440)) < 2
    with pytest.raises(SlotEmpty):
        player.play(Slot(1), 60, 100, repitched=True)


# -- keymaps -------------------------------------------------------------------------------
def test_builtin_keymaps() -> None:
    drums = keymaps.drums(16)
    assert drums.lookup(36) == keymaps.KeyTarget(0, False)
    assert drums.lookup(51) == keymaps.KeyTarget(15, False)
    assert drums.lookup(35) is None and drums.lookup(52) is None
    chrom = keymaps.chromatic(4)
    assert chrom.lookup(0) == chrom.lookup(127) == keymaps.KeyTarget(4, True)
    assert keymaps.Keymap.from_dict(chrom.to_dict(), 16) == chrom


def test_keymap_file(tmp_path: Path) -> None:
    path = tmp_path / "split.toml"
    path.write_text("[drums]\n36 = 0\n38 = 1\n\n[[chromatic]]\nlo = 48\nhi = 72\nslot = 2\n")
    km = keymaps.resolve(str(path))
    assert km.name == "split"
    assert km.lookup(38) == keymaps.KeyTarget(1, False)
    assert km.lookup(60) == keymaps.KeyTarget(2, True) and km.lookup(73) is None
    path.write_text("[drums]\n36 = 99\n")
    with pytest.raises(keymaps.KeymapError, match="out of range"):
        keymaps.resolve(str(path))
    with pytest.raises(keymaps.KeymapError, match="not 'drums'"):
        keymaps.resolve("bagpipes")


# -- presets -------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["../x", "..", "a/b", "/abs", ".hidden", "", "x" * 65,
                                  "tab\tname", "semi;colon", "näme"])
def test_preset_names_are_checked(name: str) -> None:
    with pytest.raises(PresetError, match="not allowed"):
        check_name(name)


def test_shipped_presets_parse() -> None:
    lib = PresetLibrary(Path("/nonexistent"), SHIPPED_PRESETS, 16)
    names = lib.names()
    assert len(names) >= 4
    for name in names:
        preset = lib.load(name)
        assert len(preset.slots) >= 8 and all(p.prompt for p in preset.slots.values())
        assert preset.keymap in ("drums", "chromatic")


def test_preset_roundtrip_and_errors(tmp_path: Path) -> None:
    lib = PresetLibrary(tmp_path / "user", tmp_path / "shipped", 16)
    slots = {0: SlotParams(prompt='say "hi"\nnow', seed=3), 5: SlotParams(prompt="b", gain=0.5)}
    path = lib.save("My kit", slots, "drums")
    assert path.parent == tmp_path / "user"
    loaded = lib.load("My kit")
    assert loaded.slots == slots and loaded.keymap == "drums"
    assert "index = 5" in format_preset(loaded)
    with pytest.raises(PresetError, match="unknown key 'volume'"):
        parse_preset({"slot": [{"index": 0, "volume": 1}]}, name="x", num_slots=16)
    with pytest.raises(PresetError, match="steps: 0 out of range"):
        parse_preset({"slot": [{"index": 0, "steps": 0}]}, name="x", num_slots=16)
    with pytest.raises(PresetError, match="slot index 16"):
        parse_preset({"slot": [{"index": 16}]}, name="x", num_slots=16)
    with pytest.raises(PresetError, match="no preset named 'nope'"):
        lib.load("nope")


# -- config --------------------------------------------------------------------------------
def test_config_layers_toml_then_flags(tmp_path: Path) -> None:
    cfg_file = tmp_path / "c.toml"
    cfg_file.write_text('osc_port = 9100\nslots = "~/x"\nkeymap = "chromatic"\n'
                        '[cc.74]\nkey = "guidance"\nmin = 1\nmax = 8\n')
    cfg = load_toml(cfg_file)
    assert cfg.osc_port == 9100 and cfg.slots == Path("~/x").expanduser()
    assert cfg.cc[0].cc == 74 and cfg.cc[0].hi == 8.0 and cfg.cc[0].slot is None
    cfg = config_from_mapping({"osc_port": 9200, "keymap": None}, cfg).validate()
    assert cfg.osc_port == 9200 and cfg.keymap == "chromatic"
    assert DaemonConfig().osc_host == "127.0.0.1"  # never all interfaces by default
    with pytest.raises(ConfigError, match="osc_port = 70000"):
        config_from_mapping({"osc_port": 70000}).validate()
    with pytest.raises(ConfigError, match="expected float"):
        config_from_mapping({"max_note_seconds": "long"})


# -- render queue --------------------------------------------------------------------------
class Recorder:
    def __init__(self) -> None:
        self.events: list[tuple[str, int, object]] = []
        self.done = threading.Event()

    def events_for(self) -> QueueEvents:
        return QueueEvents(
            started=lambda j: self.events.append(("started", j.job_id, j.slot)),
            progress=lambda j, f: self.events.append(("progress", j.job_id, f)),
            finished=lambda j, r: (self.events.append(("finished", j.job_id, r)),
                                   self.done.set()),
            failed=lambda j, e: self.events.append(("failed", j.job_id, str(e))),
            cancelled=lambda j: self.events.append(("cancelled", j.job_id, j.slot)))


def started_queue(rec: Recorder) -> RenderQueue:
    q = RenderQueue(rec.events_for())
    q.start(lambda: None, lambda: None, lambda exc: None)
    assert q.ready.wait(10)
    return q


def blocking_job(slot: int, gate: threading.Event, result: object = "r") -> Job:
    def run(progress, cancel):
        progress(0.5)
        while not gate.wait(0.01):
            if cancel.is_set():
                raise RenderCancelled()
        return result
    return Job(slot, "render", run)


def test_queue_newest_request_per_slot_wins() -> None:
    rec = Recorder()
    q = started_queue(rec)
    gate = threading.Event()
    running = q.submit(blocking_job(0, gate, "slot0"))
    while not any(e[0] == "started" for e in rec.events):
        time.sleep(0.01)
    old = [q.submit(Job(1, "render", lambda p, c, i=i: f"slot1-{i}")) for i in range(3)]
    gate.set()
    deadline = time.monotonic() + 10
    while len([e for e in rec.events if e[0] == "finished"]) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    q.stop()
    finished = [e[2] for e in rec.events if e[0] == "finished"]
    assert finished == ["slot0", "slot1-2"]
    assert running.job_id < old[-1].job_id


def test_queue_cancel_running_and_queued_and_survive_failures() -> None:
    rec = Recorder()
    q = started_queue(rec)
    gate = threading.Event()
    job = q.submit(blocking_job(0, gate))
    queued = q.submit(Job(2, "render", lambda p, c: "never"))
    while not any(e[0] == "progress" for e in rec.events):
        time.sleep(0.01)
    assert q.cancel(2) and q.cancel(0) and not q.cancel(5)

    def boom(progress, cancel):
        raise ValueError("prompt must not be empty")
    q.submit(Job(3, "render", boom))
    q.submit(Job(4, "render", lambda p, c: "after"))
    assert rec.done.wait(10)
    q.stop()
    kinds = {(e[0], e[1]) for e in rec.events}
    assert ("cancelled", job.job_id) in kinds and ("cancelled", queued.job_id) in kinds
    assert [e[2] for e in rec.events if e[0] == "failed"] == ["prompt must not be empty"]
    assert [e[2] for e in rec.events if e[0] == "finished"] == ["after"]


# -- slot bank -----------------------------------------------------------------------------
def test_slot_bank_persists_every_change_and_restores(tmp_path: Path) -> None:
    store = StateStore(tmp_path / "state.json")
    bank = SlotBank(4, store)
    render_file = tmp_path / "r.wav"
    sf.write(render_file, tone(100.0, 0.1), SR)
    bank.set_params(0, prompt="kick", want_render=True)
    bank.set_params(1, gain=0.25)
    bank.install_render(2, SlotRender(str(render_file), None, 0.1, 7, 1))
    bank.set_params(2, root=50.0)  # retunes the render
    again = SlotBank(4, StateStore(tmp_path / "state.json"))
    assert again.restore().clean and again.wanted_slots() == [0]
    assert again.get(0).params.prompt == "kick" and again.get(0).wanted
    assert again.get(1).params.gain == 0.25
    assert again.get(2).render.root == 50.0 and again.get(2).playback_root() == 50.0
    # An unpitched render in a slot left to its own register is played from middle C.
    bank.install_render(3, SlotRender(str(render_file), None, 0.1, 8, 2))
    assert bank.get(3).params.root == -1.0 and bank.get(3).playback_root() == 60.0
    render_file.unlink()
    third = SlotBank(4, StateStore(tmp_path / "state.json"))
    third.restore()
    assert third.get(2).render is None  # a vanished file is not offered as a render


def test_a_version_1_state_loads_as_the_main_bank_with_its_durations_migrated(
        tmp_path: Path) -> None:
    """A state file from before banks and long renders: its slots are the main bank's; a slot
    at version 1's full 1.48 s (the most it could render) takes the new default, one the
    producer shortened keeps its length."""
    import json

    (tmp_path / "state.json").write_text(json.dumps({
        "version": 1, "next_render_id": 5, "keymap": {"name": "drums"},
        "slots": [{"index": 0, "params": {"prompt": "crash", "duration": 1.48}},
                  {"index": 1, "params": {"prompt": "blip", "duration": 0.3}}]}))
    bank = SlotBank(16, StateStore(tmp_path / "state.json"))
    assert bank.restore().clean
    state = bank.latest_state()
    assert [b.name for b in state.banks] == ["main"] and len(state.slots) == 16
    assert bank.get(0).params.duration == SlotParams().duration == 4.0
    assert bank.get(1).params.duration == 0.3
    bank.set_params(1, gain=0.5)  # the next save writes the current version
    assert json.loads((tmp_path / "state.json").read_text())["version"] == 2


def test_corrupt_state_file_is_moved_aside(tmp_path: Path) -> None:
    (tmp_path / "state.json").write_text("{not json")
    bank = SlotBank(2, StateStore(tmp_path / "state.json"))
    loaded = bank.restore()
    assert not loaded.clean and bank.wanted_slots() == []
    (moved,) = tmp_path.glob("state.json.corrupt-*")
    assert moved.read_text() == "{not json" and "not valid JSON" in loaded.problems[0]


def test_player_keep_length_mode(tmp_path: Path) -> None:
    src = tmp_path / "r.wav"
    sf.write(src, tone(440.0), SR, subtype="FLOAT")
    player = NotePlayer(tmp_path / "notes", sample_rate=SR)
    slot = Slot(0, SlotParams(repitch="keep-length"), SlotRender(str(src), 69.0, 1.0, 1, 1))
    y, _ = sf.read(player.play(slot, 64, 127, repitched=True).path, dtype="float32")
    assert len(y) == SR and abs(cents(peak_hz(y), 440 * 2 ** (-5 / 12))) < 5


def test_config_accepts_flag_spellings(tmp_path: Path) -> None:
    cfg = config_from_mapping({"rate": 48000, "import-dir": "~/samples", "osc-port": 9300})
    assert cfg.sample_rate == 48000 and cfg.osc_port == 9300
    assert cfg.import_dirs == (Path("~/samples").expanduser(),)
