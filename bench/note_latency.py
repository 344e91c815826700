"""Note-on → /shot/note/ready latency on a rendered slot, over OSC and over MIDI through JACK,
alone, under a fader and during renders; and JACK xruns while the daemon renders.

    python bench/note_latency.py [--model DIR] [--notes 1000] [--jack-period 64]
                                 [--xrun-prompts 20] [--xrun-period 64]

Starts the daemon (the shipped model, or the tiny random one when it is missing: printed),
renders every slot from a prompt that rings out (``--prompt``, at the default 4 s duration:
the longest sounds the daemon makes), then plays ``--notes`` notes one after another and times each
from send to the reply's arrival: ``/shot/note`` over UDP (chromatic keymap: repitched; drums
keymap: not), then MIDI note-ons from a JACK client into the daemon's virtual port. JACK
delivers MIDI once per period, so the MIDI figure includes up to one period of the server
(started here with ``--jack-period`` frames at 48 kHz when no JACK server is running;
below 256 frames a non-realtime JACK on a busy machine may drop clients that miss a cycle).

Two more OSC runs time the same notes while a second sender moves a fader (``/shot/set 0 gain``
at ``--fader-rate`` messages a second; every change is fsynced by the daemon's state writer)
and while slot 1 renders without pause (pure generation at 60 steps, a new prompt every 0.3 s
cancelling the one before). Last, a JACK client on its
own dummy-driver server at ``--xrun-period`` frames (``bench/jack_xruns.py``, a DAW's audio
thread stand-in in its own process; it needs the ``JACK-Client`` package: ``pip install -e
'.[bench]'``) counts xruns while the daemon renders ``--xrun-prompts`` prompts one after
another, and for as long again with the daemon idle. The server runs realtime where allowed
(root or an rtprio limit), as a DAW's audio thread does; without realtime scheduling JACK
misses periods on a busy 2-core machine whatever the daemon does (the idle figure shows it).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from daemon_harness import Daemon, Peer, free_port, percentiles, pick_model  # noqa: E402


def start_jack(period: int, name: str = "shotcaller_bench", *, reuse: bool = True,
               realtime: bool = False) -> tuple[subprocess.Popen | None, dict[str, str], str]:
    from bridge.midi_in import jack_server_running

    if reuse and jack_server_running():
        running = os.environ.get("JACK_DEFAULT_SERVER", "default")
        return None, {"JACK_NO_START_SERVER": "1"}, f"JACK: running server {running!r}"
    if shutil.which("jackd") is None:
        return None, {}, "JACK: jackd not installed, MIDI part skipped"
    env = {"JACK_DEFAULT_SERVER": name, "JACK_NO_START_SERVER": "1"}
    scheduling = ["-R", "-P", "70"] if realtime else ["--no-realtime"]
    proc = subprocess.Popen(["jackd", "-n", name, *scheduling, "-d", "dummy", "-r", "48000",
                             "-p", str(period)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env={**os.environ, **env})
    old = os.environ.get("JACK_DEFAULT_SERVER")
    os.environ["JACK_DEFAULT_SERVER"] = name
    try:
        deadline = time.monotonic() + 20
        while not jack_server_running():
            if proc.poll() is not None:  # e.g. realtime scheduling refused
                return None, {}, f"jackd {' '.join(scheduling)} exited ({proc.returncode})"
            if time.monotonic() > deadline:
                raise RuntimeError("jackd did not start")
            time.sleep(0.1)
    finally:
        if not reuse:  # a side server: don't make it the default for the daemon
            if old is None:
                os.environ.pop("JACK_DEFAULT_SERVER", None)
            else:
                os.environ["JACK_DEFAULT_SERVER"] = old
    if reuse:
        os.environ.update(env)
    return proc, env, f"JACK: started {name!r}, dummy driver, 48 kHz, period {period} frames " \
                      f"({period / 48:.2f} ms)"


@contextmanager
def background(work: Callable[[threading.Event], None]) -> Iterator[None]:
    """Run ``work(stop)`` on a thread for the duration of the block."""
    stop = threading.Event()
    thread = threading.Thread(target=work, args=(stop,), daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(10)


def fader(port: int, rate: float) -> Callable[[threading.Event], None]:
    """A second sender moving slot 0's gain ``rate`` times a second."""
    def work(stop: threading.Event) -> None:
        peer = Peer(port)
        t0, n = time.perf_counter(), 0
        while not stop.is_set():
            peer.send("/shot/set", 0, "gain", 0.5 + 0.5 * ((n % 100) / 100))
            n += 1
            time.sleep(max(0.0, t0 + n / rate - time.perf_counter()))
        peer.sock.close()
    return work


