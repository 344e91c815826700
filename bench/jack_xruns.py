"""A JACK client that stands in for a DAW's audio thread and counts xruns (not a benchmark).

    python bench/jack_xruns.py SERVER

Registers one output port, writes silence every period, and answers each line on stdin with
the number of xruns so far. ``bench/note_latency.py`` runs it as a child process: the client's
process callback is Python, and sharing an interpreter (and its GIL) with the benchmark's own
OSC threads would cost it periods that a DAW's audio thread would never lose.
"""

from __future__ import annotations

import sys

import jack


def main() -> int:
    client = jack.Client("xrun-counter", no_start_server=True, servername=sys.argv[1])
    out = client.outports.register("out")
    xruns: list[float] = []
    client.set_xrun_callback(lambda delay: xruns.append(delay))

    @client.set_process_callback
    def process(frames: int) -> None:
        out.get_array().fill(0.0)

    with client:
        print("ready", flush=True)
        for _ in sys.stdin:
            print(len(xruns), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
