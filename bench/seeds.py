"""How recognisable retrieval seeds are before any denoising (corpus *valid* split).

Two tables, both judged by the eval classifier on seeds decoded straight from the library
(no noise, no UNet), so they isolate what the seed contributes to a render:

1. by repitch distance: library samples moved by -12..+12 semitones (the codec's
   ``shift_pitch``), top-1 agreement with the sample's own class;
2. by seed setting (``retrieval.SeedSettings``): one caption of each of N valid samples per
   class, drawn at the sample's own note, top-1 agreement with its class and the mean distance
   in semitones the chosen seeds had to be moved.

    python bench/seeds.py --model DIR --corpus DIR [--per-class 20] [--settings 1/16/0.03/1,...]
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from server.corpus.dataset import load_corpus, select  # noqa: E402
from server.corpus.gm import CLASSES  # noqa: E402
from server.diffusion.pipeline import load_pipeline  # noqa: E402
from server.eval.classifier import SoundClassifier, classify  # noqa: E402


def decode(pipe, latent: torch.Tensor) -> np.ndarray:
    """A library latent [C, 1, T] (maybe fewer components than the codec's) as audio."""
    z = pipe.codec.full_latents(latent.float().unsqueeze(0))
    return pipe.codec.decode(z, output_sampling_rate=44100)[0]


def by_distance(pipe, clf, n: int) -> None:
    index, rng = pipe.retrieval, np.random.default_rng(0)
    tonal = index.tonal.nonzero().flatten().tolist()
    shifts = [0, 1, 2, 4, 7, 12]
    hits: dict[int, list[bool]] = defaultdict(list)
    for i in rng.choice(tonal, min(n, len(tonal)), replace=False):
        s = float(rng.choice(shifts)) * rng.choice([-1, 1])
        latent = index.latents[i:i + 1]
        if s:
            latent = pipe.codec.shift_pitch(latent, torch.tensor([s]))
        name = classify(clf, [decode(pipe, latent[0])], 44100)[0][0]
        hits[int(abs(s))].append(name == index.classes[i])
    print("library samples moved by N semitones, recognised as their class:")
    for s in shifts:
        print(f"  {s:>2} semitones: {np.mean(hits[s]):.2f} of {len(hits[s])}")


def by_setting(pipe, clf, valid: list[dict], settings: list) -> None:
    print(f"seeds for {len(valid)} valid captions at their own notes:")
    for setting in settings:
        pipe.retrieval.settings = setting
        audios, moved = [], []
        for i, r in enumerate(valid):
            pooled = pipe.encode_prompt(r["captions"][i % len(r["captions"])], "")[2][1]
            note = float(r["root_note"] or 60)
            nb = pipe.retrieval.neighbours(pooled, pitch=note, repitch=_recording(
                pipe.codec.shift_pitch, moved), generator=torch.Generator().manual_seed(i))
            audios.append(decode(pipe, nb.latent))
        names = classify(clf, audios, 44100)[0]
        top1 = np.mean([n == r["class"] for n, r in zip(names, valid, strict=True)])
        print(f"  blend {setting.blend}, shortlist {setting.shortlist}, vote {setting.vote}, "
              f"{setting.per_semitone}/semitone: top-1 {top1:.3f}, "
              f"seeds moved {np.mean(np.abs(moved)):.1f} semitones on average")


def _recording(repitch, moved: list[float]):
    def wrapped(latents: torch.Tensor, semitones: torch.Tensor) -> torch.Tensor:
        moved.extend(semitones.tolist())
        return repitch(latents, semitones)
    return wrapped


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="models/shotcaller-small")
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--classifier", default="models/eval-classifier")
    parser.add_argument("--per-class", type=int, default=20)
    parser.add_argument("--distance-samples", type=int, default=300)
    parser.add_argument("--settings",
                        default="4/0/0.003/0,1/0/0.003/0,1/16/0.03/0,2/16/0.03/0,1/16/0.03/1",
                        help="blend/shortlist/per_semitone/vote, comma separated")
    args = parser.parse_args()
    torch.set_num_threads(2)
    pipe = load_pipeline(args.model, device="cpu")
    clf = SoundClassifier.from_pretrained(args.classifier, low_cpu_mem_usage=False)
    valid = select(load_corpus(args.corpus), split="valid", per_class=args.per_class, seed=11,
                   classes=set(CLASSES))
    own = pipe.retrieval.settings
    settings = [dataclasses.replace(own, blend=int(b), shortlist=int(s), per_semitone=float(p),
                                    vote=bool(int(v)))
                for b, s, p, v in (x.split("/") for x in args.settings.split(","))]
    print(f"{args.model}: library of {len(pipe.retrieval)} samples, "
          f"{pipe.retrieval.latents.shape[1]} components each")
    by_distance(pipe, clf, args.distance_samples)
    by_setting(pipe, clf, valid, settings)


if __name__ == "__main__":
    main()
