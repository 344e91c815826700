"""The JUCE plugin (``bridge/juce``) against a real daemon with a tiny random model.

``bridge/juce/build.sh`` (run by ``scripts/test.sh``) builds the plugins and two test programs:

- ``shotcaller_plugin_test`` instantiates the plugin's processor headless and talks OSC over UDP
  to the daemon started here: a ``/shot/prompt`` render and a ``/shot/load`` of a 440 Hz sine
  written by this test, note-ons fed into ``processBlock`` (drums and chromatic keymaps), state
  saved with ``getStateInformation`` and restored into a second instance, pads dragged out as
  WAV files, the editor painted to a PNG. It prints ``PASS``/``FAIL`` lines; the tests check
  its exit code and its figures. With ``--preset`` it checks the kit browser instead: a kit
  saved here is listed, loads into the instance's own bank and fills its pads. With
  ``--sound-ops`` it presses the editor's Vary, Restyle and Morph controls.
- ``shotcaller_vst3_check`` loads the built ``Shotcaller.vst3`` through the VST3 ABI (no JUCE on
  the host side), gives it the state the first program saved, and plays notes through
  ``IAudioProcessor::process``.

The LV2 bundle is checked with lilv's ``lv2info``.
"""

from __future__ import annotations

import os
import re
import struct
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tests.conftest import REPO, DaemonProcess, drums_daemon, free_udp_port, require_tool

pytestmark = pytest.mark.integration

BUILD = Path(os.environ.get("SHOTCALLER_JUCE_BUILD", REPO / "bridge" / "juce" / "build"))
PLUGIN_TEST = BUILD / "bin" / "shotcaller_plugin_test"
VST3_CHECK = BUILD / "bin" / "shotcaller_vst3_check"
ARTEFACTS = BUILD / "ShotcallerPlugin_artefacts" / "Release"
DAEMON_RATE = 48000  # not the test host's 44100: a rate mismatch must not detune the sampler
RUN_TIMEOUT_S = 900  # the programs wait for renders on a machine that may be busy

CHECKS = [
    "online", "pong model", "render round trip", "render settings", "drum pad plays",
    "drum pad length", "velocity", "empty pad silent", "import", "chromatic pitch 72",
    "chromatic pitch 69", "chromatic pitch 57", "polyphony", "voice limit and all sound off",
    "empty chromatic pad silent", "error on pad", "dice seed render", "re-render replaces file",
    "restore pads", "restore parameters", "restore prompts and seeds",
    "restore re-renders missing file", "restore leaves empty pads empty",
    "restore keeps prompt-only pads idle", "restored chromatic pitch", "restored sound identical",
    "re-rendered sound matches", "drag file from embedded sound", "drag file of an empty pad",
    "drag file is the daemon's file", "offline indicator", "editor screenshot", "cancel",
    "state written", "pad drag gesture", "no allocation on the audio thread",
]


@dataclass
class Run:
    result: subprocess.CompletedProcess
    checks: dict[str, tuple[bool, str]]
    report: str
    screenshot: Path
    state: Path


def built(path: Path) -> Path:
    if not path.exists():
        if os.environ.get("SHOTCALLER_SKIP_JUCE") == "1":
            pytest.skip("SHOTCALLER_SKIP_JUCE=1")
        pytest.fail(f"{path} is not built: run `bash bridge/juce/build.sh` (scripts/test.sh does)")
    return path


def run_program(binary: Path, *args: str, timeout: float = RUN_TIMEOUT_S):
    return subprocess.run([str(binary), *args], capture_output=True, text=True, timeout=timeout)


def parse_report(stdout: str) -> dict[str, tuple[bool, str]]:
    checks = {}
    for line in stdout.splitlines():
        m = re.match(r"(PASS|FAIL) (.+?): (.*)$", line)
        if m:
            checks[m.group(2)] = (m.group(1) == "PASS", m.group(3))
    return checks


