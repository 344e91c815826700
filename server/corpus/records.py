"""Turning raw rendered/imported samples into finished metadata records.

A raw record holds what one worker measured; finishing adds what needs the whole corpus:
class-relative brightness, qualities, captions and the split.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict

import numpy as np

from .captions import make_captions
from .descriptors import Descriptors, qualities
from .gm import CLASSES, nsynth_family

SPLITS = ("train", "valid", "test")


def _stable_fraction(text: str) -> float:
    return int.from_bytes(hashlib.sha1(text.encode()).digest()[:8], "big") / 2.0**64


def assign_splits(records: list[dict]) -> dict[str, str]:
    """Split by instrument: every note of an instrument lands in one split.

    Instruments are grouped (drum kits together, melodic instruments by class) and ordered by
    a hash of their id; in each group positions 0, 10, 20, ... go to test and 5, 15, ... to
    valid, so every group with at least one instrument has a test instrument.
    """
    groups: dict[str, set[str]] = defaultdict(set)
    for r in records:
        if r.get("split_hint") in SPLITS:
            continue
        group = "drumkit" if r.get("drum_key") is not None else r["class"]
        groups[group].add(r["instrument_str"])
    split_of: dict[str, str] = {}
    for instruments in groups.values():
        ordered = sorted(instruments, key=lambda s: (_stable_fraction(s), s))
        for i, inst in enumerate(ordered):
            split_of[inst] = "test" if i % 10 == 0 else "valid" if i % 10 == 5 else "train"
    for r in records:
        if r.get("split_hint") in SPLITS:
            split_of[r["instrument_str"]] = r["split_hint"]
    return split_of


def finish_records(raw: list[dict], *, captions_per_sample: int = 4) -> list[dict]:
    """Add qualities, captions, split and instrument index; return records sorted by path."""
    by_class: dict[str, list[float]] = defaultdict(list)
    for r in raw:
        by_class[r["class"]].append(np.log(max(r["features"]["centroid_hz"], 1.0)))
    sorted_logs = {c: np.sort(v) for c, v in by_class.items()}
    split_of = assign_splits(raw)
    instruments = sorted({r["instrument_str"] for r in raw})
    index_of = {name: i for i, name in enumerate(instruments)}

    out = []
    for r in sorted(raw, key=lambda r: r["path"]):
        r = dict(r)
        logs = sorted_logs[r["class"]]
        value = np.log(max(r["features"]["centroid_hz"], 1.0))
        rank = float(np.searchsorted(logs, value, side="right")) / len(logs) if len(logs) > 2 \
            else 0.5
        d = Descriptors(**r["features"])
        drum = r.get("drum_key") is not None
        if "qualities_str" not in r:
            r["qualities_str"] = qualities(d, centroid_rank=rank, velocity=r.get("velocity"))
        r.setdefault("instrument_family_str", nsynth_family(r["class"], r.get("program")))
        r["captions"] = make_captions(
            key=r["note_str"],
            sound_class=r["class"],
            names=[n for n in (r.get("gm_name"), r.get("drum_key_name"), r.get("path_words"),
                               None if drum or "synth_names" in r else r.get("preset_name"))
                   if n],
            kit_names=[r["preset_name"]] if drum and r.get("preset_name") else [],
            source=r["instrument_source_str"],
            qualities=r["qualities_str"],
            nouns=r.get("synth_names", []),
            words=r.get("synth_words", []),
            n=captions_per_sample,
        )
        r["split"] = split_of[r["instrument_str"]]
        r["instrument"] = index_of[r["instrument_str"]]
        r["in_eval_classes"] = r["class"] in CLASSES
        r.pop("split_hint", None)
        out.append(r)
    return out
