"""The real daemon with real peers: liblo's oscsend/oscdump, Pure Data, and MIDI through JACK.

One daemon for the module, configured from a TOML file (chromatic keymap, 48 kHz, a CC map)
plus flags (replies to --reply-port, MIDI through JACK into its virtual port ``Shotcaller``).
Tests that listen on the reply port bind it themselves, one at a time.
"""

from __future__ import annotations

import math
import queue
import subprocess
import threading
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tests.conftest import REPO, DaemonProcess, OscPeer, free_udp_port, require_tool

pytestmark = pytest.mark.integration

RATE = 48000
PD_PATCH = REPO / "tests" / "pd" / "shotcaller_client.pd"


@pytest.fixture(scope="module")
def daemon(tiny_model_dir: Path, jack_server: dict, tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("bridge_peers")
    config = root / "shotcaller.toml"
    config.write_text(f"""
model = "{tiny_model_dir}"
slots = "{root / 'slots'}"
user_presets = "{root / 'presets'}"
sample_rate = {RATE}
keymap = "chromatic"
chromatic_slot = 0
midi_api = "jack"
log_format = "json"

[cc.7]
key = "gain"
slot = 0
min = 0.0
max = 2.0
""")
    port, reply_port = free_udp_port(), free_udp_port()
    proc = DaemonProcess(["--config", str(config)], osc_port=port, reply_port=reply_port,
                         log_path=root / "daemon.log", env=jack_server).start()
    try:
        proc.wait_ready()
        proc.root = root
        yield proc
    finally:
        assert proc.stop() == 0, proc.log_text()[-3000:]


@pytest.fixture
def replies(daemon: DaemonProcess):
    """Sends to the daemon and receives on its --reply-port."""
    peer = OscPeer(("127.0.0.1", daemon.osc_port), port=daemon.reply_port)
    yield peer
    peer.close()


def write_tone(path: Path, hz: float, sr: int = 44100, seconds: float = 1.5) -> None:
    """A decaying harmonic tone (fundamental ``hz``, four partials), like a plucked note."""
    t = np.arange(int(sr * seconds)) / sr
    y = sum(np.sin(2 * math.pi * hz * k * t) / k for k in range(1, 5))
    y = 0.3 * y * np.exp(-2.0 * t)
    sf.write(path, y.astype(np.float32), sr, subtype="PCM_24")


def detected_midi(path: str) -> float:
    """Median pYIN pitch of a WAV, as a fractional MIDI note."""
    import librosa

    y, sr = sf.read(path, dtype="float32")
    y = y[: int(0.6 * sr)]  # the body of the note is enough, and keeps pYIN quick
    f0, voiced, _ = librosa.pyin(y, fmin=60.0, fmax=2000.0, sr=sr, frame_length=2048)
    return float(librosa.hz_to_midi(np.median(f0[voiced & np.isfinite(f0)])))


class JackKeyboard:
    """A JACK MIDI output client connected to the daemon's virtual input port."""

    def __init__(self, port_name: str = "Shotcaller") -> None:
        import rtmidi

        self.out = rtmidi.MidiOut(rtmidi.API_UNIX_JACK, name="test-keyboard")
        deadline = time.monotonic() + 30
        while True:
            ports = self.out.get_ports()
            match = [i for i, n in enumerate(ports) if n.endswith(f":{port_name}")]
            if match:
                break
            assert time.monotonic() < deadline, f"no JACK MIDI port {port_name}: {ports}"
            time.sleep(0.2)
        self.out.open_port(match[0], name="out")
        time.sleep(0.3)  # let JACK finish the connection before the first event

    def note_on(self, note: int, velocity: int) -> None:
        self.out.send_message([0x90, note, velocity])

    def cc(self, number: int, value: int) -> None:
        self.out.send_message([0xB0, number, value])

    def close(self) -> None:
        self.out.close_port()
        self.out.delete()


@pytest.fixture
def keyboard(daemon: DaemonProcess):
    kb = JackKeyboard()
    yield kb
    kb.close()


def test_oscsend_and_oscdump(daemon: DaemonProcess) -> None:
    oscsend = require_tool("oscsend", "liblo-tools")
    oscdump = require_tool("oscdump", "liblo-tools")
    dump = subprocess.Popen([oscdump, "-L", str(daemon.reply_port)], stdout=subprocess.PIPE,
                            text=True)
    reader = LineReader(dump)
    try:
        time.sleep(0.5)

        def send(*args: str) -> None:
            subprocess.run([oscsend, "localhost", str(daemon.osc_port), *args], check=True,
                           timeout=30)

        send("/shot/ping")
        send("/shot/prompt", "is", "2", "warm rhodes note")
        send("/shot/prompt", "ss", "two", "wrong type")
        lines = read_until(reader, "/shot/ready", also="/shot/error")
        send("/shot/keymap", "si", "chromatic", "2")
        send("/shot/note", "ii", "67", "100")
        lines += read_until(reader, "/shot/note/ready")
    finally:
        dump.terminate()
        dump.wait(10)
    text = "\n".join(lines)
    assert '/shot/pong sss "0.1.0"' in text and '"ready"' in text
    assert '/shot/error ss "/shot/prompt" "slot: expected an int' in text
    ready = next(line for line in lines if " /shot/ready " in line)
    assert ready.split()[2] == "isffi"
    note = next(line for line in lines if " /shot/note/ready " in line)
    assert note.split()[2:4] == ["isi", "67"] and note.split()[-1] == "2"
    path = note.split('"')[1]
    assert sf.info(path).samplerate == RATE


class LineReader:
    """A child's stdout read line by line on a thread.

    Not ``select`` on the pipe: two lines that arrive together land in the file object's
    buffer, and ``select`` then never reports the second (CI lost a ``/shot/note/ready``
    that way).
    """

    def __init__(self, proc: subprocess.Popen) -> None:
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, args=(proc.stdout,), daemon=True).start()

    def _read(self, stream) -> None:
        for line in stream:
            self.lines.put(line.strip())


