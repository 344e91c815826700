"""Build a retrieval index (``retrieval/`` in a model folder) from a corpus.

``shotcaller index --corpus DIR --model DIR`` puts a sample library behind a model's seeding:
the shipped corpus's train split, or a producer's own folder once ``shotcaller corpus build
--folder`` has made a corpus of it. Only the chosen samples are encoded, so this takes a
minute or two, not a training run.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm

from ..audio_io import load_mono
from ..codec.codec import SpectralCodec
from ..corpus.dataset import load_corpus, load_waves, select, source_of
from ..corpus.gm import CLASSES
from ..eval.metrics import detected_pitch
from .conditioning import note_arrays
from .endings import decay_time
from .retrieval import RetrievalIndex, SeedSettings
from .text import TextEncoder
from .train import encode_captions, encode_latents, relative_levels

log = logging.getLogger(__name__)


class CarriesItsPitch:
    """Whether a tonal record, through the codec at the index's ``components``, is heard
    where its source is (``metrics.detected_pitch``, within ``semitones``).

    A seed keeps its own note in a render, and the render reports that note as its root: a
    seed heard elsewhere after the codec gives a sound that is not at the root it reports.
    The codec loses some basses' fundamentals (a slap bass at note 32, its fundamental 12 %
    of its energy, came back read at 27.8 and, rendered, at 36.8): of version 4.4's library's
    802 tonal samples, 83 were heard more than a semitone from their source, 34 of them
    basses. Both sides are read with one measure, so pYIN's own slips (a note above its
    2.1 kHz ceiling read an octave down) cancel; a source it cannot read is kept."""

    def __init__(self, corpus: str | Path, codec: SpectralCodec, components: int,
                 semitones: float = 1.0) -> None:
        self.corpus, self.codec = Path(corpus), codec
        self.components, self.semitones = components, semitones
        self.checked = self.refused = 0
        self.bar = tqdm(desc="pitch through the codec", unit=" samples")

    @torch.no_grad()
    def __call__(self, record: dict) -> bool:
        if not record.get("tonal"):
            return True
        sr = self.codec.sampling_rate
        y, _ = load_mono(self.corpus / record["path"], sr=sr)
        source = detected_pitch(y, sr)
        self.checked += 1
        self.bar.update()
        if source is None:
            return True
        latents = self.codec.encode(y, sampling_rate=sr)[:, :self.components]
        heard = detected_pitch(self.codec.decode(self.codec.full_latents(latents))[0], sr)
        ok = heard is not None and abs(heard - source) <= self.semitones
        self.refused += not ok
        return ok


def build_index(corpus: str | Path, codec: SpectralCodec, text: TextEncoder, *,
                per_class: int, components: int, split: str = "train",
                settings: SeedSettings | None = None, seed: int = 0,
                check_pitch: bool = True) -> RetrievalIndex:
    """Encode up to ``per_class`` samples of each class of ``split`` into an index whose
    latents keep their leading ``components``. Only the model's sound classes are indexed
    (``fx`` was left out of training, so the model cannot denoise towards it). Each class's
    samples are shared evenly between its sources (soundfonts, drum kits, generated voices,
    the piano), so that the library spans the palette, not the soundfonts' majority.
    With ``check_pitch``, a tonal sample the codec does not carry at its pitch is passed over
    for the next of its source (``CarriesItsPitch``)."""
    all_records = load_corpus(corpus)
    keep = CarriesItsPitch(corpus, codec, components) if check_pitch else None
    records = select(all_records, split=split, per_class=per_class, seed=seed,
                     classes=set(CLASSES), balance=source_of, keep=keep)
    if keep is not None:
        keep.bar.close()
        log.info("left out %d of %d tonal samples the codec does not carry at their pitch",
                 keep.refused, keep.checked)
    if not records:
        raise ValueError(f"{corpus}: no {split}-split samples to index")
    waves = load_waves(corpus, records, num_samples=codec.spectral.num_samples)
    latents = encode_latents(codec, waves, relative_levels(records, all_records))
    pooled = encode_captions(text, records)[-1]
    pitch, _, tonal = note_arrays(records)
    decays = torch.tensor(decays_of(corpus, records))
    typical = typical_decays(corpus, all_records, split=split, seed=seed)
    log.info("indexed %d samples of %d classes", len(records),
             len({r["class"] for r in records}))
    return RetrievalIndex.of_records(pooled, latents[:, :components], pitch, tonal, records,
                                     settings=settings, decays=decays,
                                     typical_decays=typical)


def decays_of(corpus: str | Path, records: list[dict]) -> list[float]:
    """Each record's decay to -40 dB (``endings.decay_time``) over its whole file: a render
    carries a sound past the codec's window the way it was decaying (``codec/tail.py``), so
    the file, not the window, says how long its render rings."""
    out = []
    for r in tqdm(records, desc="decay times", unit=" samples", leave=False):
        y, sr = load_mono(Path(corpus) / r["path"])
        out.append(decay_time(y, sr))
    return out


def typical_decays(corpus: str | Path, records: list[dict], *, split: str,
                   per_class: int = 200, seed: int = 0) -> dict[str, float]:
    """Each class's median decay over a seeded draw of ``per_class`` of its ``split``
    records, in the corpus's own mix of sources (not the library's balanced one): how long
    that kind of sound rings."""
    drawn = select(records, split=split, per_class=per_class, seed=seed, classes=set(CLASSES))
    by_class: dict[str, list[float]] = {}
    for r, d in zip(drawn, decays_of(corpus, drawn), strict=True):
        by_class.setdefault(r["class"], []).append(d)
    return {c: round(float(np.median(v)), 3) for c, v in sorted(by_class.items())}
