"""Build a retrieval index (``retrieval/`` in a model folder) from a corpus.

``shotcaller index --corpus DIR --model DIR`` puts a sample library behind a model's seeding:
the shipped corpus's train split, or a producer's own folder once ``shotcaller corpus build
--folder`` has made a corpus of it. Only the chosen samples are encoded, so this takes a
minute or two, not a training run.
"""

from __future__ import annotations

import logging
from pathlib import Path

import torch

from ..codec.codec import SpectralCodec
from ..corpus.dataset import load_corpus, load_waves, select
from ..corpus.gm import CLASSES
from .retrieval import RetrievalIndex
from .text import TextEncoder

log = logging.getLogger(__name__)


def note_arrays(records: list[dict]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Root pitch (MIDI), velocity and tonal flag of each record."""
    pitch = torch.tensor([float(r["root_note"] if r.get("root_note") is not None
                                else r["pitch"]) for r in records])
    velocity = torch.tensor([float(r.get("velocity") or 100) for r in records])
    tonal = torch.tensor([bool(r.get("tonal")) for r in records])
    return pitch, velocity, tonal


def build_index(corpus: str | Path, codec: SpectralCodec, text: TextEncoder, *,
                per_class: int, components: int, split: str = "train",
                seed: int = 0) -> RetrievalIndex:
    """Encode up to ``per_class`` samples of each class of ``split`` into an index whose
    latents keep their leading ``components``. Only the model's sound classes are indexed
    (``fx`` was left out of training, so the model cannot denoise towards it)."""
    from .train import encode_captions, encode_latents, relative_levels

    all_records = load_corpus(corpus)
    records = select(all_records, split=split, per_class=per_class, seed=seed,
                     classes=set(CLASSES))
    if not records:
        raise ValueError(f"{corpus}: no {split}-split samples to index")
    waves = load_waves(corpus, records, num_samples=codec.spectral.num_samples)
    latents = encode_latents(codec, waves, relative_levels(records, all_records))
    pooled = encode_captions(text, records)[-1]
    pitch, _, tonal = note_arrays(records)
    log.info("indexed %d samples of %d classes", len(records),
             len({r["class"] for r in records}))
    return RetrievalIndex(pooled, latents[:, :components], pitch, tonal,
                          [r["class"] for r in records])


def index_bytes(index: RetrievalIndex) -> int:
    """Size on disk, near enough: fp16 embeddings and latents."""
    return 2 * (index.embeddings.numel() + index.latents.numel()) + 5 * len(index)
