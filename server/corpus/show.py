"""Summaries of a corpus: counts per class and split, and a spectrogram grid per class."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

from ..audio_io import load_mono
from .build import read_metadata


def counts_table(records: list[dict]) -> str:
    per = Counter((r["class"], r["split"]) for r in records)
    classes = sorted({r["class"] for r in records})
    lines = [f"{'class':<12}{'train':>8}{'valid':>8}{'test':>8}{'total':>8}"]
    for c in classes:
        row = [per[(c, s)] for s in ("train", "valid", "test")]
        lines.append(f"{c:<12}" + "".join(f"{n:>8}" for n in row) + f"{sum(row):>8}")
    total = [sum(per[(c, s)] for c in classes) for s in ("train", "valid", "test")]
    lines.append(f"{'all':<12}" + "".join(f"{n:>8}" for n in total) + f"{sum(total):>8}")
    lines.append(f"instruments: {len({r['instrument_str'] for r in records})}")
    return "\n".join(lines)


def spectrogram_grid(corpus_dir: str | Path, png: str | Path, *, per_class: int = 4) -> Path:
    """Draw ``per_class`` log-spectrograms for every class, one row per class."""
    import librosa
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    records = read_metadata(corpus_dir)
    by_class: dict[str, list[dict]] = defaultdict(list)
    for r in records:
        by_class[r["class"]].append(r)
    classes = sorted(by_class)
    fig, axes = plt.subplots(len(classes), per_class, figsize=(2.2 * per_class, 1.3 * len(classes)),
                             squeeze=False)
    for row, c in enumerate(classes):
        items = by_class[c]
        picks = [items[i] for i in np.linspace(0, len(items) - 1, per_class).round().astype(int)]
        for col, r in enumerate(picks):
            ax = axes[row][col]
            y, sr = load_mono(Path(corpus_dir) / r["path"])
            mel = librosa.feature.melspectrogram(y=y, sr=sr, n_mels=64, hop_length=512)
            ax.imshow(librosa.power_to_db(mel, ref=np.max), origin="lower", aspect="auto",
                      vmin=-80, vmax=0, cmap="magma")
            ax.set_xticks([])
            ax.set_yticks([])
            if col == 0:
                ax.set_ylabel(c, rotation=0, ha="right", va="center", fontsize=8)
            ax.set_title(r["captions"][0][:28], fontsize=6)
    fig.suptitle(f"{Path(corpus_dir).name}: log-mel spectrograms per class", fontsize=9)
    fig.tight_layout()
    fig.savefig(png, dpi=60)
    plt.close(fig)
    return Path(png)
