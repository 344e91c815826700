"""Selecting and loading corpus samples for training and evaluation."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import soundfile as sf
from tqdm import tqdm

from .build import read_metadata


def source_of(record: dict) -> str:
    """Where a record's sound came from, as the library balances it: "soundfont" for every
    General MIDI soundfont render, else its source folder ("hydrogen", "synth", "salamander")."""
    if record.get("soundfont"):
        return "soundfont"
    parts = record["path"].split("/")
    return parts[1] if len(parts) > 2 else "folder"


def select(
    records: list[dict], *, split: str, per_class: int | None = None, seed: int = 0,
    classes: set[str] | None = None, balance: Callable[[dict], str] | None = None,
    keep: Callable[[dict], bool] | None = None,
) -> list[dict]:
    """Records of ``split``, at most ``per_class`` per class (a seeded, class-balanced draw).

    ``balance`` (e.g. :func:`source_of`) splits each class's draw evenly between the groups it
    names, a group with fewer records giving its share to the others, so that a class's few
    drum-machine voices are not outnumbered by its soundfont notes. ``keep`` is asked of each
    drawn record in turn; one it refuses is passed over and the draw goes on in its group, so
    a class stays full where its records allow."""
    by_class: dict[str, list[dict]] = defaultdict(list)
    for r in records:
        if r["split"] == split and (classes is None or r["class"] in classes):
            by_class[r["class"]].append(r)
    rng = random.Random(seed)
    out = []
    for c in sorted(by_class):
        items = by_class[c]
        if per_class is not None and len(items) > per_class:
            if balance is None and keep is None:
                items = rng.sample(items, per_class)
            else:
                items = _balanced(items, per_class, balance or (lambda r: ""), rng, keep)
        elif keep is not None:
            items = [r for r in items if keep(r)]
        out += items
    return sorted(out, key=lambda r: r["path"])


def _balanced(items: list[dict], n: int, group: Callable[[dict], str],
              rng: random.Random, keep: Callable[[dict], bool] | None = None) -> list[dict]:
    groups: dict[str, list[dict]] = defaultdict(list)
    for r in items:
        groups[group(r)].append(r)
    queues = [rng.sample(g, len(g)) for _, g in sorted(groups.items())]
    out: list[dict] = []
    while len(out) < n and any(queues):  # one from each group in turn: equal shares,
        for q in queues:                  # leftovers to the larger
            while q and len(out) < n:
                r = q.pop()
                if keep is None or keep(r):
                    out.append(r)
                    break
    return out


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