def renders(port: int, period_s: float = 0.3) -> Callable[[threading.Event], None]:
    """A second sender keeping slot 1 rendering: a new prompt every ``period_s``."""
    prompts = ["dusty vinyl snare", "glassy bell pluck", "fat 808 kick", "warm rhodes note"]

    def work(stop: threading.Event) -> None:
        peer = Peer(port)
        n = 0
        while not stop.wait(period_s if n else 0.0):
            peer.send("/shot/prompt", 1, prompts[n % len(prompts)])
            n += 1
        peer.sock.close()
    return work


def count_xruns(daemon_peer: Peer, period: int, prompts: int) -> list[str]:
    """xruns seen by a JACK client at ``period`` frames, idle and while the daemon renders
    ``prompts`` prompts one after another. The server runs with realtime scheduling where the
    system allows it (as a DAW's audio thread does), else without, and says which."""
    if importlib.util.find_spec("jack") is None:
        return ["xruns: skipped (pip install JACK-Client, or pip install -e '.[bench]')"]
    lines = []
    for realtime in (True, False):
        server, _, line = start_jack(period, "shotcaller_xrun", reuse=False, realtime=realtime)
        if server is not None:
            break
        lines.append(f"xruns: {line}")
    if server is None:
        return lines + ["xruns: skipped (no JACK server)"]
    mode = "realtime" if realtime else "not realtime"
    client = subprocess.Popen([sys.executable, str(Path(__file__).with_name("jack_xruns.py")),
                               "shotcaller_xrun"], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)

    def xruns() -> int:
        client.stdin.write("?\n")
        client.stdin.flush()
        return int(client.stdout.readline())

    try:
        if client.stdout.readline().strip() != "ready":
            return lines + ["xruns: the JACK client did not start"]
        time.sleep(2.0)  # start-up glitches of the server itself are not counted
        settle = xruns()
        t0 = time.perf_counter()
        for n in range(prompts):
            daemon_peer.send("/shot/prompt", 2, f"punchy kick variation {n}")
            daemon_peer.wait_for("/shot/ready", timeout=120, match=lambda a: a[0] == 2)
        seconds = time.perf_counter() - t0
        busy = xruns() - settle
        time.sleep(seconds)  # the same time with the daemon idle, for comparison
        idle = xruns() - settle - busy
        lines.append(f"xruns: {busy} at {period} frames ({period / 48:.2f} ms, JACK dummy "
                     f"driver, {mode}) while the daemon rendered {prompts} prompts in "
                     f"{seconds:.1f} s; {idle} in the same time idle")
        return lines
    finally:
        client.terminate()
        client.wait(10)
        server.terminate()
        server.wait(10)


def time_notes(peer: Peer, send_note, notes: list[tuple[int, int]]) -> list[float]:
    out = []
    for note, velocity in notes:
        t0 = time.perf_counter()
        send_note(note, velocity)
        peer.wait_for("/shot/note/ready", timeout=30, match=lambda a, n=note: a[0] == n)
        out.append(time.perf_counter() - t0)
    return out


