"""Vary, morph and transfer measured on a folder of real sounds (#25's figures).

    python bench/sound_to_sound.py --corpus DIR [--model DIR] [--sounds 40] [--pairs 20]
        [--png docs/sound_to_sound.png]

``--corpus`` is a corpus folder (``shotcaller corpus build``: ``metadata.jsonl`` with classes
and roots, e.g. one built with ``--hydrogen`` or ``--salamander``, or the test split of the
soundfont corpus). Sounds are drawn evenly over its classes, from its ``--split`` (``test`` by
default: instruments the model and its library never saw; ``any`` for a folder without
splits). Printed:

- vary: Spearman correlation of distance-from-source (log-mel L1) with strength over 0.05, 0.1,
  0.2, 0.4, 0.6 (per sound, then the median); distinct sounds among 8 variations at 0.2
  (spectral correlation < 0.97); how often the eval's classifier gives a variation at 0.2 the
  source's class (all eight of each source), beside how often it gives the sources their own;
- morph: along t = 0, 0.25, 0.5, 0.75, 1, the share of pairs whose spectral centroid and whose
  decay time move monotonically from A's to B's (the way from A's own to B's own, never
  back); the loudness at 0.5 against the endpoints' mean; for pitched pairs, the pitch at 0.5
  against A's root;
- restyle: for bright, dark, long, short and each effect word, at each ``--restyle-strengths``,
  how often the restyled sound moves from its source the way the word asks (the measures of
  ``bench/palette.py``), and how far a pitched sound's pitch moved from the source's
  measured pitch (cents; ≤ 15 asked), over the sources heard within 50 cents of their root;
- transfer: the share of pairs whose centroid moves toward the texture's, and how far its pitch
  lies from the content's own (measured on both).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from server.audio_io import load_mono  # noqa: E402
from server.corpus.descriptors import describe  # noqa: E402
from server.diffusion.prompt_words import prompt_qualities  # noqa: E402
from server.diffusion.restyle_moves import restyle_duration, variation_strength  # noqa: E402
from server.eval.metrics import distinct_count, logmel  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from palette import MEASURES, WORDS  # noqa: E402

SR = 44100
STRENGTHS = (0.05, 0.1, 0.2, 0.4, 0.6)
TS = (0.0, 0.25, 0.5, 0.75, 1.0)


def distance(a: np.ndarray, b: np.ndarray) -> float:
    x, y = logmel(a, SR), logmel(b, SR)
    n = min(x.shape[1], y.shape[1])
    return float(np.mean(np.abs(x[:, :n] - y[:, :n])))


def spearman(x: list[float], y: list[float]) -> float:
    rx, ry = np.argsort(np.argsort(x)), np.argsort(np.argsort(y))
    return float(np.corrcoef(rx, ry)[0, 1])


def monotonic(values: list[float], start: float, end: float) -> bool:
    """Whether ``values`` move monotonically the way from ``start`` (A's own) to ``end``
    (B's): never back, and not the other way."""
    d = np.diff(values)
    return bool(np.all(d >= -1e-9) if end >= start else np.all(d <= 1e-9))


def pick(records: list[dict], n: int) -> list[dict]:
    by_class: dict[str, list[dict]] = {}
    for r in records:
        by_class.setdefault(r["class"], []).append(r)
    out, i = [], 0
    while len(out) < n and any(by_class.values()):
        for c in sorted(by_class):
            if by_class[c] and len(out) < n:
                items = by_class[c]
                out.append(items.pop(len(items) // 2 if i % 2 else 0))
        i += 1
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--model", default=str(Path(__file__).resolve().parents[1] / "models"
                                               / "shotcaller-small"))
    parser.add_argument("--classifier", default=str(Path(__file__).resolve().parents[1]
                                                    / "models" / "eval-classifier"))
    parser.add_argument("--sounds", type=int, default=40)
    parser.add_argument("--split", default="test",
                        help="the corpus split the sounds come from ('any': every record)")
    parser.add_argument("--pairs", type=int, default=20)
    parser.add_argument("--restyle-sounds", type=int, default=20)
    parser.add_argument("--restyle-strengths", type=float, nargs="+", default=[0.1, 0.4],
                        help="the slot strengths to restyle at (the daemon's default is 0.1)")
    parser.add_argument("--only", nargs="+", choices=["vary", "morph", "restyle"],
                        default=["vary", "morph", "restyle"])
    parser.add_argument("--png", type=Path, default=None,
                        help="also write a spectrogram sheet: three sources with two variations "
                             "and two restyles each, and a morph between two of them")
    args = parser.parse_args()

    from server.diffusion.pipeline import load_pipeline
    from server.eval.classifier import SoundClassifier

    t0 = time.perf_counter()
    corpus = Path(args.corpus)
    records = [json.loads(line) for line in (corpus / "metadata.jsonl").read_text().splitlines()
               if line.strip()]
    if args.split != "any":
        records = [r for r in records if r.get("split") == args.split]
    if not records:
        parser.error(f"no sounds in split {args.split!r} of {corpus} (--split any takes all)")
    chosen = pick(records, args.sounds)
    pipe = load_pipeline(args.model, device="cpu")
    clf = SoundClassifier.from_pretrained(args.classifier, low_cpu_mem_usage=False).eval()
    longest = pipe.max_duration_in_s
    sounds = []
    for r in chosen:
        y, _ = load_mono(corpus / r["path"], sr=SR)
        sounds.append((r, y[: int(longest * SR)]))
    print(f"{len(sounds)} sounds from {corpus} over {len({r['class'] for r, _ in sounds})} "
          f"classes; model {args.model}")

    def vary(y: np.ndarray, root: float | None, strength: float, seed: int) -> np.ndarray:
        return pipe("one-shot sample", pitch=root, seed=seed,
                    strength=variation_strength(strength),
                    guidance_scale=0.0, init_audio=y, init_sampling_rate=SR,
                    tonal=root is not None,
                    duration_in_s=restyle_duration(len(y) / SR, set(), longest),
                    output_sampling_rate=SR).audios

    if "restyle" in args.only:
        restyle_figures(pipe, sounds[: args.restyle_sounds], args.restyle_strengths)
    if "vary" in args.only:
        vary_figures(sounds, vary, clf)
    if "morph" in args.only:
        morph_figures(pipe, sounds, args.pairs)
    if args.png:
        print(f"wrote {sheet(pipe, sounds, vary, args.png)}")
    print(f"in {time.perf_counter() - t0:.0f} s")
    return 0


def sheet(pipe, sounds: list, vary, png: Path) -> Path:
    """Rows of source, two variations at 0.2, "darker" and "long" restyles (as the daemon
    makes them), for a drum, a pitched and a noisy sound; then a morph from the first to the
    second at t = 0 ... 1. Each row on one time axis."""
    from server.diffusion.endings import finish
    from server.diffusion.sound_ops import morph
    from server.plots import spectrogram_sheet

    def first(classes: tuple[str, ...]) -> tuple[dict, np.ndarray]:
        return next(((r, y) for r, y in sounds if r["class"] in classes), sounds[0])

    rows = [first(("kick", "tom")), first(("keys", "guitar", "mallet_bell")),
            first(("snare", "clap"))]
    longest = pipe.max_duration_in_s
    items = []

    def one_axis(row: list[tuple[str, np.ndarray]]) -> list[tuple[str, np.ndarray]]:
        """A row on one time axis, its longest sound's (silence after the shorter ones)."""
        n = max(len(y) for _, y in row)
        return [(f"{label} ({len(y) / SR:.2f} s)", np.pad(y, (0, n - len(y)))) for label, y in row]

    for n, (r, y) in enumerate(rows):
        root = r.get("root_note")
        row = [(f"{r['class']}: source", finish(y, SR, longest)[0])]  # its silence trimmed
        row += [(f"vary 0.2 (seed {k})", vary(y, root, 0.2, 7000 + 10 * n + k)) for k in (1, 2)]
        for word in ("darker", "long"):
            out = pipe(word, pitch=root, seed=8000 + n, strength=0.1, init_audio=y,
                       init_sampling_rate=SR, tonal=root is not None, effects=True,
                       duration_in_s=restyle_duration(len(y) / SR, prompt_qualities(word),
                                                      longest), output_sampling_rate=SR)
            row.append((f"restyle \"{word}\"", out.audios))
        items += one_axis(row)
    (ra, ya), (rb, yb) = rows[0], rows[1]
    row = []
    for t in TS:
        y, _ = morph(pipe.codec, ya, yb, sampling_rate=SR, t=t, root_a=ra.get("root_note"),
                     root_b=rb.get("root_note"), output_sampling_rate=SR)
        row.append((f"morph {ra['class']}→{rb['class']} {t:.2f}", y))
    items += one_axis(row)
    return spectrogram_sheet(items, sr=SR, png=png, columns=5,
                             title="sound to sound: vary, restyle (strength 0.1), morph "
                                   "(bench/sound_to_sound.py)")


#: restyle words: the palette bench's, less loudness (a restyle keeps its source's level)
RESTYLE_WORDS = {w: m for w, m in WORDS.items() if m[0] != "level" and w != "punchy"}


def restyle_figures(pipe, sounds: list, strengths: list[float]) -> None:
    """As the daemon restyles: the word alone as the prompt, the source as init audio, its
    effects applied; each result against its own source."""
    from server.diffusion.tuning import measure_pitch

    longest = pipe.max_duration_in_s
    for strength in strengths:
        moved: dict[str, list[bool]] = {w: [] for w in RESTYLE_WORDS}
        cents: dict[str, list[float]] = {w: [] for w in RESTYLE_WORDS}
        for n, (r, y) in enumerate(sounds):
            root = r.get("root_note")
            # the source's own pitch, measured as the result's is (a sample is seldom exactly
            # on its nominal root)
            source_pitch = measure_pitch(y, SR, root) if root is not None else None
            if source_pitch is not None and abs(source_pitch - root) > 0.5:
                source_pitch = None  # no clear pitch at its root (an fx, an octave error)
            for word, (measure, sign) in RESTYLE_WORDS.items():
                duration = restyle_duration(len(y) / SR, prompt_qualities(word), longest)
                out = pipe(word, pitch=root, seed=3000 + n, strength=strength, init_audio=y,
                           init_sampling_rate=SR, tonal=root is not None, effects=True,
                           duration_in_s=duration, output_sampling_rate=SR).audios
                moved[word].append(sign * (MEASURES[measure](out) - MEASURES[measure](y)) > 0)
                if source_pitch is not None:
                    p = measure_pitch(out, SR, root)
                    if p is not None:
                        cents[word].append(abs(p - source_pitch) * 100)
        shares = ", ".join(f"{w} {np.mean(v):.2f}" for w, v in moved.items())
        print(f"restyle at strength {strength}: moved the asked way: {shares}")
        every = [c for v in cents.values() for c in v]
        if every:
            print(f"  pitch moved from the source's: median {np.median(every):.1f} cents, p90 "
                  f"{np.percentile(every, 90):.1f}, within 15 cents "
                  f"{np.mean(np.array(every) <= 15):.2f} (n={len(every)}); median by word: "
                  + ", ".join(f"{w} {np.median(v):.0f}" for w, v in cents.items() if v))


def vary_figures(sounds: list, vary, clf) -> None:
    from server.eval.classifier import classify

    rhos, distinct, variations = [], [], []
    for n, (r, y) in enumerate(sounds):
        root = r.get("root_note")
        d = [distance(vary(y, root, s, 1000 + n), y) for s in STRENGTHS]
        rhos.append(spearman(list(STRENGTHS), d))
        eight = [vary(y, root, 0.2, 2000 + 10 * n + k) for k in range(8)]
        variations += [(r["class"], v) for v in eight]
        distinct.append(distinct_count(eight, SR))
    names_real, _, _ = classify(clf, [y for _, y in sounds], SR)
    names_var, _, _ = classify(clf, [v for _, v in variations], SR)
    real_ok = np.mean([a == r["class"] for a, (r, _) in zip(names_real, sounds, strict=True)])
    var_ok = np.mean([a == c for a, (c, _) in zip(names_var, variations, strict=True)])
    print(f"vary: Spearman(distance, strength) median {np.median(rhos):.2f} (min "
          f"{np.min(rhos):.2f}); distinct of 8 at 0.2: median {np.median(distinct):.0f}, "
          f"min {np.min(distinct)}; classifier: variations {var_ok:.2f} in their source's "
          f"class, the sources {real_ok:.2f}")


def morph_figures(pipe, sounds: list, n_pairs: int) -> None:
    from server.diffusion.sound_ops import morph, rms_db, transfer
    from server.diffusion.tuning import measure_pitch

    rng = np.random.default_rng(0)
    pairs = [tuple(rng.choice(len(sounds), 2, replace=False)) for _ in range(n_pairs)]
    centroid_mono, decay_mono, loud_err, pitch_err, toward, kept = [], [], [], [], [], []
    for i, j in pairs:
        (ra, ya), (rb, yb) = sounds[i], sounds[j]
        roots = ra.get("root_note"), rb.get("root_note")
        path = [morph(pipe.codec, ya, yb, sampling_rate=SR, t=t, root_a=roots[0],
                      root_b=roots[1], output_sampling_rate=SR)[0] for t in TS]
        desc = [describe(p, sr=SR) for p in path]
        da, db = describe(ya, sr=SR), describe(yb, sr=SR)
        centroid_mono.append(monotonic([d.centroid_hz for d in desc], da.centroid_hz,
                                       db.centroid_hz))
        decay_mono.append(monotonic([d.decay_s for d in desc], da.decay_s, db.decay_s))
        loud_err.append(abs(rms_db(path[2]) - (rms_db(ya) + rms_db(yb)) / 2))
        if roots[0] is not None and roots[1] is not None:
            p = measure_pitch(path[2], SR, roots[0])
            if p is not None:
                pitch_err.append(abs(p - roots[0]))
        moved = transfer(pipe.codec, ya, yb, sampling_rate=SR, output_sampling_rate=SR)
        ca, cb, cm = (describe(x, sr=SR).centroid_hz for x in (ya, yb, moved))
        toward.append(abs(np.log(cm / cb)) < abs(np.log(ca / cb)))
        if roots[0] is not None:  # against A's own pitch, which may sit off its nominal root
            p, own = measure_pitch(moved, SR, roots[0]), measure_pitch(ya, SR, roots[0])
            if p is not None and own is not None:
                kept.append(abs(p - own))
    print(f"morph: centroid monotonic in {np.mean(centroid_mono):.2f} of {len(pairs)} pairs, "
          f"decay monotonic in {np.mean(decay_mono):.2f}; loudness at 0.5 within "
          f"{np.median(loud_err):.1f} dB (median, max {np.max(loud_err):.1f}) of the endpoints'"
          f" mean; pitched pairs at 0.5: {np.median(pitch_err) if pitch_err else float('nan'):.2f}"
          f" semitones from A's root (median, n={len(pitch_err)})")
    print(f"transfer: centroid toward the texture's in {np.mean(toward):.2f} of pairs; pitch "
          f"kept within {np.median(kept) if kept else float('nan'):.2f} semitones (median, "
          f"n={len(kept)})")


if __name__ == "__main__":
    sys.exit(main())
