"""Daemon cold start to ready, prompt → /shot/ready, and resident memory.

    python bench/daemon_start.py [--model DIR] [--starts 3] [--prompts 20] [--steps N]

Cold start: from spawning ``shotcaller serve`` to the first ``/shot/pong ... ready`` (imports,
model load, warm-up render). Prompt → ready: distinct prompts to one slot, each waited for,
timed from send to ``/shot/ready``, with the slot's default steps unless ``--steps``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from daemon_harness import Daemon, Peer, percentiles, pick_model  # noqa: E402

PROMPTS = ["dusty vinyl snare", "808 kick, long boomy sub", "warm rhodes note",
           "bright glass bell", "closed hi-hat, tight", "deep synth bass note",
           "hand clap with reverb", "nylon guitar pluck", "soft string pad note", "cowbell"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model")
    parser.add_argument("--starts", type=int, default=3)
    parser.add_argument("--prompts", type=int, default=20)
    parser.add_argument("--steps", type=int, default=None)
    args = parser.parse_args()

    model, why = pick_model(args.model)
    print(why)
    starts = []
    for i in range(args.starts):
        daemon = Daemon(model, "--no-midi")
        peer = Peer(daemon.port)
        try:
            starts.append(daemon.wait_ready(peer))
            if i < args.starts - 1:
                continue
            rss_idle = daemon.rss_mb()
            if args.steps:
                peer.send("/shot/set", 0, "steps", args.steps)
                peer.wait_for("/shot/slot")
            times = []
            for k in range(args.prompts):
                t0 = time.perf_counter()
                peer.send("/shot/prompt", 0, f"{PROMPTS[k % len(PROMPTS)]} {k}")
                peer.wait_for("/shot/ready", timeout=600, match=lambda a: a[0] == 0)
                times.append(time.perf_counter() - t0)
            rss = daemon.rss_mb()
        finally:
            daemon.stop()
    print(f"cold start → ready: median {statistics.median(starts):.2f} s "
          f"(runs: {', '.join(f'{s:.2f}' for s in starts)})")
    print(f"prompt → /shot/ready: {percentiles(times)}")
    print(f"daemon resident memory: {rss_idle:.0f} MB after start, {rss:.0f} MB after "
          f"{args.prompts} renders")
    return 0


if __name__ == "__main__":
    sys.exit(main())
