"""A map of sounds: a folder, or the model's seed library, laid out in 2-D by latent similarity.

Each sound is its codec latent (the seed library's are stored; a folder's files are encoded),
flattened and scaled to unit length; the map is the plane of the two directions along which
those latents differ most (principal components), so neighbours in the map are neighbours in
the space renders, variations and morphs move through. Points are coloured by class (the
library's own, or a file's folder and name words).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np


@dataclass(frozen=True)
class MapPoint:
    name: str
    sound_class: str
    x: float
    y: float


def layout(latents: np.ndarray) -> np.ndarray:
    """Rows of ``latents`` [n, d] → 2-D points [n, 2] in -1..1 (deterministic signs)."""
    z = np.asarray(latents, dtype=np.float64).reshape(len(latents), -1)
    if len(z) < 2:
        return np.zeros((len(z), 2))
    z = z / (np.linalg.norm(z, axis=1, keepdims=True) + 1e-12)
    z = z - z.mean(axis=0)
    u, s, vt = np.linalg.svd(z, full_matrices=False)
    points = u[:, :2] * s[:2]
    if points.shape[1] < 2:
        points = np.pad(points, ((0, 0), (0, 2 - points.shape[1])))
    for k in range(2):  # a sign for each axis that does not flip between runs
        column = points[:, k]
        if column[np.argmax(np.abs(column))] < 0:
            points[:, k] = -column
    scale = np.max(np.abs(points)) or 1.0
    return points / scale


def draw(points: list[MapPoint], png: Path, title: str) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    classes = sorted({p.sound_class for p in points})
    colours = plt.get_cmap("tab20", max(len(classes), 1))
    fig, ax = plt.subplots(figsize=(8, 7))
    for i, c in enumerate(classes):
        xs = [p.x for p in points if p.sound_class == c]
        ys = [p.y for p in points if p.sound_class == c]
        ax.scatter(xs, ys, s=10, color=colours(i), label=f"{c} ({len(xs)})", alpha=0.75)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=7, markerscale=1.5, loc="center left", bbox_to_anchor=(1.0, 0.5))
    fig.tight_layout()
    Path(png).parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(png, dpi=110)
    plt.close(fig)
    return Path(png)


def write_json(points: list[MapPoint], path: Path) -> Path:
    Path(path).write_text(json.dumps([p.__dict__ for p in points], indent=1) + "\n")
    return Path(path)
