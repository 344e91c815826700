"""Choose render defaults on the corpus *valid* split (never on tests/data's prompts).

For each (strength, guidance, duration), renders one caption of each of N valid-split samples
per class (two seeds each) and prints what the eval weighs: the classifier's top-1 agreement
with the sample's class, the Fréchet distance to real valid audio, the spread between the two
seeds, how many renders come closer to a corpus sample (the seed library included) than the
closest pair of distinct real samples of their class (novelty; must stay 0), how often an
attribute prompt built from the caption vocabulary ("bright kick" against "dark kick") measures
as asked (spectral centroid, decay time, level), and the time per render. Captions render at
their samples' own notes, all at ``--note N``, or with ``--note register`` each in its seed's
own register, as the daemon's slots and the eval do by default (then a register order is
printed too: how often "high …" renders above "low …").

    python bench/defaults.py --model DIR --corpus DIR [--per-class 4]
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from server.corpus.captions import CLASS_NOUNS, QUALITY_WORDS  # noqa: E402
from server.corpus.dataset import load_corpus, select  # noqa: E402
from server.corpus.gm import CLASSES  # noqa: E402
from server.diffusion.pipeline import load_pipeline  # noqa: E402
from server.eval.classifier import SoundClassifier, classify, embed_records  # noqa: E402
from server.eval.evaluate import attribute_value, novelty_reference  # noqa: E402
from server.eval.metrics import distinct_count, frechet_distance, novelty_pairs  # noqa: E402

#: attribute → (quality of the low prompt, of the high one), in the corpus captions' words
ATTRIBUTES = {"brightness": ("dark", "bright"), "decay": ("fast_decay", "long_release"),
              "level": ("soft", "hard")}


def attribute_pairs() -> list[tuple[str, str, str]]:
    """(attribute, low prompt, high prompt) for every class, from the caption vocabulary
    (``corpus/captions.py``), not from tests/data: "dark kick" / "bright kick", …"""
    return [(kind, f"{QUALITY_WORDS[lo][j]} {CLASS_NOUNS[c][0]}",
             f"{QUALITY_WORDS[hi][j]} {CLASS_NOUNS[c][0]}")
            for c in CLASSES for kind, (lo, hi) in ATTRIBUTES.items() for j in (0, 1)]


def attribute_order(pipe, strength: float, guidance: float, steps: int,
                    duration: float | None = None) -> dict[str, float]:
    """Share of attribute pairs whose high prompt measures higher, per attribute."""
    hits: dict[str, list[bool]] = {k: [] for k in ATTRIBUTES}
    for i, (kind, low, high) in enumerate(attribute_pairs()):
        lo, hi = (attribute_value(pipe(p, seed=i, strength=strength, guidance_scale=guidance,
                                       num_inference_steps=steps,
                                       duration_in_s=duration).audios, kind)
                  for p in (low, high))
        hits[kind].append(hi > lo)
    return {k: float(np.mean(v)) for k, v in hits.items()}


def register_order(pipe, records: list[dict], strength: float, guidance: float, steps: int,
                   duration: float | None = None) -> float:
    """Share of pitched valid captions whose "high …" render, in its own register, sits above
    its "low …" render (the root each render reports)."""
    hits = []
    for i, r in enumerate(rec for rec in records if rec["tonal"]):
        lo, hi = (pipe(f"{side} {r['captions'][0]}", seed=i, strength=strength,
                       guidance_scale=guidance, num_inference_steps=steps,
                       duration_in_s=duration).root_note for side in ("low", "high"))
        if lo is not None and hi is not None:
            hits.append(hi > lo)
    return float(np.mean(hits)) if hits else float("nan")


def variety(pipe, clf, records: list[dict], per_class: int, strength: float, guidance: float,
            steps: int, duration: float | None = None) -> list[int]:
    """Distinct sounds of the asked class among 12 seeds, for ``per_class`` captions a class."""
    counts, seen = [], defaultdict(int)
    for r in records:
        if seen[r["class"]] >= per_class:
            continue
        seen[r["class"]] += 1
        audios = [pipe(r["captions"][0], seed=500 + k, strength=strength, guidance_scale=guidance,
                       num_inference_steps=steps, duration_in_s=duration).audios
                  for k in range(12)]
        names, _, _ = classify(clf, audios, 44100)
        counts.append(distinct_count([a for a, n in zip(audios, names, strict=True)
                                      if n == r["class"]]))
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="models/shotcaller-small")
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--classifier", default="models/eval-classifier")
    parser.add_argument("--per-class", type=int, default=4)
    parser.add_argument("--strengths", default="0.3,0.45,0.6,0.8,1.0")
    parser.add_argument("--guidances", default="3.0")
    parser.add_argument("--steps", type=int, default=12)
    parser.add_argument("--durations", default=None,
                        help="render lengths in seconds (default: the model's)")
    # Seed settings (retrieval.SeedSettings): comma lists; each defaults to the model's own.
    parser.add_argument("--blends", default=None, help="library matches mixed into one seed")
    parser.add_argument("--shortlists", default=None, help="nearest captions the note ranks")
    parser.add_argument("--per-semitones", default=None, help="similarity lost per semitone")
    parser.add_argument("--votes", default=None, help="class vote in the shortlist: 0,1")
    parser.add_argument("--per-qualities", default=None, help="similarity per quality asked")
    parser.add_argument("--pools", default=None,
                        help="each match is drawn among the best pool x blend")
    parser.add_argument("--draw-temperatures", default=None,
                        help="softmax temperature of the draw among the pool")
    parser.add_argument("--variety", type=int, default=0,
                        help="also count distinct sounds among 12 seeds of N valid captions "
                             "per class (spectral correlation < 0.97, the asked class only)")
    parser.add_argument("--note", default=None,
                        help="render every caption at this MIDI note, or 'register' to let each "
                             "render take its seed's own register, instead of at its sample's "
                             "own note")
    args = parser.parse_args()
    if args.note not in (None, "register") and not args.note.isdigit():
        parser.error(f"--note must be a MIDI note or 'register', got {args.note!r}")

    def note_of(record: dict) -> float | None:
        if args.note == "register":
            return None
        return float(args.note) if args.note else record["root_note"] or 60

    pipe = load_pipeline(args.model, device="cpu")
    own = pipe.retrieval.settings
    listed = lambda text, kind, default: [kind(v) for v in text.split(",")] if text \
        else [default]  # noqa: E731
    seed_settings = [dataclasses.replace(own, blend=b, shortlist=s, per_semitone=p, vote=v,
                                         per_quality=q, pool=n, draw_temperature=t)
                     for b, s, p, v, q, n, t in itertools.product(
                         listed(args.blends, int, own.blend),
                         listed(args.shortlists, int, own.shortlist),
                         listed(args.per_semitones, float, own.per_semitone),
                         listed(args.votes, lambda x: bool(int(x)), own.vote),
                         listed(args.per_qualities, float, own.per_quality),
                         listed(args.pools, int, own.pool),
                         listed(args.draw_temperatures, float, own.draw_temperature))]
    clf = SoundClassifier.from_pretrained(args.classifier, low_cpu_mem_usage=False)
    records = load_corpus(args.corpus)
    valid = select(records, split="valid", per_class=args.per_class, seed=5, classes=set(CLASSES))
    real_valid = embed_records(clf, args.corpus, select(records, split="valid", per_class=24,
                                                        seed=6, classes=set(CLASSES)))
    reference = novelty_reference(records, pipe)
    reference_emb = embed_records(clf, args.corpus, reference)
    reference_classes = [r["class"] for r in reference]
    for settings, strength, guidance, duration in itertools.product(
            seed_settings, [float(s) for s in args.strengths.split(",")],
            [float(g) for g in args.guidances.split(",")],
            listed(args.durations, float, pipe.defaults.duration_in_s)):
        pipe.retrieval.settings = settings
        audios: list[list[np.ndarray]] = [[], []]
        seconds = []
        for i, r in enumerate(valid):
            for s, out in enumerate(audios):
                t = time.perf_counter()
                out.append(pipe(r["captions"][i % len(r["captions"])], seed=2 * i + s,
                                strength=strength, guidance_scale=guidance,
                                num_inference_steps=args.steps, duration_in_s=duration,
                                pitch=note_of(r)).audios)
                seconds.append(time.perf_counter() - t)
        names, _, emb = classify(clf, audios[0], 44100)
        emb_b = classify(clf, audios[1], 44100)[2]
        top1 = np.mean([n == r["class"] for n, r in zip(names, valid, strict=True)])
        copies = sum(d < c for d, c in novelty_pairs(
            np.concatenate([emb, emb_b]), [r["class"] for r in valid + valid], reference_emb,
            reference_classes))
        attributes = attribute_order(pipe, strength, guidance, args.steps, duration)
        register = ""
        if args.variety:
            counts = variety(pipe, clf, valid, args.variety, strength, guidance, args.steps,
                             duration)
            register = (f"distinct of 12 median {np.median(counts):.0f} (>= 10: "
                        f"{np.mean(np.array(counts) >= 10):.2f}), ")
        if args.note == "register":
            order = register_order(pipe, valid, strength, guidance, args.steps, duration)
            register += f"register order {order:.2f}, "
        print(f"blend {settings.blend} of {settings.blend * settings.pool} (draw temperature "
              f"{settings.draw_temperature}), shortlist "
              f"{settings.shortlist}{' with class vote' if settings.vote else ''}, "
              f"{settings.per_semitone}/semitone, {settings.per_quality}/quality, "
              f"strength {strength:.2f} guidance {guidance:.1f} steps {args.steps} "
              f"duration {duration:.3f} s{f' at note {args.note}' if args.note else ''}: "
              f"valid-caption top-1 {top1:.3f} over {len(valid)}, "
              f"Fréchet {frechet_distance(np.concatenate([emb, emb_b]), real_valid):.1f}, "
              f"seed spread {np.linalg.norm(emb - emb_b, axis=1).mean():.2f}, "
              f"closer than closest real pair {copies} of {2 * len(valid)}, attribute order "
              f"{np.mean(list(attributes.values())):.2f} (" +
              "/".join(f"{v:.2f}" for v in attributes.values()) + f" {'/'.join(attributes)}), "
              f"{register}{np.median(seconds):.2f} s per render", flush=True)


if __name__ == "__main__":
    main()
