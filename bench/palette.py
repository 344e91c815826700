"""The palette issue's figures at the daemon's defaults: classes, adjectives, variety.

    python bench/palette.py --corpus DIR [--model models/shotcaller-small] [--json OUT.json]

DIR is a corpus built long enough for sounds to ring out (``corpus build --seconds 4``); its
*test* split (instruments, kits and voices the model never saw) gives each class's real
medians. Printed:

- **classes**: the classifier's top-1 and top-3 on ``tests/data/prompts.jsonl`` and on the
  held-out-vocabulary prompts (``tests/data/heldout_prompts.jsonl``: every prompt uses a word
  no caption has), and the classes below 0.70 (``--class-seeds K`` renders each prompt at
  K seeds: with one, a class's share moves by 1/6 per prompt);
- **adjectives**: for bright/dark (spectral centroid), long/short (decay to -40 dB), hard/soft
  (level) and the effect words (crunchy: flatness; dusty, muffled: centroid; roomy, drenched:
  decay; telephone: share of energy in 300-3400 Hz; squashed, punchy: crest factor), the share
  of "WORD NOUN" renders whose descriptor lies on the asked side of the median of the same
  class's real test sounds (the strict protocol), and beside it the paired ordering (the
  "bright" render above the "dark" one of the same noun and seed);
- **variety**: over the first prompt of each class of both prompt files, how many of 12 seeds
  give distinct sounds (spectral correlation < 0.97) that the classifier still hears as the
  asked class.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from server.audio_io import load_mono  # noqa: E402
from server.corpus.captions import CLASS_NOUNS  # noqa: E402
from server.corpus.dataset import load_corpus, select  # noqa: E402
from server.corpus.descriptors import describe  # noqa: E402
from server.corpus.gm import CLASSES  # noqa: E402
from server.corpus.synth import band_fraction, crest_db  # noqa: E402
from server.diffusion.endings import decay_time  # noqa: E402
from server.diffusion.pipeline import load_pipeline  # noqa: E402
from server.diffusion.train import relative_levels  # noqa: E402
from server.eval.classifier import SoundClassifier, classify  # noqa: E402
from server.eval.metrics import distinct_count  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SR = 44100

MEASURES = {
    "centroid": lambda y: describe(y, sr=SR).centroid_hz,
    "decay": lambda y: decay_time(y, SR),
    "level": lambda y: describe(y, sr=SR).rms_db,
    "flatness": lambda y: describe(y, sr=SR).flatness,
    "band": lambda y: band_fraction(y, SR, 300, 3400),
    "crest": crest_db,
}
#: word → (measure, +1 when the word asks for more of it, -1 for less)
WORDS = {
    "bright": ("centroid", 1), "dark": ("centroid", -1),
    "long": ("decay", 1), "short": ("decay", -1),
    "hard": ("level", 1), "soft": ("level", -1),
    "crunchy": ("flatness", 1), "dusty": ("centroid", -1), "muffled": ("centroid", -1),
    "roomy": ("decay", 1), "drenched in reverb": ("decay", 1),
    "telephone": ("band", 1), "squashed": ("crest", -1), "punchy": ("crest", 1),
}  # fmt: skip
PAIRS = (("bright", "dark"), ("long", "short"), ("hard", "soft"))


def real_medians(corpus: Path, per_class: int) -> dict[str, dict[str, float]]:
    """Each class's median of every measure over its test-split sounds, at the level the model
    learnt them (relative to the instrument's loudest note, as the training latents are)."""
    records = load_corpus(corpus)
    test = select(records, split="test", per_class=per_class, seed=3, classes=set(CLASSES))
    levels = relative_levels(test, records)
    values: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for r, level in zip(test, levels, strict=True):
        y, _ = load_mono(corpus / r["path"], sr=SR)
        y = y * level
        for name, measure in MEASURES.items():
            values[r["class"]][name].append(measure(y))
    return {c: {m: float(np.median(v)) for m, v in ms.items()} for c, ms in values.items()}


def class_figures(pipe, clf, prompts: list[dict], seeds: int = 1) -> dict:
    # Seed i * len(prompts) + n for prompt n: with seeds=1, prompt n renders at seed n.
    runs = [(p, s * len(prompts) + n) for s in range(seeds) for n, p in enumerate(prompts)]
    renders = [pipe(p["prompt"], seed=seed).audios for p, seed in runs]
    _, probs, _ = classify(clf, renders, SR)
    order = np.argsort(-probs, axis=1)
    names = list(clf.config.classes)
    top1, top3 = defaultdict(list), defaultdict(list)
    for (p, _), row in zip(runs, order, strict=True):
        asked = names.index(p["class"])
        top1[p["class"]].append(row[0] == asked)
        top3[p["class"]].append(asked in row[:3])
    per_class = {c: float(np.mean(v)) for c, v in sorted(top1.items())}
    return {"top1": float(np.mean([h for v in top1.values() for h in v])),
            "top3": float(np.mean([h for v in top3.values() for h in v])),
            "per_class": per_class,
            "below_0.70": {c: v for c, v in per_class.items() if v < 0.70}}


def adjective_figures(pipe, medians: dict, seeds: int) -> dict:
    strict: dict[str, list[bool]] = defaultdict(list)
    measured: dict[tuple[str, str, str, int], float] = {}
    for c in CLASSES:
        if c not in medians:
            continue
        for word, (measure, sign) in WORDS.items():
            for noun in CLASS_NOUNS[c][:2]:
                for seed in range(seeds):
                    value = MEASURES[measure](pipe(f"{word} {noun}", seed=seed).audios)
                    measured[(word, c, noun, seed)] = value
                    strict[word].append(sign * (value - medians[c][measure]) > 0)
    paired = {f"{hi}/{lo}": float(np.mean([measured[(hi, *k[1:])] > measured[(lo, *k[1:])]
                                           for k in measured if k[0] == hi]))
              for hi, lo in PAIRS}
    return {"strict": {w: float(np.mean(v)) for w, v in strict.items()}, "paired": paired}


def variety_figures(pipe, clf, prompts: list[dict], seeds: int) -> dict:
    counts = {}
    for p in prompts:
        audios = [pipe(p["prompt"], seed=100 + s).audios for s in range(seeds)]
        names, _, _ = classify(clf, audios, SR)
        counts[p["prompt"]] = distinct_count([a for a, n in zip(audios, names, strict=True)
                                              if n == p["class"]], SR)
    values = list(counts.values())
    return {"median": float(np.median(values)), "min": int(min(values)),
            "share_at_least_10": float(np.mean([v >= 10 for v in values])), "per_prompt": counts}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--model", default=str(ROOT / "models" / "shotcaller-small"))
    parser.add_argument("--classifier", default=str(ROOT / "models" / "eval-classifier"))
    parser.add_argument("--prompts", nargs="+", type=Path,
                        default=[ROOT / "tests" / "data" / "prompts.jsonl",
                                 ROOT / "tests" / "data" / "heldout_prompts.jsonl"])
    parser.add_argument("--real-per-class", type=int, default=120,
                        help="test-split sounds per class behind the medians")
    parser.add_argument("--class-seeds", type=int, default=4,
                        help="seeds per class prompt (one prompt's top-1 is a coin toss)")
    parser.add_argument("--seeds", type=int, default=4,
                        help="seeds per adjective prompt (at 2, a word's share moves by up to 0.09 "
                             "between runs)")
    parser.add_argument("--variety-seeds", type=int, default=12)
    parser.add_argument("--only", choices=("classes", "adjectives", "variety"), default=None)
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args()

    start = time.perf_counter()
    pipe = load_pipeline(args.model, device="cpu")
    clf = SoundClassifier.from_pretrained(args.classifier, low_cpu_mem_usage=False).eval()
    sets = {path.name: [json.loads(line) for line in open(path) if line.strip()]
            for path in args.prompts}
    out: dict = {"model": args.model, "corpus": str(args.corpus)}
    if args.only in (None, "classes"):
        out["classes"] = {name: class_figures(pipe, clf, prompts, args.class_seeds)
                          for name, prompts in sets.items()}
        for name, f in out["classes"].items():
            weak = ", ".join(f"{c} {v:.2f}" for c, v in f["below_0.70"].items()) or "none"
            print(f"classes {name}: top-1 {f['top1']:.3f}, top-3 {f['top3']:.3f}; "
                  f"below 0.70: {weak}")
    if args.only in (None, "adjectives"):
        medians = real_medians(args.corpus, args.real_per_class)
        out["adjectives"] = adjective_figures(pipe, medians, args.seeds)
        for word, share in out["adjectives"]["strict"].items():
            print(f"adjective {word:<20} on the asked side of its class's real median: "
                  f"{share:.2f}")
        for pair, share in out["adjectives"]["paired"].items():
            print(f"paired {pair:<12} ordered as asked: {share:.2f}")
    if args.only in (None, "variety"):
        firsts = [next(p for p in prompts if p["class"] == c)
                  for prompts in sets.values() for c in CLASSES
                  if any(p["class"] == c for p in prompts)]
        out["variety"] = v = variety_figures(pipe, clf, firsts, args.variety_seeds)
        print(f"variety over {len(firsts)} prompts, {args.variety_seeds} seeds: distinct "
              f"sounds of the asked class median {v['median']:.0f}, min {v['min']}, "
              f"prompts with >= 10: {v['share_at_least_10']:.2f}")
    print(f"({time.perf_counter() - start:.0f} s)")
    if args.json:
        args.json.write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
