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
from ..corpus.synth import crest_db
from ..eval.metrics import detected_pitch, logmel
from .conditioning import note_arrays
from .endings import decay_time
from .retrieval import LENGTH_QUALITIES, RetrievalIndex, SeedSettings, caption_words
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


class DistinctSounds:
    """Whether a record is a sound its class's library does not hold yet: its log mel
    spectrogram over the codec's window correlates below ``threshold`` with every sample kept
    of its class (``metrics.spectral_corr``, the measure that counts distinct renders).

    A soundfont's kits share their hats, a velocity layer is one sample at another gain, and
    MuseScore General reuses FluidR3's drums: of version 4.5's 80 library closed hats, 37
    were distinct once decoded (open hats 29, shakers 33). A seed drawn from a twin gives the
    sound another seed already gave, so twins are passed over for the next sample of their
    source. A record's :meth:`features` are asked :meth:`is_new` of its class, and
    :meth:`remember`-ed once the record is kept."""

    def __init__(self, corpus: str | Path, num_samples: int, sampling_rate: int,
                 threshold: float = 0.97) -> None:
        self.corpus, self.num_samples, self.sr = Path(corpus), num_samples, sampling_rate
        self.threshold = threshold
        self.kept: dict[str, list[np.ndarray]] = {}
        self.twins = 0

    def features(self, record: dict) -> np.ndarray:
        """The record's log mel spectrogram over the codec's window, as a unit vector of zero
        mean: the dot of two is their correlation, so a class's kept samples are compared in
        one product instead of one ``spectral_corr`` (two spectrograms) each."""
        y, _ = load_mono(self.corpus / record["path"], sr=self.sr)
        y = np.pad(y[:self.num_samples], (0, max(0, self.num_samples - len(y))))
        f = logmel(y, self.sr).ravel()
        return (f - f.mean()) / (f.std() * np.sqrt(f.size) + 1e-12)

    def is_new(self, sound_class: str, features: np.ndarray) -> bool:
        kept = self.kept.get(sound_class)
        if kept and float(np.max(np.stack(kept) @ features)) >= self.threshold:
            self.twins += 1
            return False
        return True

    def remember(self, sound_class: str, features: np.ndarray) -> None:
        self.kept.setdefault(sound_class, []).append(features)


def build_index(corpus: str | Path, codec: SpectralCodec, text: TextEncoder, *,
                per_class: int, components: int, split: str = "train",
                settings: SeedSettings | None = None, seed: int = 0,
                check_pitch: bool = True, keep_twins: bool = False) -> RetrievalIndex:
    """Encode up to ``per_class`` samples of each class of ``split`` into an index whose
    latents keep their leading ``components``. Only the model's sound classes are indexed
    (``fx`` was left out of training, so the model cannot denoise towards it). Each class's
    samples are shared evenly between its sources (soundfonts, drum kits, generated voices,
    the piano), so that the library spans the palette, not the soundfonts' majority.
    With ``check_pitch``, a tonal sample the codec does not carry at its pitch is passed over
    for the next of its source (``CarriesItsPitch``); unless ``keep_twins``, so is a sample
    that sounds as one already kept of its class does (``DistinctSounds``)."""
    all_records = load_corpus(corpus)
    carries = CarriesItsPitch(corpus, codec, components) if check_pitch else None
    distinct = None if keep_twins else DistinctSounds(corpus, codec.spectral.num_samples,
                                                       codec.sampling_rate)

    def keep(record: dict) -> bool:
        if distinct is not None:
            features = distinct.features(record)
            if not distinct.is_new(record["class"], features):
                return False
        if carries is not None and not carries(record):
            return False
        if distinct is not None:
            distinct.remember(record["class"], features)
        return True

    records = select(all_records, split=split, per_class=per_class, seed=seed,
                     classes=set(CLASSES), balance=source_of,
                     keep=None if carries is None and distinct is None else keep)
    if carries is not None:
        carries.bar.close()
        log.info("left out %d of %d tonal samples the codec does not carry at their pitch",
                 carries.refused, carries.checked)
    if distinct is not None:
        log.info("left out %d samples that sound as one already kept of their class",
                 distinct.twins)
    if not records:
        raise ValueError(f"{corpus}: no {split}-split samples to index")
    waves = load_waves(corpus, records, num_samples=codec.spectral.num_samples)
    latents = encode_latents(codec, waves, relative_levels(records, all_records))
    pooled = encode_captions(text, records)[-1]
    pitch, _, tonal = note_arrays(records)
    decays = torch.tensor(decays_of(corpus, records))
    typical = typical_sounds(corpus, all_records, split=split, seed=seed)
    log.info("indexed %d samples of %d classes", len(records),
             len({r["class"] for r in records}))
    return RetrievalIndex.of_records(pooled, latents[:, :components], pitch, tonal, records,
                                     settings=settings, decays=decays,
                                     typical_decays=typical["decay"],
                                     kind_words=kind_words(all_records, split=split),
                                     typical_features=typical_features(
                                         all_records, split=split, crests=typical["crest_db"]),
                                     qualities=relative_lengths(records, all_records,
                                                                split=split))


def decays_of(corpus: str | Path, records: list[dict]) -> list[float]:
    """Each record's decay to -40 dB (``endings.decay_time``) over its whole file: a render
    carries a sound past the codec's window the way it was decaying (``codec/tail.py``), so
    the file, not the window, says how long its render rings."""
    out = []
    for r in tqdm(records, desc="decay times", unit=" samples", leave=False):
        y, sr = load_mono(Path(corpus) / r["path"])
        out.append(decay_time(y, sr))
    return out


