"""Import one-shots from a producer's folder or from NSynth's layout into the corpus.

Every file is decoded to mono at the corpus rate, cropped or padded to the corpus length,
peak-normalised and measured. A file that cannot be read is reported and skipped.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

from .. import pitch
from ..audio_io import READABLE_SUFFIXES, AudioReadError, load_mono
from .descriptors import describe, is_silent_or_broken
from .render_units import slug

log = logging.getLogger(__name__)

# Path words → class; first match in this order wins ("open hat" before "hat").
PATH_CLASS_WORDS: tuple[tuple[str, str], ...] = (
    (r"open[ _-]?h(i[ _-]?)?h?at|open[ _-]?hh\b|\boh\b", "open_hat"),
    (r"closed[ _-]?h(i[ _-]?)?h?at|h(i[ _-]?)?hat|\bhh\b|\bchh?\b|\bhat", "closed_hat"),
    (r"kick|\bbd\b|bass ?drum|\bkik", "kick"),
    (r"snare|\bsd\b|\bsnr", "snare"),
    (r"clap|\bclp", "clap"),
    (r"crash|ride|cymbal|splash|china", "cymbal"),
    (r"\btoms?\b|floor ?tom", "tom"),
    (r"\brim|side ?stick|clave", "rim"),
    (r"shaker|tamb|maraca|cabasa", "shaker"),
    (r"cowbell|conga|bongo|perc|timbale|block|triangle", "perc"),
    (r"808|\bsub\b|bass", "bass"),
    (r"piano|keys|rhodes|wurl|\bep\b|clav", "keys"),
    (r"organ", "organ"),
    (r"guitar|gtr", "guitar"),
    (r"string|violin|viola|cello", "strings"),
    (r"brass|horn|trumpet|trombone|tuba", "brass"),
    (r"flute|sax|clarinet|oboe|reed|pipe", "reed_pipe"),
    (r"bell|mallet|marimba|vibes|glock|kalimba", "mallet_bell"),
    (r"synth|lead|pad|pluck|stab|saw|square", "synth"),
    (r"vocal|vox|voice|choir", "vocal"),
)
NSYNTH_CLASS = {
    "bass": "bass", "brass": "brass", "flute": "reed_pipe", "guitar": "guitar",
    "keyboard": "keys", "mallet": "mallet_bell", "organ": "organ", "reed": "reed_pipe",
    "string": "strings", "synth_lead": "synth", "vocal": "vocal",
}  # fmt: skip
_DRUMS = {"kick", "snare", "clap", "closed_hat", "open_hat", "cymbal", "tom", "rim", "shaker",
          "perc"}


def class_from_words(words: str) -> str:
    lowered = words.lower()
    for pattern, sound_class in PATH_CLASS_WORDS:
        if re.search(pattern, lowered):
            return sound_class
    return "unknown"


def fit_length(y: np.ndarray, n: int, *, sr: int) -> np.ndarray:
    """Crop (with a 20 ms fade-out) or zero-pad to ``n`` samples."""
    if len(y) >= n:
        y = y[:n].copy()
        fade = min(n, int(0.02 * sr))
        y[n - fade:] *= np.linspace(1.0, 0.0, fade, dtype=np.float32)
        return y
    return np.pad(y, (0, n - len(y)))


def detect_root(y: np.ndarray, *, sr: int) -> float | None:
    """Root pitch (fractional MIDI) of a tonal sound, or None if unpitched: a record's
    ``tonal`` is a first second voiced in at least 40 % of its frames."""
    return pitch.detect_root(y, sr=sr, seconds=1.0, fmin=30.0, fmax=2000.0,
                             min_voiced_share=0.4)


def load_one_shot(path: Path, *, sample_rate: int, length_s: float,
                  skipped: list[str]) -> np.ndarray | None:
    """Mono audio at ``sample_rate``, fitted to ``length_s``; None (reason in ``skipped``) for a
    file that is unreadable, empty, silent or broken."""
    try:
        y, sr = load_mono(path, sr=sample_rate)
    except (AudioReadError, OSError) as exc:
        skipped.append(f"{path}: unreadable ({exc})")
        return None
    problem = is_silent_or_broken(y)
    if problem:
        skipped.append(f"{path}: {problem}")
        return None
    return fit_length(y, int(round(length_s * sr)), sr=sr)


@dataclass(frozen=True)
class FolderUnit:
    root: str
    files: tuple[str, ...]
    sample_rate: int
    length_s: float

    @property
    def unit_id(self) -> str:
        digest = hashlib.sha1("\n".join(self.files).encode()).hexdigest()[:12]
        return f"folder-{slug(Path(self.root).name)}-{digest}"

    def run(self, corpus_dir: Path) -> tuple[list[dict], list[str]]:
        root = Path(self.root)
        records, skipped = [], []
        for name in self.files:
            path = root / name
            y = load_one_shot(path, sample_rate=self.sample_rate, length_s=self.length_s,
                              skipped=skipped)
            if y is None:
                continue
            sr = self.sample_rate
            d = describe(y, sr=sr)
            parts = Path(name).with_suffix("").parts
            words = " ".join(parts)
            # The file's own name says most; then its folders, nearest first.
            sound_class = next((c for c in map(class_from_words, reversed(parts))
                                if c != "unknown"), "unknown")
            root_note = None if sound_class in _DRUMS else detect_root(y, sr=sr)
            rel = Path("audio") / "folder" / slug(root.name) / Path(name).with_suffix(".wav")
            (corpus_dir / rel).parent.mkdir(parents=True, exist_ok=True)
            sf.write(corpus_dir / rel, y / d.peak * 0.99, sr, subtype="PCM_16")
            parent = Path(name).parent.as_posix()
            instrument = f"folder-{slug(root.name)}-{slug(parent)}"
            records.append({
                "note_str": f"{instrument}-{slug(Path(name).stem)}",
                "instrument_str": instrument,
                "instrument_source_str": "acoustic",
                "pitch": int(round(root_note)) if root_note is not None else 60,
                "velocity": None,
                "sample_rate": sr,
                "class": sound_class,
                "tonal": root_note is not None,
                "root_note": None if root_note is None else round(root_note, 3),
                "path_words": re.sub(r"[_\-.]+", " ", words),
                "source_file": str(path),
                "features": d.to_dict(),
                "path": rel.as_posix(),
            })
        return records, skipped


def folder_units(root: Path, *, sample_rate: int, length_s: float, limit: int | None,
                 chunk: int = 32) -> list[FolderUnit]:
    files = sorted(p.relative_to(root).as_posix() for p in root.rglob("*")
                   if p.is_file() and p.suffix.lower() in READABLE_SUFFIXES)
    if limit is not None:
        files = files[:limit]
    return [FolderUnit(str(root), tuple(files[i:i + chunk]), sample_rate, length_s)
            for i in range(0, len(files), chunk)]


@dataclass(frozen=True)
class NSynthUnit:
    root: str
    note_strs: tuple[str, ...]
    sample_rate: int
    length_s: float

    @property
    def unit_id(self) -> str:
        digest = hashlib.sha1("\n".join(self.note_strs).encode()).hexdigest()[:12]
        return f"nsynth-{slug(Path(self.root).name)}-{digest}"

    def run(self, corpus_dir: Path) -> tuple[list[dict], list[str]]:
        root = Path(self.root)
        labels = json.loads((root / "examples.json").read_text())
        hint = next((s for s in ("train", "valid", "test") if s in root.name.lower()), None)
        records, skipped = [], []
        for note_str in self.note_strs:
            meta = labels[note_str]
            path = root / "audio" / f"{note_str}.wav"
            y = load_one_shot(path, sample_rate=self.sample_rate, length_s=self.length_s,
                              skipped=skipped)
            if y is None:
                continue
            sr = self.sample_rate
            d = describe(y, sr=sr, note_off_s=3.0 if self.length_s > 3.0 else None)
            rel = Path("audio") / "nsynth" / f"{note_str}.wav"
            (corpus_dir / rel).parent.mkdir(parents=True, exist_ok=True)
            sf.write(corpus_dir / rel, y / d.peak * 0.99, sr, subtype="PCM_16")
            family = meta.get("instrument_family_str", "")
            records.append({
                "note_str": note_str,
                "instrument_str": meta.get("instrument_str", note_str.rsplit("-", 2)[0]),
                "instrument_source_str": meta.get("instrument_source_str", "acoustic"),
                "instrument_family_str": family,
                "qualities_str": list(meta.get("qualities_str", [])),
                "pitch": int(meta["pitch"]),
                "velocity": int(meta["velocity"]),
                "sample_rate": sr,
                "class": NSYNTH_CLASS.get(family, "unknown"),
                "tonal": True,
                "root_note": float(meta["pitch"]),
                "features": d.to_dict(),
                "path": rel.as_posix(),
                "split_hint": hint,
            })
        return records, skipped


def nsynth_units(root: Path, *, sample_rate: int, length_s: float, limit: int | None,
                 chunk: int = 64) -> list[NSynthUnit]:
    index = root / "examples.json"
    if not index.is_file():
        raise FileNotFoundError(f"{root}: no examples.json (expected NSynth's layout)")
    names = sorted(json.loads(index.read_text()))
    if limit is not None:
        names = names[:limit]
    return [NSynthUnit(str(root), tuple(names[i:i + chunk]), sample_rate, length_s)
            for i in range(0, len(names), chunk)]