@pytest.fixture(scope="module")
def daemon(tiny_model_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    with drums_daemon(tiny_model_dir, tmp_path_factory.mktemp("juce_plugin"),
                      rate=DAEMON_RATE) as proc:
        yield proc


@pytest.fixture(scope="module")
def plugin_run(daemon: DaemonProcess, tiny_model_dir: Path) -> Run:
    """One run of shotcaller_plugin_test against the daemon."""
    binary = built(PLUGIN_TEST)
    sr = 44100
    t = np.arange(2 * sr) / sr
    sine = daemon.root / "slots" / "import" / "sine440.wav"
    sf.write(sine, (0.5 * np.sin(2 * np.pi * 440.0 * t)).astype(np.float32), sr)
    screenshot, state = daemon.root / "juce_editor.png", daemon.root / "state.bin"

    result = run_program(binary, "--port", str(daemon.osc_port), "--import-file", str(sine),
                         "--model", tiny_model_dir.name, "--screenshot", str(screenshot),
                         "--state-out", str(state), "--timeout", "240")
    report = f"{result.stdout}\n{result.stderr}\n--- daemon log ---\n{daemon.log_text()[-3000:]}"
    return Run(result, parse_report(result.stdout), report, screenshot, state)


def test_plugin_processor_against_daemon(plugin_run: Run) -> None:
    checks, report = plugin_run.checks, plugin_run.report
    failed = [name for name, (ok, _) in checks.items() if not ok]
    assert plugin_run.result.returncode == 0 and not failed, f"failed: {failed}\n{report}"
    missing = [name for name in CHECKS if name not in checks]
    assert not missing, f"checks not run: {missing}\n{report}"
    assert "SUMMARY passed=" in plugin_run.result.stdout

    # The figures behind the PASS lines, checked again here.
    for note, expected in ((72, 523.2511), (69, 440.0), (57, 220.0)):
        detail = checks[f"chromatic pitch {note}"][1]
        hz = float(re.search(r"pitch=([\d.]+) Hz", detail).group(1))
        assert abs(1200 * np.log2(hz / expected)) < 20, detail
    assert re.match(r"0 allocations, 0 frees", checks["no allocation on the audio thread"][1])


def test_editor_screenshot_is_a_picture(plugin_run: Run) -> None:
    data = plugin_run.screenshot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", plugin_run.report
    assert struct.unpack(">II", data[16:24]) == (800, 600)
    from PIL import Image  # matplotlib's dependency

    with Image.open(plugin_run.screenshot) as image:
        colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 100, "the screenshot looks blank"


KIT = "juce-test-kit"
KIT_PADS = {1: "kit snare, tight", 4: "kit closed hat", 6: "kit low tom"}
KIT_CHECKS = [
    "online", "preset listed", "preset list refresh", "preset loaded", "preset pads ready",
    "preset leaves other pads", "preset pads play", "drag file of a daemon pad",
    "preset error shown", "no allocation on the audio thread",
]


def test_plugin_loads_a_kit_into_its_own_bank(daemon: DaemonProcess) -> None:
    """The kit browser: a kit saved as /shot/preset/save saves one (2 steps, half a second a
    slot) is listed and loads into the instance's bank; exactly its pads fill, named after it.
    70 more kits sort before it, so it is on the listing's second page (64 names a page)."""
    from server.daemon.presets import PresetLibrary
    from server.daemon.slots import SlotParams

    library = PresetLibrary(daemon.root / "user_presets", REPO / "presets", 16)
    for n in range(70):
        library.save(f"juce-filler-{n:02d}", {0: SlotParams(prompt="filler")}, None)
    slots = {i: SlotParams(prompt=prompt, seed=100 + i, steps=2, duration=0.5)
             for i, prompt in KIT_PADS.items()}
    library.save(KIT, slots, "drums")
    kits = len(library.names())
    assert library.names().index(KIT) >= 64

    result = run_program(built(PLUGIN_TEST), "--port", str(daemon.osc_port), "--preset", KIT,
                         "--preset-pads", ",".join(map(str, KIT_PADS)), "--timeout", "240")
    checks = parse_report(result.stdout)
    report = f"{result.stdout}\n{result.stderr}\n--- daemon log ---\n{daemon.log_text()[-3000:]}"
    assert result.returncode == 0, report
    for name in KIT_CHECKS:
        assert checks.get(name, (False,))[0], f"{name}\n{report}"
    pads = checks["preset pads ready"][1]
    for i, prompt in KIT_PADS.items():
        assert f"pad {i} prompt='{prompt}' steps=2 seed={100 + i};" in pads, pads
    assert "no-such-kit" in checks["preset error shown"][1]
    assert f"of {kits} kits" in checks["preset list refresh"][1]  # every page


SOUND_OPS_CHECKS = [
    "online", "source render", "editor controls", "vary refused on an empty pad",
    "restyle refuses blank text", "morph refusals", "vary", "restyle", "morph",
    "morph again into the same pad", "morph settings kept by a reopened editor",
    "daemon error on the varied pad", "daemon error on the morph's pad",
    "morph settings saved with the project", "no allocation on the audio thread",
]


def test_plugin_varies_restyles_and_morphs_pads(daemon: DaemonProcess) -> None:
    """The editor's sound-to-sound controls against the daemon: Vary gives pad 0 a new sound
    (new seed, other samples, no longer than its source), Restyle "darker" another, Morph with
    pad 1 fills the first empty pad (2) and morphs into it again; refusals (no sound, blank
    words, a pad with itself) are said without sending, and the daemon's own refusals land on
    the pad that waited; the morph's amount and pads come back in a reopened editor and in the
    project reloaded into another instance."""
    result = run_program(built(PLUGIN_TEST), "--port", str(daemon.osc_port), "--sound-ops",
                         "--timeout", "240")
    checks = parse_report(result.stdout)
    report = f"{result.stdout}\n{result.stderr}\n--- daemon log ---\n{daemon.log_text()[-3000:]}"
    assert result.returncode == 0, report
    for name in SOUND_OPS_CHECKS:
        assert checks.get(name, (False,))[0], f"{name}\n{report}"
    assert "seed=-1" in checks["morph"][1] and "into 'auto: 2'" in checks["morph"][1]
    assert re.match(r"0 allocations, 0 frees", checks["no allocation on the audio thread"][1])
    log = daemon.log_text()
    assert re.search(r"slot \d+: morph in", log), log[-3000:]  # the daemon did morph


def test_vst3_plays_the_saved_project_through_the_vst3_abi(plugin_run: Run) -> None:
    """Note 36 plays pad 0 from its file; note 39 plays pad 3, whose file the daemon deleted,
    so the VST3 instance renders it again through the daemon; note 37 (empty pad) is silent."""
    binary = built(VST3_CHECK)
    assert plugin_run.state.is_file(), plugin_run.report
    result = run_program(binary, "--plugin", str(built(ARTEFACTS / "VST3" / "Shotcaller.vst3")),
                         "--state", str(plugin_run.state), "--note", "36", "--note", "39",
                         "--silent-note", "37", "--timeout", "240")
    checks = parse_report(result.stdout)
    assert result.returncode == 0, result.stdout + result.stderr
    for name in ("vst3 class", "vst3 buses", "vst3 set state", "vst3 silent without notes",
                 "vst3 note 36", "vst3 note 39", "vst3 silent note 37"):
        assert checks.get(name, (False,))[0], f"{name}\n{result.stdout}"


def test_lv2_bundle_describes_the_instrument() -> None:
    lv2info = require_tool("lv2info", "lilv-utils")
    bundle = built(ARTEFACTS / "LV2" / "Shotcaller.lv2")
    manifest = (bundle / "manifest.ttl").read_text()
    uri = re.search(r"^<([^>]+)>\s+a lv2:Plugin", manifest, re.M).group(1)
    out = subprocess.run([lv2info, uri], capture_output=True, text=True, timeout=60,
                         env={**os.environ, "LV2_PATH": str(bundle.parent)}).stdout
    assert re.search(r"Name:\s+Shotcaller", out), out
    assert out.count("lv2core#AudioPort") == 2 and "lv2core#OutputPort" in out, out
    assert "atom#AtomPort" in out and "lv2core#InputPort" in out, out  # MIDI in
    dsp = (bundle / "dsp.ttl").read_text()
    assert "a lv2:InstrumentPlugin" in dsp and "midi:MidiEvent" in dsp
    for label in ("Pad", "Seed", "Steps", "Guidance", "Strength", "Duration", "Keymap"):
        assert f'rdfs:label "{label}"' in dsp, label


def test_plugin_test_fails_without_daemon(tmp_path: Path) -> None:
    """The test program reports a failure (not a pass) when nothing answers."""
    result = run_program(built(PLUGIN_TEST), "--port", str(free_udp_port()), "--import-file",
                         str(tmp_path / "none.wav"), "--timeout", "3", timeout=120)
    checks = parse_report(result.stdout)
    assert result.returncode == 1, result.stdout + result.stderr
    assert checks["online"][0] is False


def test_plugin_test_usage() -> None:
    result = run_program(built(PLUGIN_TEST), timeout=60)
    assert result.returncode == 2 and "usage:" in result.stderr
    result = run_program(built(PLUGIN_TEST), "--port", "9000", "--preset", KIT, timeout=60)
    assert result.returncode == 2 and "--preset-pads" in result.stderr
    result = run_program(built(PLUGIN_TEST), "--port", "9000", "--preset", KIT, "--sound-ops",
                         timeout=60)
    assert result.returncode == 2 and "--sound-ops" in result.stderr