def kind_words(records: list[dict], *, split: str, least: int = 20,
               share: float = 0.8) -> dict[str, str]:
    """Caption words that name one kind of sound: a word in the captions of at least
    ``least`` of the split's records, and of one class's records ``share`` or more of the
    time, each class's rate taken over its own size (so the 16,932 percussion notes do not
    outvote the 399 vocals). From the corpus, not a hand-made list: "marimba", "taiko",
    "cabasa", "open" (hats) and "ride" each name their kind; "hat", "bass" and the genres,
    spread over several, name none."""
    size: dict[str, int] = {}
    seen: dict[str, dict[str, int]] = {}
    for r in records:
        if r["split"] != split or r["class"] not in CLASSES:
            continue
        size[r["class"]] = size.get(r["class"], 0) + 1
        for w in {w for c in r.get("captions", []) for w in caption_words(c)}:
            counts = seen.setdefault(w, {})
            counts[r["class"]] = counts.get(r["class"], 0) + 1
    out = {}
    for w, counts in sorted(seen.items()):
        if sum(counts.values()) < least:
            continue
        rate = {c: n / size[c] for c, n in counts.items()}
        best = max(rate, key=rate.__getitem__)
        if rate[best] >= share * sum(rate.values()):
            out[w] = best
    return out


def typical_sounds(corpus: str | Path, records: list[dict], *, split: str,
                   per_class: int = 200, seed: int = 0) -> dict[str, dict[str, float]]:
    """Each class's median decay (``decay``: to -40 dB, seconds) and crest factor
    (``crest_db``: ``synth.crest_db``, peak over RMS of the sounding part) over a seeded draw
    of ``per_class`` of its ``split`` records, in the corpus's own mix of sources (not the
    library's balanced one): how long that kind of sound rings and how squashed it is. Both
    are read in one pass over the drawn files."""
    drawn = select(records, split=split, per_class=per_class, seed=seed, classes=set(CLASSES))
    decays: dict[str, list[float]] = {}
    crests: dict[str, list[float]] = {}
    for r in tqdm(drawn, desc="typical sounds", unit=" samples", leave=False):
        y, sr = load_mono(Path(corpus) / r["path"])
        decays.setdefault(r["class"], []).append(decay_time(y, sr))
        crests.setdefault(r["class"], []).append(crest_db(y))
    return {"decay": {c: round(float(np.median(v)), 3) for c, v in sorted(decays.items())},
            "crest_db": {c: round(float(np.median(v)), 2) for c, v in sorted(crests.items())}}


#: the corpus features (``records``' ``features``) a kind's typical value is kept of
TYPICAL_FEATURES = ("centroid_hz", "flatness")


def typical_features(records: list[dict], *, split: str,
                     crests: dict[str, float] | None = None) -> dict[str, dict[str, float]]:
    """Each class's median of ``TYPICAL_FEATURES`` over its ``split`` records, read from the
    corpus's metadata (the descriptors the captions were written from): how bright and how
    noisy that kind of sound is, which an effect word must take a render past; with
    ``crests`` (``typical_sounds``, measured on the audio), how squashed, as ``crest_db``."""
    values: dict[str, dict[str, list[float]]] = {}
    for r in records:
        if r.get("split") != split or r.get("class") not in CLASSES:
            continue
        features = r.get("features") or {}
        for name in TYPICAL_FEATURES:
            if name in features:
                values.setdefault(r["class"], {}).setdefault(name, []).append(features[name])
    out = {c: {name: float(f"{np.median(v):.4g}") for name, v in sorted(fs.items())}
           for c, fs in sorted(values.items())}
    for c, crest in (crests or {}).items():
        out.setdefault(c, {})["crest_db"] = crest
    return out


#: the fewest sounds of a class whose lengths are read against one another
MIN_FOR_RELATIVE = 10


def relative_lengths(records: list[dict], all_records: list[dict], *, split: str,
                     share: float = 0.3) -> list[list[str]]:
    """Each record's qualities, its length ones read against its own class as bright and
    dark are: "long_release" when its decay (``features.decay_s``) is among the longest
    ``share`` of its class's ``split`` records, "fast_decay" among the shortest.

    The corpus's captions call a sound long past 1.0 s and short under 0.35 s whatever it
    is: 53 of 1,939 train-split kicks are long that way, so the library's 80 kicks held 3
    and "fat 808 kick with a long boom" drew the same sample 10 times in 12. A producer's
    "long kick" is long for a kick, and "short strings" short for strings."""
    decays: dict[str, list[float]] = {}
    for r in all_records:
        d = r.get("features", {}).get("decay_s")
        if r["split"] == split and d is not None:
            decays.setdefault(r["class"], []).append(d)
    # A class of a few sounds (a producer's folder) has no "typical" length to be read
    # against: its sounds keep the captions' own length qualities.
    bounds = {c: (float(np.quantile(v, share)), float(np.quantile(v, 1 - share)))
              for c, v in decays.items() if len(v) >= MIN_FOR_RELATIVE}
    out = []
    for r in records:
        qualities = list(r.get("qualities_str", []))
        d = r.get("features", {}).get("decay_s")
        if d is not None and r["class"] in bounds:
            short, long = bounds[r["class"]]
            qualities = [q for q in qualities if q not in LENGTH_QUALITIES]
            qualities += (["long_release"] * (d >= long > short)
                          + ["fast_decay"] * (d <= short < long))
        out.append(qualities)
    return out
