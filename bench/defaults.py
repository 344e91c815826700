"""Choose render defaults on the corpus *valid* split (never on tests/data's prompts).

For each (strength, guidance) pair, renders one caption of each of N valid-split samples per
class and prints the classifier's top-1 agreement with the sample's class and the time per
render.

    python bench/defaults.py --model DIR --corpus DIR [--per-class 2]
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from server.corpus.dataset import load_corpus, select  # noqa: E402
from server.corpus.gm import CLASSES  # noqa: E402
from server.diffusion.pipeline import load_pipeline  # noqa: E402
from server.eval.classifier import SoundClassifier, classify  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="models/shotcaller-small")
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--classifier", default="models/eval-classifier")
    parser.add_argument("--per-class", type=int, default=2)
    parser.add_argument("--strengths", default="0.6,0.8,1.0")
    parser.add_argument("--guidances", default="3.0")
    parser.add_argument("--steps", type=int, default=12)
    args = parser.parse_args()
    pipe = load_pipeline(args.model, device="cpu")
    clf = SoundClassifier.from_pretrained(args.classifier, low_cpu_mem_usage=False)
    records = select(load_corpus(args.corpus), split="valid", per_class=args.per_class, seed=5,
                     classes=set(CLASSES))
    for strength, guidance in itertools.product(
            [float(s) for s in args.strengths.split(",")],
            [float(g) for g in args.guidances.split(",")]):
        audios, seconds = [], []
        for i, r in enumerate(records):
            t = time.perf_counter()
            out = pipe(r["captions"][i % len(r["captions"])], seed=i, strength=strength,
                       guidance_scale=guidance, num_inference_steps=args.steps,
                       pitch=r["root_note"] or 60)
            seconds.append(time.perf_counter() - t)
            audios.append(out.audios)
        names, _, _ = classify(clf, audios, 44100)
        top1 = np.mean([n == r["class"] for n, r in zip(names, records, strict=True)])
        print(f"strength {strength:.2f} guidance {guidance:.1f} steps {args.steps}: "
              f"valid-caption top-1 {top1:.3f} over {len(records)}, "
              f"{np.median(seconds):.2f} s per render")


if __name__ == "__main__":
    main()