def time_acks(peer: Peer, count: int) -> list[float]:
    """Send-to-acknowledgement times of ``/shot/set 2 seed N``: the reply comes once the change
    is in the fsynced state file."""
    out = []
    for n in range(count):
        t0 = time.perf_counter()
        peer.send("/shot/set", 2, "seed", n)
        peer.wait_for("/shot/slot", timeout=30, match=lambda a, n=n: a[0] == 2 and a[4] == n)
        out.append(time.perf_counter() - t0)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model")
    parser.add_argument("--notes", type=int, default=1000)
    parser.add_argument("--prompt", default="crash cymbal ringing out",
                        help="what every slot renders (default: a sound that rings for 4 s)")
    parser.add_argument("--jack-period", type=int, default=256)
    parser.add_argument("--no-midi", action="store_true")
    parser.add_argument("--fader-rate", type=float, default=400.0,
                        help="/shot/set messages a second in the fader run (default 400)")
    parser.add_argument("--xrun-prompts", type=int, default=20)
    parser.add_argument("--xrun-period", type=int, default=64)
    args = parser.parse_args()

    model, why = pick_model(args.model)
    print(why)
    jack, env, jack_line = (None, {}, "MIDI: off") if args.no_midi else \
        start_jack(args.jack_period)
    print(jack_line)
    midi = bool(env) and not args.no_midi
    reply_port = free_port()
    daemon = Daemon(model, "--rate", "48000",
                    *(["--midi-api", "jack"] if midi else ["--no-midi"]),
                    reply_port=reply_port, env=env)
    peer = Peer(daemon.port, port=reply_port)
    try:
        print(f"daemon ready in {daemon.wait_ready(peer):.2f} s")
        lengths = []
        for slot in range(16):
            peer.send("/shot/prompt", slot, args.prompt)
            lengths.append(peer.wait_for("/shot/ready", match=lambda a, s=slot: a[0] == s)[3])
        print(f"16 slots rendered from {args.prompt!r}: {min(lengths):.2f} to "
              f"{max(lengths):.2f} s of audio (slot 0: {lengths[0]:.2f} s)")
        notes = [(48 + (i * 7) % 25, 30 + (i * 13) % 98) for i in range(args.notes)]

        peer.send("/shot/keymap", "chromatic", 0)
        peer.wait_for("/shot/keymap")
        time.sleep(1.0)  # let the repitch cache fill (the daemon does it after a render)
        osc = time_notes(peer, lambda n, v: peer.send("/shot/note", n, v), notes)
        print(f"OSC  /shot/note → /shot/note/ready, chromatic (repitched): {percentiles(osc)}")
        with background(fader(daemon.port, args.fader_rate)):
            time.sleep(0.5)
            osc_f = time_notes(peer, lambda n, v: peer.send("/shot/note", n, v), notes)
            acks = time_acks(peer, 200)
        print(f"OSC  /shot/note, chromatic, fader at {args.fader_rate:.0f} /shot/set/s: "
              f"{percentiles(osc_f)}")
        print(f"OSC  /shot/set → /shot/slot (on disk, fsynced), under the fader: "
              f"{percentiles(acks)}")
        for key, value in (("strength", 1.0), ("steps", 60)):  # about a second a render
            peer.send("/shot/set", 1, key, value)
            peer.wait_for("/shot/slot", match=lambda a: a[0] == 1)
        peer.send("/shot/prompt", 1, "dusty vinyl snare")
        peer.wait_for("/shot/ready", match=lambda a: a[0] == 1)
        with background(renders(daemon.port)):
            time.sleep(0.5)
            osc_r = time_notes(peer, lambda n, v: peer.send("/shot/note", n, v), notes)
        print(f"OSC  /shot/note, chromatic, slot 1 rendering throughout: {percentiles(osc_r)}")
        time.sleep(1.0)  # the last render finishes

        peer.send("/shot/keymap", "drums")
        peer.wait_for("/shot/keymap")
        drums = [(36, v) for _, v in notes]
        osc_d = time_notes(peer, lambda n, v: peer.send("/shot/note", n, v), drums)
        print(f"OSC  /shot/note → /shot/note/ready, drums (not repitched): {percentiles(osc_d)}")

        if midi:
            import rtmidi

            peer.send("/shot/keymap", "chromatic", 0)
            peer.wait_for("/shot/keymap")
            out = rtmidi.MidiOut(rtmidi.API_UNIX_JACK, name="bench-keyboard")
            index = next(i for i, n in enumerate(out.get_ports()) if n.endswith(":Shotcaller"))
            out.open_port(index, name="out")
            time.sleep(0.5)
            mid = time_notes(peer, lambda n, v: out.send_message([0x90, n, v]), notes)
            print(f"MIDI note-on (JACK) → /shot/note/ready, chromatic:    {percentiles(mid)}")
            out.close_port()
            out.delete()
        if args.xrun_prompts:
            print("\n".join(count_xruns(peer, args.xrun_period, args.xrun_prompts)))
        print(f"daemon resident memory: {daemon.rss_mb():.0f} MB")
    except BaseException:
        print(daemon.stop()[-3000:])
        raise
    else:
        log = daemon.stop()
    finally:
        if jack is not None:
            jack.terminate()
            jack.wait(10)
    if "Traceback" in log:
        print(log[-3000:])
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
