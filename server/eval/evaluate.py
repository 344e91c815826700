"""``shotcaller eval``: judge a model on producer prompts against real test-split audio."""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tqdm import tqdm

from ..corpus.dataset import load_corpus, select
from ..corpus.descriptors import describe
from ..corpus.gm import CLASSES, DRUM_CLASSES
from ..diffusion.pipeline import ShotcallerPipeline
from ..diffusion.tuning import tune_to_note
from .classifier import SoundClassifier, classify, embed_records
from .metrics import (
    cents,
    detected_pitch,
    frechet_distance,
    mean_pairwise_distance,
    novelty_pairs,
)

log = logging.getLogger(__name__)
RATE = 44100
TONAL_CLASSES = [c for c in CLASSES if c not in DRUM_CLASSES]


@dataclass
class EvalConfig:
    model: Path
    corpus: Path
    classifier: Path
    prompts: Path
    attributes: Path
    out: Path
    pitch_notes: tuple[int, ...] = (36, 42, 48, 54, 60, 66, 72, 78, 84)
    diversity_seeds: int = 4


def novelty_reference(records: list[dict], pipe: ShotcallerPipeline) -> list[dict]:
    """The corpus samples renders must not copy: a class-balanced draw of the train split plus
    every sample in the model's seed library (which renders start from, so the likeliest
    originals of a copy)."""
    reference = select(records, split="train", per_class=300, seed=2, classes=set(CLASSES))
    sources = set(getattr(pipe.retrieval, "sources", None) or [])
    chosen = {r["path"] for r in reference}
    return reference + [r for r in records if r["path"] in sources and r["path"] not in chosen
                        and r["class"] in CLASSES]


def _render(pipe: ShotcallerPipeline, prompt: str, seed: int, **kw) -> np.ndarray:
    return pipe(prompt, seed=seed, output_sampling_rate=RATE, **kw).audios


