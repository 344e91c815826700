"""How faithfully the codec's tail model carries a sound on past its 1.49 s window.

    python bench/tail.py --corpus DIR [--split test|valid] [--per-class 8] [--seed 0]
        [--codec models/shotcaller-small/codec]

DIR is a corpus built long enough for sounds to ring out (``shotcaller corpus build --seconds
4 ...``). From its split, ``--per-class`` sounds of each class that ring past the window
(decay to -40 dB of at least ``--min-decay`` s, ``endings.decay_time``) are encoded, decoded at
their own length (the tail model carrying on each one still ringing at the window's end) and
timed again. Printed per class and overall: the real and the decoded median decay, the median
log2 ratio (0: as long as the real sound, +1: twice as long), and the share within +-25 % of
the real decay. ``--split valid`` for choosing settings, ``test`` for reporting.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from server.audio_io import load_mono  # noqa: E402
from server.codec.codec import SpectralCodec  # noqa: E402
from server.corpus.dataset import load_corpus  # noqa: E402
from server.diffusion.endings import decay_time  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--codec", default=str(Path(__file__).resolve().parents[1] / "models"
                                               / "shotcaller-small" / "codec"))
    parser.add_argument("--split", default="test", choices=("test", "valid"))
    parser.add_argument("--per-class", type=int, default=8)
    parser.add_argument("--min-decay", type=float, default=1.3,
                        help="seconds to -40 dB a sound needs to count as ringing past the window")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    codec = SpectralCodec.from_pretrained(args.codec)
    by_class: dict[str, list[dict]] = defaultdict(list)
    for r in load_corpus(args.corpus):
        if r.get("split") == args.split:
            by_class[r["class"]].append(r)
    rng = np.random.default_rng(args.seed)
    ratios: dict[str, list[tuple[float, float]]] = {}
    for cls, records in sorted(by_class.items()):
        pairs = []
        for i in rng.permutation(len(records)):
            if len(pairs) >= args.per_class:
                break
            y, sr = load_mono(args.corpus / records[i]["path"])
            real = decay_time(y, sr)
            if real < args.min_decay:
                continue
            out = codec.decode(codec.encode(y, sr), output_sampling_rate=sr,
                               duration_in_s=len(y) / sr)[0]
            pairs.append((real, decay_time(out, sr)))
        if pairs:
            ratios[cls] = pairs
    print(f"{'class':<12} {'n':>3} {'real':>5} {'codec':>5}  log2 ratio  within 25 %")
    every = []
    for cls, pairs in ratios.items():
        logs = [float(np.log2(b / a)) for a, b in pairs]
        every += logs
        print(f"{cls:<12} {len(pairs):3d} {np.median([a for a, _ in pairs]):5.2f} "
              f"{np.median([b for _, b in pairs]):5.2f}  {np.median(logs):+10.2f}  "
              f"{np.mean([abs(2 ** x - 1) <= 0.25 for x in logs]):11.2f}")
    logs = np.array(every)
    print(f"all {len(logs)} sounds ringing past the window ({args.split} split): median log2 "
          f"ratio {np.median(logs):+.3f}, mean |log2 ratio| {np.mean(np.abs(logs)):.3f}, "
          f"within 25 % of the real decay {np.mean(np.abs(2 ** logs - 1) <= 0.25):.2f}")


if __name__ == "__main__":
    main()
