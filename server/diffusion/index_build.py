"""Build a retrieval index (``retrieval/`` in a model folder) from a corpus.

``shotcaller index --corpus DIR --model DIR`` puts a sample library behind a model's seeding:
the shipped corpus's train split, or a producer's own folder once ``shotcaller corpus build
--folder`` has made a corpus of it. Only the chosen samples are encoded, so this takes a
minute or two, not a training run.
"""

from __future__ import annotations

import logging
from pathlib import Path

from ..codec.codec import SpectralCodec
from ..corpus.dataset import load_corpus, load_waves, select, source_of
from ..corpus.gm import CLASSES
from .conditioning import note_arrays
from .retrieval import RetrievalIndex, SeedSettings
from .text import TextEncoder
from .train import encode_captions, encode_latents, relative_levels

log = logging.getLogger(__name__)


def build_index(corpus: str | Path, codec: SpectralCodec, text: TextEncoder, *,
                per_class: int, components: int, split: str = "train",
                settings: SeedSettings | None = None, seed: int = 0) -> RetrievalIndex:
    """Encode up to ``per_class`` samples of each class of ``split`` into an index whose
    latents keep their leading ``components``. Only the model's sound classes are indexed
    (``fx`` was left out of training, so the model cannot denoise towards it). Each class's
    samples are shared evenly between its sources (soundfonts, drum kits, generated voices,
    the piano), so that the library spans the palette, not the soundfonts' majority."""
    all_records = load_corpus(corpus)
    records = select(all_records, split=split, per_class=per_class, seed=seed,
                     classes=set(CLASSES), balance=source_of)
    if not records:
        raise ValueError(f"{corpus}: no {split}-split samples to index")
    waves = load_waves(corpus, records, num_samples=codec.spectral.num_samples)
    latents = encode_latents(codec, waves, relative_levels(records, all_records))
    pooled = encode_captions(text, records)[-1]
    pitch, _, tonal = note_arrays(records)
    log.info("indexed %d samples of %d classes", len(records),
             len({r["class"] for r in records}))
    return RetrievalIndex.of_records(pooled, latents[:, :components], pitch, tonal, records,
                                     settings=settings)
