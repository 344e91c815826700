"""Selecting and loading corpus samples for training and evaluation."""

from __future__ import annotations

import random
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import soundfile as sf
from tqdm import tqdm

from .build import read_metadata


def select(
    records: list[dict], *, split: str, per_class: int | None = None, seed: int = 0,
    classes: set[str] | None = None,
) -> list[dict]:
    """Records of ``split``, at most ``per_class`` per class (a seeded, class-balanced draw)."""
    by_class: dict[str, list[dict]] = defaultdict(list)
    for r in records:
        if r["split"] == split and (classes is None or r["class"] in classes):
            by_class[r["class"]].append(r)
    rng = random.Random(seed)
    out = []
    for c in sorted(by_class):
        items = by_class[c]
        if per_class is not None and len(items) > per_class:
            items = rng.sample(items, per_class)
        out += items
    return sorted(out, key=lambda r: r["path"])


def load_waves(corpus_dir: str | Path, records: list[dict], *, num_samples: int,
               progress: bool = True) -> np.ndarray:
    """Audio of ``records`` as float32 [n, num_samples] (cropped / zero-padded)."""
    corpus_dir = Path(corpus_dir)
    out = np.zeros((len(records), num_samples), dtype=np.float32)

    def load(i: int) -> None:
        y, _ = sf.read(corpus_dir / records[i]["path"], dtype="float32", frames=num_samples)
        out[i, : len(y)] = y if y.ndim == 1 else y.mean(axis=1)

    with ThreadPoolExecutor(4) as pool:
        list(tqdm(pool.map(load, range(len(records))), total=len(records), desc="loading audio",
                  disable=not progress))
    return out


def load_corpus(corpus_dir: str | Path) -> list[dict]:
    return read_metadata(corpus_dir)