def evaluate(cfg: EvalConfig) -> dict:
    pipe = ShotcallerPipeline.from_pretrained(cfg.model)
    clf = SoundClassifier.from_pretrained(cfg.classifier, low_cpu_mem_usage=False).eval()
    prompts = [json.loads(line) for line in open(cfg.prompts) if line.strip()]
    attributes = json.loads(Path(cfg.attributes).read_text())
    records = load_corpus(cfg.corpus)
    cfg.out.mkdir(parents=True, exist_ok=True)
    results: dict = {"model": str(cfg.model), "defaults": pipe.defaults.__dict__}

    # Relevance: does the classifier hear the prompt's class in the render?
    renders = [_render(pipe, p["prompt"], seed=i) for i, p in
               enumerate(tqdm(prompts, desc="relevance"))]
    names, _, render_emb = classify(clf, renders, RATE)
    hits = [n == p["class"] for n, p in zip(names, prompts, strict=True)]
    per_class = defaultdict(list)
    for h, p in zip(hits, prompts, strict=True):
        per_class[p["class"]].append(h)
    results["relevance_top1"] = float(np.mean(hits))
    results["relevance_per_class"] = {c: float(np.mean(v)) for c, v in per_class.items()}
    ceiling = Path(cfg.classifier) / "accuracy.json"
    if ceiling.is_file():
        results["classifier_test_top1"] = json.loads(ceiling.read_text())["test_split_top1"]

    # Fréchet distance to real test audio, beside real-vs-real between two halves.
    test = select(records, split="test", per_class=24, seed=1, classes=set(CLASSES))
    real_emb = embed_records(clf, cfg.corpus, test)
    order = np.random.default_rng(0).permutation(len(real_emb))
    half = len(order) // 2
    results["frechet_render_vs_real"] = frechet_distance(render_emb, real_emb)
    results["frechet_real_vs_real"] = frechet_distance(real_emb[order[:half]],
                                                       real_emb[order[half:]])

    # Attribute adherence: the 'high' prompt must measure higher than the 'low' one.
    attribute_hits = defaultdict(list)
    for spec in attributes:
        for x in spec["x"]:
            for seed in (0, 1):
                lo = _render(pipe, spec["low"].format(x=x), seed=seed)
                hi = _render(pipe, spec["high"].format(x=x), seed=seed)
                kind = spec["attribute"]
                a, b = attribute_value(lo, kind), attribute_value(hi, kind)
                attribute_hits[kind].append(b > a)
    results["attribute_adherence"] = float(np.mean([h for v in attribute_hits.values()
                                                     for h in v]))
    results["attribute_per_kind"] = {k: float(np.mean(v)) for k, v in attribute_hits.items()}

    # Pitch accuracy on tonal prompts across the keyboard, from the same renders with and
    # without the tuning step (diffusion/tuning.py); the headline figure is the one the model's
    # defaults render with.
    errors: dict[str, list[float]] = {"_tuned": [], "_untuned": []}
    tonal_prompts = [p for p in prompts if p["class"] in TONAL_CLASSES][::3]
    for i, p in enumerate(tqdm(tonal_prompts, desc="pitch")):
        for note in cfg.pitch_notes:
            raw = pipe(p["prompt"], seed=i, pitch=note, output_sampling_rate=RATE, tonal=True,
                       tune=False).audios
            tuned, _ = tune_to_note(raw, RATE, float(note))
            for key, audio in (("_tuned", tuned), ("_untuned", raw)):
                f = detected_pitch(audio, RATE)
                if f is not None:
                    errors[key].append(abs(cents(f, note)))
    default = "_tuned" if pipe.defaults.tune else "_untuned"
    for key in ("", *errors):
        e = errors[key or default]
        results[f"pitch_median_abs_cents{key}"] = float(np.median(e)) if e else None
        results[f"pitch_within_50_cents{key}"] = float(np.mean(np.array(e) < 50)) if e else None
        results[f"pitch_voiced_renders{key}"] = len(e)
    results["pitch_tuned_by_default"] = default == "_tuned"

    # Diversity: spread between seeds of one prompt, against same-class real spread.
    firsts = {p["class"]: p["prompt"] for p in reversed(prompts)}
    spreads, real_spreads = [], []
    for c, prompt in firsts.items():
        audios = [_render(pipe, prompt, seed=100 + s) for s in range(cfg.diversity_seeds)]
        spreads.append(mean_pairwise_distance(classify(clf, audios, RATE)[2]))
        same = [i for i, r in enumerate(test) if r["class"] == c]
        real_spreads.append(mean_pairwise_distance(real_emb[same]))
    results["diversity_seed_spread"] = float(np.mean(spreads))
    results["diversity_real_same_class_spread"] = float(np.mean(real_spreads))

    # Novelty: distance of each render to its nearest corpus sample of the prompt's class.
    reference = novelty_reference(records, pipe)
    novel = novelty_pairs(render_emb, [p["class"] for p in prompts],
                          embed_records(clf, cfg.corpus, reference),
                          [r["class"] for r in reference])
    results["novelty_reference_samples"] = len(reference)
    results["novelty_min_render_to_corpus"] = float(min(d for d, _ in novel))
    results["novelty_renders_closer_than_closest_real_pair"] = int(sum(d < c for d, c in novel))
    results["novelty_median_render_to_corpus"] = float(np.median([d for d, _ in novel]))

    from ..plots import spectrogram_sheet

    sheet = [(f"{p['class']}: {p['prompt']}", renders[i]) for i, p in enumerate(prompts)
             if i % 6 == 0]
    spectrogram_sheet(sheet, sr=RATE, png=cfg.out / "renders.png", columns=5,
                      title=f"{Path(cfg.model).name}: one render per class")
    (cfg.out / "eval.json").write_text(json.dumps(results, indent=2) + "\n")
    return results


def attribute_value(audio: np.ndarray, kind: str) -> float:
    """What an attribute prompt is judged by: spectral centroid, decay time or RMS level."""
    d = describe(audio, sr=RATE)
    if kind == "brightness":
        return d.centroid_hz
    if kind == "decay":
        return d.decay_s
    if kind == "level":
        return d.rms_db
    raise ValueError(f"unknown attribute {kind!r}")