def read_until(reader: LineReader, address: str, also: str | None = None,
               timeout: float = 60.0) -> list[str]:
    """oscdump lines until one with ``address`` (and one with ``also``, if given) arrived."""
    lines: list[str] = []
    want = {address} | ({also} if also else set())
    deadline = time.monotonic() + timeout
    while want and time.monotonic() < deadline:
        try:
            line = reader.lines.get(timeout=0.5)
        except queue.Empty:
            continue
        lines.append(line)
        want -= {a for a in want if f" {a} " in f"{line} "}
    assert not want, f"oscdump never showed {want}: {lines[-10:]}"
    return lines


def test_pure_data_patch_sends_a_prompt_and_a_note(daemon: DaemonProcess) -> None:
    pd = require_tool("pd", "puredata-core")
    subprocess.run([pd, "-version"], capture_output=True, timeout=30)
    sender = OscPeer(("127.0.0.1", daemon.osc_port))
    sender.send("/shot/keymap", "chromatic", 0)
    sender.close()
    run = subprocess.run(
        [pd, "-nogui", "-nosound", "-nomidi", "-noprefs", "-stderr",
         "-send", f"shotport {daemon.osc_port}", "-send", f"replyport {daemon.reply_port}",
         "-open", str(PD_PATCH)],
        capture_output=True, text=True, timeout=180)
    log = run.stderr
    assert "reply: shot ready 0" in log, log[-2000:]
    noteready = [line for line in log.splitlines() if line.startswith("noteready:")]
    assert noteready, log[-2000:]
    note, path, slot = noteready[0].split()[1:4]
    assert (note, slot) == ("60", "0")
    assert sf.info(path).samplerate == RATE
    assert "dusty vinyl snare" in daemon.log_text()  # one string argument, spaces kept


def test_midi_note_on_through_jack_repitches_to_the_played_note(
        daemon: DaemonProcess, replies: OscPeer, keyboard: JackKeyboard) -> None:
    replies.request("/shot/keymap", "chromatic", 0, reply="/shot/keymap")
    write_tone(daemon.root / "slots" / "import" / "a3.wav", 220.0)  # A3 = MIDI 57
    replies.send("/shot/load", 0, "a3.wav")  # no root given: detected with pYIN
    slot, _, root, _, _ = replies.wait_for("/shot/ready", match=lambda a: a[0] == 0)
    assert abs(root - 57.0) < 0.2, root
    for note in (45, 57, 60, 64, 69, 76):
        keyboard.note_on(note, 110)
        got_note, path, got_slot = replies.wait_for("/shot/note/ready",
                                                    match=lambda a, n=note: a[0] == n)
        assert got_slot == 0
        assert sf.info(path).samplerate == RATE
        cents = 100 * (detected_midi(path) - note)
        assert abs(cents) < 20, f"note {note}: {cents:+.1f} cents"


def test_midi_velocity_scales_gain_and_note_off_is_ignored(
        daemon: DaemonProcess, replies: OscPeer, keyboard: JackKeyboard) -> None:
    replies.request("/shot/keymap", "chromatic", 3, reply="/shot/keymap")
    write_tone(daemon.root / "slots" / "import" / "e4.wav", 329.63)
    replies.send("/shot/load", 3, "e4.wav", 64.0)
    replies.wait_for("/shot/ready", match=lambda a: a[0] == 3)
    peaks = {}
    for velocity in (127, 32):
        keyboard.note_on(64, velocity)
        _, path, _ = replies.wait_for("/shot/note/ready")
        peaks[velocity] = np.abs(sf.read(path, dtype="float32")[0]).max()
    assert peaks[32] / peaks[127] == pytest.approx(32 / 127, rel=1e-3)
    keyboard.note_on(64, 0)  # note-off as note-on with velocity 0
    keyboard.out.send_message([0x80, 64, 0])  # and a real note-off
    assert [a for a, _ in replies.drain(1.0)] == []


def test_midi_cc_from_the_config_file_sets_slot_gain(
        daemon: DaemonProcess, replies: OscPeer, keyboard: JackKeyboard) -> None:
    keyboard.cc(7, 127)
    deadline = time.monotonic() + 30
    while True:
        gain = replies.request("/shot/get", 0, reply="/shot/slot")[11]
        if gain == pytest.approx(2.0) or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert gain == pytest.approx(2.0)
    keyboard.cc(7, 0)
    time.sleep(0.5)
    assert replies.request("/shot/get", 0, reply="/shot/slot")[11] == pytest.approx(0.0)
    keyboard.cc(7, 127 // 2)


def test_json_logs_are_structured(daemon: DaemonProcess) -> None:
    import json

    lines = [line for line in daemon.log_text().splitlines() if line.startswith("{")]
    records = [json.loads(line) for line in lines]
    assert any(r["msg"].startswith("ready: model") for r in records)
    assert all({"ts", "level", "logger", "msg"} <= set(r) for r in records)
