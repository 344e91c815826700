"""The JUCE plugin (``bridge/juce``) against a real daemon with a tiny random model.

``shotcaller_plugin_test`` (built by ``bridge/juce/build.sh``, which ``scripts/test.sh`` runs)
instantiates the plugin's processor headless and talks OSC over UDP to the daemon started here:
a ``/shot/prompt`` render and a ``/shot/load`` of a 440 Hz sine written by this test, note-ons
fed into ``processBlock`` (drums and chromatic keymaps), state saved with
``getStateInformation`` and restored into a second instance, and the editor painted to a PNG.
It prints ``PASS``/``FAIL`` lines; this test checks its exit code and the figures it reports.
"""

from __future__ import annotations

import os
import re
import struct
import subprocess
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tests.conftest import REPO, DaemonProcess, free_udp_port

pytestmark = pytest.mark.integration

BINARY = Path(os.environ.get("SHOTCALLER_PLUGIN_TEST",
                             REPO / "bridge" / "juce" / "build" / "bin" / "shotcaller_plugin_test"))
DAEMON_RATE = 48000  # not the test host's 44100: a rate mismatch must not detune the sampler
RUN_TIMEOUT_S = 900  # the test program waits for renders on a machine that may be busy

CHECKS = [
    "online", "pong model", "render round trip", "render settings", "drum pad plays",
    "drum pad length", "velocity", "empty pad silent", "import", "chromatic pitch 72",
    "chromatic pitch 69", "chromatic pitch 57", "polyphony", "voice limit and all sound off",
    "empty chromatic pad silent",
    "error on pad", "dice seed render", "re-render replaces file", "restore pads",
    "restore parameters", "restore prompts and seeds", "restore re-renders missing file",
    "restore leaves empty pads empty", "restore keeps prompt-only pads idle",
    "restored chromatic pitch", "restored sound identical",
    "re-rendered sound matches", "offline indicator", "editor screenshot", "cancel",
    "no allocation on the audio thread",
]


@pytest.fixture(scope="module")
def binary() -> Path:
    if not BINARY.is_file():
        if os.environ.get("SHOTCALLER_SKIP_JUCE") == "1":
            pytest.skip("SHOTCALLER_SKIP_JUCE=1")
        pytest.fail(f"{BINARY} is not built: run `bash bridge/juce/build.sh` "
                    "(scripts/test.sh does), or set SHOTCALLER_PLUGIN_TEST")
    return BINARY


@pytest.fixture(scope="module")
def daemon(tiny_model_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("juce_plugin")
    proc = DaemonProcess(
        ["--model", str(tiny_model_dir), "--slots", str(root / "slots"),
         "--user-presets", str(root / "user_presets"), "--no-midi", "--rate", str(DAEMON_RATE),
         "--keymap", "drums"],
        osc_port=free_udp_port(), log_path=root / "daemon.log").start()
    try:
        proc.wait_ready()
        proc.root = root
        yield proc
    finally:
        code = proc.stop()
        assert code == 0, f"daemon exit code {code}:\n{proc.log_text()[-3000:]}"


def run_plugin_test(binary: Path, *args: str, timeout: float = RUN_TIMEOUT_S):
    return subprocess.run([str(binary), *args], capture_output=True, text=True, timeout=timeout)


def parse_report(stdout: str) -> dict[str, tuple[bool, str]]:
    checks = {}
    for line in stdout.splitlines():
        m = re.match(r"(PASS|FAIL) (.+?): (.*)$", line)
        if m:
            checks[m.group(2)] = (m.group(1) == "PASS", m.group(3))
    return checks


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", f"{path} is not a PNG"
    return struct.unpack(">II", data[16:24])


def test_plugin_processor_against_daemon(binary: Path, daemon: DaemonProcess,
                                         tiny_model_dir: Path, tmp_path: Path) -> None:
    sr = 44100
    t = np.arange(2 * sr) / sr
    sine = daemon.root / "slots" / "import" / "sine440.wav"
    sf.write(sine, (0.5 * np.sin(2 * np.pi * 440.0 * t)).astype(np.float32), sr)
    shot = tmp_path / "juce_editor.png"

    result = run_plugin_test(binary, "--port", str(daemon.osc_port), "--import-file", str(sine),
                             "--model", tiny_model_dir.name, "--screenshot", str(shot),
                             "--timeout", "240")
    report = f"{result.stdout}\n{result.stderr}\n--- daemon log ---\n{daemon.log_text()[-3000:]}"
    checks = parse_report(result.stdout)

    failed = [name for name, (ok, _) in checks.items() if not ok]
    assert result.returncode == 0 and not failed, f"failed: {failed}\n{report}"
    missing = [name for name in CHECKS if name not in checks]
    assert not missing, f"checks not run: {missing}\n{report}"
    assert "SUMMARY passed=" in result.stdout

    # The figures behind the PASS lines, checked again here.
    for note, expected in ((72, 523.2511), (69, 440.0), (57, 220.0)):
        detail = checks[f"chromatic pitch {note}"][1]
        hz = float(re.search(r"pitch=([\d.]+) Hz", detail).group(1))
        assert abs(1200 * np.log2(hz / expected)) < 20, detail
    assert re.search(r"^0 allocations, 0 frees", checks["no allocation on the audio thread"][1])

    assert png_size(shot) == (800, 600)
    from PIL import Image  # matplotlib's dependency

    with Image.open(shot) as image:
        colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 100, "the screenshot looks blank"


def test_plugin_test_fails_without_daemon(binary: Path, tmp_path: Path) -> None:
    """The test program reports a failure (not a pass) when nothing answers."""
    result = run_plugin_test(binary, "--port", str(free_udp_port()), "--import-file",
                             str(tmp_path / "none.wav"), "--timeout", "3", timeout=120)
    checks = parse_report(result.stdout)
    assert result.returncode == 1, result.stdout + result.stderr
    assert checks["online"][0] is False


def test_plugin_test_usage(binary: Path) -> None:
    result = run_plugin_test(binary, timeout=60)
    assert result.returncode == 2 and "usage:" in result.stderr
