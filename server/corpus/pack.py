"""A corpus small enough to travel (``shotcaller corpus pack``): class- and source-balanced
one-shots of a corpus, cut to a length and stored as FLAC, with their metadata.

A lent GPU machine gets the working tree and at most 64 MiB in all; it has no soundfonts and
no FluidSynth to render a corpus with. The codec's decoder learns from waveforms alone, so a
pack of real one-shots is what it trains on there (``scripts/train_gpu.sh``). A pack is a
corpus like any other: ``load_corpus`` reads it, its splits are its source's.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import soundfile as sf
from tqdm import tqdm

from .build import METADATA, write_metadata
from .dataset import load_corpus, select, source_of
from .gm import CLASSES

#: every instrument of the packed corpus and its split, for ``corpus build --splits``
SPLITS_FILE = "splits.json"


def pack_corpus(corpus: str | Path, out: str | Path, *, per_class: int,
                valid_per_class: int, seconds: float, seed: int = 0) -> list[dict]:
    """Write ``per_class`` train-split and ``valid_per_class`` valid-split one-shots of each
    class of ``corpus`` (each class's share split evenly between its sources: soundfonts,
    kits, generated voices, the piano), their first ``seconds``, to ``out`` as 16-bit FLAC,
    and their records to ``out/metadata.jsonl``; and every instrument's split, packed or not,
    to ``out/splits.json``, so that voices generated again where the pack goes keep theirs.
    Deterministic for a seed; a file already packed is kept (a rerun resumes). Returns the
    packed records."""
    corpus, out = Path(corpus), Path(out)
    records = load_corpus(corpus)
    chosen = [*select(records, split="train", per_class=per_class, seed=seed,
                      classes=set(CLASSES), balance=source_of),
              *select(records, split="valid", per_class=valid_per_class, seed=seed,
                      classes=set(CLASSES), balance=source_of)]
    if not chosen:
        raise ValueError(f"{corpus}: no train- or valid-split one-shots to pack")
    packed = []
    for i, r in enumerate(tqdm(chosen, desc="packing", unit=" one-shots")):
        path = Path("audio") / r["class"] / f"{i:05d}.flac"
        target = out / path
        if not target.is_file():
            y, sr = sf.read(corpus / r["path"], dtype="float32", always_2d=True,
                            frames=int(round(seconds * r.get("sample_rate", 44100))))
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_suffix(".partial.flac")
            sf.write(partial, np.clip(y.mean(axis=1), -1.0, 1.0), sr, subtype="PCM_16")
            os.replace(partial, target)  # a pack cut short keeps no half-written file
        packed.append({**r, "path": path.as_posix(), "packed_from": r["path"]})
    write_metadata(out / METADATA, packed)
    splits = {r["instrument_str"]: r["split"] for r in records if r.get("instrument_str")}
    (out / SPLITS_FILE).write_text(json.dumps(dict(sorted(splits.items()))) + "\n")
    return packed
