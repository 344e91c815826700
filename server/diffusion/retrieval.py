"""Retrieval seeding after the thesis's ChopAN: start denoising from a blend of similar sounds.

The index holds, for a library of samples, the unit-length caption embedding, the codec
latent, the pitch, the tonal flag and the class. A prompt's nearest captions are blended by
similarity (tonal neighbours near the requested pitch preferred), noised to ``strength`` and
then denoised by the text-conditioned model, so the result is new but anchored.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file

INDEX_FILE = "index.safetensors"
META_FILE = "index.json"
#: similarity lost per semitone between a tonal sample and the requested note
PER_SEMITONE = 0.003


@dataclass
class Neighbours:
    latent: torch.Tensor  # [C, H, T] similarity-weighted blend
    tonal_probability: float
    classes: list[str]
    similarities: list[float]


class RetrievalIndex:
    def __init__(self, embeddings: torch.Tensor, latents: torch.Tensor, pitches: torch.Tensor,
                 tonal: torch.Tensor, classes: list[str], *, blend: int = 4,
                 pool: int = 2) -> None:
        """``blend``: how many matches a seed mixes; ``pool``: each is drawn among the best
        ``pool * blend`` (saved with the index, so each model keeps the setting it was
        measured with)."""
        if not (len(embeddings) == len(latents) == len(pitches) == len(tonal) == len(classes)):
            raise ValueError("retrieval index arrays must have the same length")
        self.embeddings = torch.nn.functional.normalize(embeddings.float(), dim=-1)
        self.latents = latents
        self.pitches = pitches.float()
        self.tonal = tonal.bool()
        self.classes = classes
        if blend < 1 or pool < 1:
            raise ValueError(f"blend and pool must be at least 1, got {blend} and {pool}")
        self.blend, self.pool = blend, pool

    def __len__(self) -> int:
        return len(self.classes)

    def save(self, path: str | Path) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        save_file({"embeddings": self.embeddings.half().contiguous(),
                   "latents": self.latents.half().contiguous(),
                   "pitches": self.pitches.contiguous(), "tonal": self.tonal.to(torch.uint8)},
                  str(path / INDEX_FILE))
        (path / META_FILE).write_text(json.dumps(
            {"blend": self.blend, "pool": self.pool, "classes": self.classes}) + "\n")

    @classmethod
    def load(cls, path: str | Path) -> RetrievalIndex:
        path = Path(path)
        t = load_file(str(path / INDEX_FILE))
        meta = json.loads((path / META_FILE).read_text())
        # Indexes saved before the setting was stored blended 4 matches.
        return cls(t["embeddings"].float(), t["latents"].float(), t["pitches"], t["tonal"].bool(),
                   meta["classes"], blend=meta.get("blend", 4), pool=meta.get("pool", 2))

    def neighbours(self, query: torch.Tensor, *, pitch: float, k: int | None = None,
                   temperature: float = 0.05, generator: torch.Generator | None = None,
                   repitch: Callable[[torch.Tensor, torch.Tensor], torch.Tensor] | None = None,
                   ) -> Neighbours:
        """Blend of ``k`` (default: the index's ``blend``) of the best matches of a unit-length
        query embedding [384].

        ``repitch(latents, semitones)`` (the codec's ``shift_pitch``) moves each tonal match to
        ``pitch`` before blending; without it, matches at different notes blend into a cluster
        and a render seeded from them keeps their notes, not the requested one.
        """
        k = k or self.blend
        sims = self.embeddings @ query.float().cpu()
        # Tonal samples far from the requested pitch are poorer seeds even after repitching, but
        # only mildly: a stronger penalty let unpitched samples of the wrong class win.
        distance = (self.pitches - pitch).abs() * PER_SEMITONE
        scores = sims - torch.where(self.tonal, distance, torch.zeros_like(distance))
        top = torch.topk(scores, min(self.pool * k, len(scores))).indices
        # Draw k of the best pool*k so that seeds vary between variations of one prompt.
        weights = torch.softmax(scores[top] / temperature, dim=0)
        pick = top[torch.multinomial(weights, min(k, len(top)), generator=generator)]
        w = torch.softmax(scores[pick] / temperature, dim=0)
        latents = self.latents[pick].float()
        if repitch is not None:
            semitones = torch.where(self.tonal[pick], pitch - self.pitches[pick],
                                    torch.zeros(len(pick)))
            latents = repitch(latents, semitones)
        latent = (w.view(-1, 1, 1, 1) * latents).sum(0)
        # A blend of k unit-variance latents has a smaller variance: restore it.
        latent = latent / latent.std().clamp_min(1e-3) * latents.std()
        tonal_p = float((w * self.tonal[pick].float()).sum())
        return Neighbours(latent, tonal_p, [self.classes[i] for i in pick.tolist()],
                          sims[pick].tolist())
