"""Spectrogram pictures for people: comparisons and sheets."""

from __future__ import annotations

from pathlib import Path

import numpy as np


def _logspec(y: np.ndarray, sr: int) -> np.ndarray:
    import librosa

    mel = librosa.feature.melspectrogram(y=y, sr=sr, n_mels=96, hop_length=256)
    return librosa.power_to_db(mel, ref=np.max)


def spectrogram_pair(a: np.ndarray, b: np.ndarray, *, sr: int, png: str | Path,
                     titles: tuple[str, str]) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(9, 3.2), sharey=True)
    for ax, y, title in zip(axes, (a, b), titles, strict=True):
        ax.imshow(_logspec(y, sr), origin="lower", aspect="auto", vmin=-80, vmax=0, cmap="magma",
                  extent=(0, len(y) / sr, 0, 96))
        ax.set_title(title, fontsize=9)
        ax.set_xlabel("seconds")
    axes[0].set_ylabel("mel band")
    fig.tight_layout()
    fig.savefig(png, dpi=100)
    plt.close(fig)
    return Path(png)


def spectrogram_sheet(items: list[tuple[str, np.ndarray]], *, sr: int, png: str | Path,
                      columns: int = 5, title: str = "") -> Path:
    """A grid of labelled spectrograms (``items`` = [(label, audio), ...])."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = (len(items) + columns - 1) // columns
    fig, axes = plt.subplots(rows, columns, figsize=(2.3 * columns, 1.7 * rows), squeeze=False)
    for ax in axes.flat:
        ax.set_axis_off()
    for ax, (label, y) in zip(axes.flat, items, strict=False):
        ax.imshow(_logspec(y, sr), origin="lower", aspect="auto", vmin=-80, vmax=0, cmap="magma")
        ax.set_title(label[:32], fontsize=7)
    if title:
        fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    fig.savefig(png, dpi=90)
    plt.close(fig)
    return Path(png)
