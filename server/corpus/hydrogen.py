"""Import Hydrogen drum kits (Debian's ``hydrogen-drumkits`` and ``hydrogen-drumkits-effects``).

Each kit folder holds a ``drumkit.xml`` naming its instruments ("Snare Jazz", "Open HH",
"Cajon Slap") and their velocity layers (a file each, with the velocity range it answers).
Every layer becomes one record: the class from the instrument's and file's names, the
velocity from the layer's range, the kit's name, author and licence kept for the model card.
A kit is one instrument of the corpus, so all its sounds land in one split (kits are held out
whole). A kit file that does not parse, a layer whose file is missing or unreadable, and an
instrument no name places in a class are reported in the build log and skipped.
"""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import soundfile as sf

from .descriptors import describe
from .importers import class_from_words, detect_root, load_one_shot
from .render_units import slug

HYDROGEN_DIRS = ("/usr/share/hydrogen/data/drumkits",)
#: names Hydrogen kits use that the generic path words do not place
HAND_PERCUSSION = re.compile(r"cajon|djembe|bongo|conga|woodblock|whistle|waterglass|cowbell|"
                             r"agogo|guiro|udu|talking ?drum|shekere|dununba|sangban|"
                             r"kenkeni")
EXTRA_CLASS_WORDS: tuple[tuple[str, str], ...] = (
    (r"\bstick\b|sidestick", "rim"),
    (r"pedal ?hh|\bhh\b|hihat|hi-hat", "closed_hat"),
    (r"snap", "clap"),
    (r"strum|guitar|\b[a-g] key\b", "guitar"),
    (r"\bbd\b|bassdrum|kick", "kick"),
)
#: a GM drum key per class (the corpus marks drum sounds by their key)
DRUM_KEYS = {"kick": 36, "rim": 37, "snare": 38, "clap": 39, "closed_hat": 42, "tom": 45,
             "open_hat": 46, "cymbal": 49, "shaker": 70, "perc": 56}


@dataclass(frozen=True)
class Layer:
    file: str
    velocity: int  # 1..127, the middle of the layer's range


@dataclass(frozen=True)
class Instrument:
    name: str
    layers: tuple[Layer, ...]


@dataclass(frozen=True)
class Kit:
    name: str
    author: str
    license: str
    instruments: tuple[Instrument, ...]


class KitError(ValueError):
    """A drumkit.xml that cannot be read as a Hydrogen kit."""


def _text(node: ET.Element | None, tag: str) -> str:
    found = node.find(tag) if node is not None else None
    return (found.text or "").strip() if found is not None else ""


def parse_kit(xml_path: Path) -> Kit:
    """The kit described by ``xml_path``; raises KitError naming the file and the problem."""
    try:
        root = ET.fromstring(Path(xml_path).read_bytes())
    except (OSError, ET.ParseError) as exc:
        raise KitError(f"{xml_path}: {exc}") from exc
    root.tag = root.tag.split("}")[-1]  # newer kits carry a namespace
    for node in root.iter():
        node.tag = node.tag.split("}")[-1]
    if root.tag != "drumkit_info":
        raise KitError(f"{xml_path}: root element <{root.tag}>, not <drumkit_info>")
    instruments = []
    for inst in root.iter("instrument"):
        layers = []
        for layer in inst.iter("layer"):
            file = _text(layer, "filename")
            try:
                low, high = float(_text(layer, "min") or 0), float(_text(layer, "max") or 1)
            except ValueError:
                low, high = 0.0, 1.0
            if file:
                layers.append(Layer(file, max(1, min(127, round(127 * (low + high) / 2)))))
        if not layers and _text(inst, "filename"):  # old kits: one file, no layers
            layers.append(Layer(_text(inst, "filename"), 100))
        if layers:
            instruments.append(Instrument(_text(inst, "name"), tuple(layers)))
    if not instruments:
        raise KitError(f"{xml_path}: no instrument with a sample file")
    return Kit(_text(root, "name") or Path(xml_path).parent.name, _text(root, "author"),
               _text(root, "license"), tuple(instruments))


