"""Render latency of the warm pipeline: the cold first render, then p50/p95 over 20 renders.

    python bench/render.py [--model models/shotcaller-small] [--n 20] [--duration 4]

``--duration`` is the longest a render may be (the daemon's ``duration``): each ends where its
sound has died away, so the bench also prints how long the renders came out. The prompts mix
sounds that ring past the codec's window (a crash, a bell, a bass) with short ones.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from server.diffusion.pipeline import load_pipeline  # noqa: E402

PROMPTS = ("punchy techno kick", "glassy bell pluck", "dusty vinyl snare", "warm rhodes chord",
           "crisp closed hi-hat", "deep sub bass note", "breathy flute note", "trashy crash")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="models/shotcaller-small")
    parser.add_argument("--n", type=int, default=20)
    parser.add_argument("--device", default="auto")
    parser.add_argument("--duration", type=float, default=None,
                        help="seconds (default: the model's default duration)")
    args = parser.parse_args()

    t0 = time.perf_counter()
    pipe = load_pipeline(args.model, device=args.device)
    load_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    full = args.duration or pipe.defaults.duration_in_s
    first = pipe(PROMPTS[0], seed=0, duration_in_s=full)
    cold_s = time.perf_counter() - t0
    times, lengths = [], []
    for i in range(args.n):
        t0 = time.perf_counter()
        out = pipe(PROMPTS[i % len(PROMPTS)], seed=i, pitch=48 + i % 24, duration_in_s=full)
        times.append(time.perf_counter() - t0)
        lengths.append(len(out.audios) / out.sampling_rate)
    d = pipe.defaults
    print(f"model {args.model} on {pipe.device} ({torch.get_num_threads()} threads); "
          f"{d.num_inference_steps} steps, guidance {d.guidance_scale}, strength {d.strength}")
    print(f"duration {full:.2f} s at most; renders came out {min(lengths):.2f} to "
          f"{max(lengths):.2f} s (median {np.median(lengths):.2f}) at {first.sampling_rate} Hz")
    print(f"load: {load_s:.2f} s   cold first render: {cold_s:.3f} s")
    print(f"warm renders over {args.n}: p50 {np.percentile(times, 50):.3f} s, "
          f"p95 {np.percentile(times, 95):.3f} s")


if __name__ == "__main__":
    main()
