"""Build a corpus folder: run units in worker processes, then write the metadata.

Layout of a corpus folder::

    audio/...            mono WAV one-shots, peak-normalised
    parts/UNIT.json      raw records of one finished unit (the resume points)
    metadata.jsonl       one finished record per line, sorted by path (byte-identical reruns)
    build_log.txt        what was dropped or skipped, and why
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from .hydrogen import hydrogen_units
from .importers import folder_units, nsynth_units
from .records import finish_records
from .render_units import RenderSettings, preset_units
from .salamander import salamander_units
from .synth import synth_units

log = logging.getLogger(__name__)

DEBIAN_SOUNDFONTS = (
    "/usr/share/sounds/sf2/FluidR3_GM.sf2",
    "/usr/share/sounds/sf2/TimGM6mb.sf2",
    "/usr/share/sounds/sf3/MuseScore_General_Full.sf3",
    "/usr/share/sounds/sf2/FluidR3_GS.sf2",
)
METADATA = "metadata.jsonl"


@dataclass
class BuildConfig:
    out: Path
    soundfonts: list[Path] = field(default_factory=list)
    folders: list[Path] = field(default_factory=list)
    nsynth: list[Path] = field(default_factory=list)
    synth_per_family: int = 0  # generated drum-machine and synth voices per family
    hydrogen: list[Path] = field(default_factory=list)  # folders of Hydrogen kit folders
    salamander: list[Path] = field(default_factory=list)  # Salamander piano npm packages
    sample_rate: int = 44100
    length_s: float = 1.5
    hold_s: float = 1.0  # a soundfont note's note-off (its release rings on inside length_s)
    limit: int | None = None
    jobs: int = 1
    render: RenderSettings | None = None
    #: instrument → split as another corpus drew them (``pack.SPLITS_FILE``): a corpus made
    #: again elsewhere from part of that one's sources keeps its splits, where drawing them
    #: among fewer instruments would move some of its test instruments into train
    splits_of: dict[str, str] | None = None


@dataclass
class BuildReport:
    records: int
    rendered_units: int
    skipped_units: int
    problems: list[str]
    seconds: float
    counts: dict[str, int]


def _run_unit(unit, corpus_dir: str):
    records, problems = unit.run(Path(corpus_dir))
    part = Path(corpus_dir) / "parts" / f"{unit.unit_id}.json"
    tmp = part.with_suffix(".tmp")
    tmp.write_text(json.dumps({"records": records, "problems": problems}))
    os.replace(tmp, part)  # a part file exists only once its unit is complete
    return unit.unit_id, len(records), problems


def plan_units(cfg: BuildConfig) -> list:
    if cfg.soundfonts and cfg.render is None and not 0.05 <= cfg.hold_s < cfg.length_s:
        raise ValueError(f"hold {cfg.hold_s} s must be shorter than the one-shot "
                         f"({cfg.length_s} s) and at least 0.05 s")
    settings = cfg.render or RenderSettings(sample_rate=cfg.sample_rate, length_s=cfg.length_s,
                                            hold_s=min(cfg.hold_s, cfg.length_s))
    units: list = []
    for sf2 in cfg.soundfonts:
        units += preset_units(Path(sf2), settings, cfg.limit)
    for folder in cfg.folders:
        if not Path(folder).is_dir():
            raise FileNotFoundError(f"--folder {folder}: not a directory")
        units += folder_units(Path(folder), sample_rate=cfg.sample_rate, length_s=cfg.length_s,
                              limit=cfg.limit)
    units += hydrogen_units(cfg.hydrogen, sample_rate=cfg.sample_rate, length_s=cfg.length_s,
                            limit=cfg.limit)
    units += salamander_units(cfg.salamander, sample_rate=cfg.sample_rate,
                              length_s=cfg.length_s)
    if cfg.synth_per_family:
        units += synth_units(cfg.synth_per_family, sample_rate=cfg.sample_rate,
                             length_s=cfg.length_s)
    for root in cfg.nsynth:
        units += nsynth_units(Path(root), sample_rate=cfg.sample_rate, length_s=cfg.length_s,
                              limit=cfg.limit)
    return units


def build_corpus(cfg: BuildConfig, *, progress: bool = True) -> BuildReport:
    """Render/import everything not done yet, then (re)write ``metadata.jsonl``."""
    start = time.perf_counter()
    out = Path(cfg.out)
    (out / "parts").mkdir(parents=True, exist_ok=True)
    units = plan_units(cfg)
    wanted = {u.unit_id for u in units}
    todo = [u for u in units if not (out / "parts" / f"{u.unit_id}.json").exists()]
    bar = tqdm(total=len(units), initial=len(units) - len(todo), desc="corpus", unit="unit",
               disable=not progress)
    if cfg.jobs > 1 and len(todo) > 1:
        # spawn, not fork: a forked FluidSynth (threads, locks) deadlocks in the child.
        ctx = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=cfg.jobs, mp_context=ctx) as pool:
            for _ in pool.map(_run_unit, todo, [str(out)] * len(todo), chunksize=1):
                bar.update()
    else:
        for unit in todo:
            _run_unit(unit, str(out))
            bar.update()
    bar.close()

    raw, problems = [], []
    for unit_id in sorted(wanted):
        part = json.loads((out / "parts" / f"{unit_id}.json").read_text())
        raw += part["records"]
        problems += part["problems"]
    for r in raw if cfg.splits_of else ():
        if r.get("instrument_str") in cfg.splits_of:
            r["split_hint"] = cfg.splits_of[r["instrument_str"]]
    records = finish_records(raw)
    write_metadata(out / METADATA, records)
    (out / "build_log.txt").write_text("".join(f"{p}\n" for p in problems))
    counts = dict(sorted(Counter(r["class"] for r in records).items()))
    return BuildReport(len(records), len(todo), len(units) - len(todo), problems,
                       time.perf_counter() - start, counts)


def write_metadata(path: Path, records: list[dict]) -> None:
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w") as handle:
        for r in records:
            handle.write(json.dumps(r, sort_keys=True, separators=(",", ":")) + "\n")
    os.replace(tmp, path)


def read_metadata(corpus_dir: str | Path) -> list[dict]:
    path = Path(corpus_dir) / METADATA
    if not path.is_file():
        raise FileNotFoundError(f"{corpus_dir}: no {METADATA} (build it with 'shotcaller corpus "
                                "build')")
    with open(path) as handle:
        return [json.loads(line) for line in handle if line.strip()]
