"""Note-on → /shot/note/ready latency on a rendered slot, over OSC and over MIDI through JACK.

    python bench/note_latency.py [--model DIR] [--notes 1000] [--jack-period 64]

Starts the daemon (the shipped model, or the tiny random one when it is missing: printed),
renders slot 0 from a prompt, then plays ``--notes`` notes one after another and times each
from send to the reply's arrival: ``/shot/note`` over UDP (chromatic keymap: repitched; drums
keymap: not), then MIDI note-ons from a JACK client into the daemon's virtual port. JACK
delivers MIDI once per period, so the MIDI figure includes up to one period of the server
(started here with ``--jack-period`` frames at 48 kHz when no JACK server is running;
below 256 frames a non-realtime JACK on a busy machine may drop clients that miss a cycle).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from daemon_harness import Daemon, Peer, free_port, percentiles, pick_model  # noqa: E402


def start_jack(period: int) -> tuple[subprocess.Popen | None, dict[str, str], str]:
    from bridge.midi_in import jack_server_running

    if jack_server_running():
        name = os.environ.get("JACK_DEFAULT_SERVER", "default")
        return None, {"JACK_NO_START_SERVER": "1"}, f"JACK: running server {name!r}"
    if shutil.which("jackd") is None:
        return None, {}, "JACK: jackd not installed, MIDI part skipped"
    name = "shotcaller_bench"
    env = {"JACK_DEFAULT_SERVER": name, "JACK_NO_START_SERVER": "1"}
    proc = subprocess.Popen(["jackd", "-n", name, "--no-realtime", "-d", "dummy", "-r", "48000",
                             "-p", str(period)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env={**os.environ, **env})
    os.environ.update(env)
    deadline = time.monotonic() + 20
    while not jack_server_running():
        if time.monotonic() > deadline:
            raise RuntimeError("jackd did not start")
        time.sleep(0.1)
    return proc, env, f"JACK: started {name!r}, dummy driver, 48 kHz, period {period} frames " \
                      f"({period / 48:.2f} ms)"


def time_notes(peer: Peer, send_note, notes: list[tuple[int, int]]) -> list[float]:
    out = []
    for note, velocity in notes:
        t0 = time.perf_counter()
        send_note(note, velocity)
        peer.wait_for("/shot/note/ready", timeout=30, match=lambda a, n=note: a[0] == n)
        out.append(time.perf_counter() - t0)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model")
    parser.add_argument("--notes", type=int, default=1000)
    parser.add_argument("--jack-period", type=int, default=256)
    parser.add_argument("--no-midi", action="store_true")
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
        peer.send("/shot/prompt", 0, "warm rhodes electric piano note")
        ready = peer.wait_for("/shot/ready", match=lambda a: a[0] == 0)
        print(f"slot 0 rendered: {ready[3]:.2f} s of audio, root {ready[2]}")
        notes = [(48 + (i * 7) % 25, 30 + (i * 13) % 98) for i in range(args.notes)]

        peer.send("/shot/keymap", "chromatic", 0)
        peer.wait_for("/shot/keymap")
        time.sleep(1.0)  # let the repitch cache fill (the daemon does it after a render)
        osc = time_notes(peer, lambda n, v: peer.send("/shot/note", n, v), notes)
        print(f"OSC  /shot/note → /shot/note/ready, chromatic (repitched): {percentiles(osc)}")

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