def instrument_class(kit: Kit, instrument: Instrument, file: str) -> str:
    """The class an instrument's name, its file's name or the kit's name says."""
    words = " ".join((instrument.name, Path(file).stem, kit.name))
    words = re.sub(r"[_\-.]+", " ", words).lower()
    if HAND_PERCUSSION.search(words):  # a djembe's "bass" tone is not a bass
        return "perc"
    for part in (instrument.name, Path(file).stem):
        found = class_from_words(re.sub(r"[_\-.]+", " ", part))
        if found != "unknown":
            return found
    for pattern, sound_class in EXTRA_CLASS_WORDS:
        if re.search(pattern, words):
            return sound_class
    return class_from_words(words)


@dataclass(frozen=True)
class HydrogenUnit:
    """Every layer of one kit."""

    kit_dir: str
    sample_rate: int
    length_s: float

    @property
    def unit_id(self) -> str:
        digest = hashlib.sha1(self.kit_dir.encode()).hexdigest()[:8]
        return f"hydrogen-{slug(Path(self.kit_dir).name)}-{digest}"

    def run(self, corpus_dir: Path) -> tuple[list[dict], list[str]]:
        kit_dir = Path(self.kit_dir)
        try:
            kit = parse_kit(kit_dir / "drumkit.xml")
        except KitError as exc:
            return [], [f"skipped kit: {exc}"]
        records, problems = [], []
        kit_slug = slug(kit.name)
        for inst in kit.instruments:
            for n, layer in enumerate(inst.layers):
                sound_class = instrument_class(kit, inst, layer.file)
                where = f"{kit.name} / {inst.name or '(no name)'} / {layer.file}"
                if sound_class == "unknown":
                    problems.append(f"{where}: no class in its names, skipped")
                    continue
                y = load_one_shot(kit_dir / layer.file, sample_rate=self.sample_rate,
                                  length_s=self.length_s, skipped=problems)
                if y is None:
                    continue
                sr = self.sample_rate
                d = describe(y, sr=sr)
                drum = sound_class in DRUM_KEYS
                root = None if drum else detect_root(y, sr=sr)
                stem = slug(f"{inst.name or Path(layer.file).stem}-{n}")
                rel = Path("audio") / "hydrogen" / kit_slug / f"{stem}.wav"
                (corpus_dir / rel).parent.mkdir(parents=True, exist_ok=True)
                sf.write(corpus_dir / rel, y / d.peak * 0.99, sr, subtype="PCM_16")
                records.append({
                    "note_str": f"hydrogen-{kit_slug}-{stem}",
                    "instrument_str": f"hydrogen-{kit_slug}",
                    "instrument_source_str": "acoustic",
                    "pitch": int(round(root)) if root is not None else DRUM_KEYS.get(
                        sound_class, 60),
                    "velocity": layer.velocity,
                    "sample_rate": sr,
                    "class": sound_class,
                    "tonal": root is not None,
                    "root_note": None if root is None else round(root, 3),
                    "drum_key": DRUM_KEYS[sound_class] if drum else None,
                    "drum_key_name": inst.name,
                    "preset_name": kit.name,
                    "kit_author": kit.author,
                    "kit_license": kit.license,
                    "source_file": str(kit_dir / layer.file),
                    "features": d.to_dict(),
                    "path": rel.as_posix(),
                })
        return records, problems


def hydrogen_units(roots: list[Path], *, sample_rate: int, length_s: float,
                   limit: int | None = None) -> list[HydrogenUnit]:
    """One unit per kit folder (a folder with a drumkit.xml) under ``roots``."""
    kits = sorted({p.parent for root in roots if Path(root).is_dir()
                   for p in Path(root).glob("*/drumkit.xml")})
    if limit is not None:
        kits = kits[:limit]
    return [HydrogenUnit(str(k), sample_rate, length_s) for k in kits]
