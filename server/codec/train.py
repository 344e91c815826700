"""Fitting the spectrogram codec on a corpus (``shotcaller train codec``).

The autoencoder is a PCA of spectrogram patches, so "training" streams the train split once,
accumulating the patches' sum and scatter matrix in float64, then takes the eigenvectors.
The running sums are checkpointed every few minutes, so ``--resume`` continues a stopped fit.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm

from ..corpus.dataset import load_corpus, load_waves, select
from .autoencoder import SpectrogramAutoencoder
from .codec import SpectralCodec
from .spectral import SpectralConfig, wave_to_logmag

log = logging.getLogger(__name__)


@dataclass
class CodecTrainConfig:
    corpus: Path
    out: Path
    per_class: int = 700  # class-balanced examples from the train split
    chunk: int = 128  # examples per accumulation step
    latent_channels: int = 512
    latent_height: int = 1
    patch_frames: int = 8
    checkpoint_minutes: float = 4.0
    resume: bool = False
    seed: int = 0


class PatchStatistics:
    """Running sum and scatter of flattened patches, in float64."""

    def __init__(self, width: int) -> None:
        self.count = 0
        self.total = torch.zeros(width, dtype=torch.float64)
        self.scatter = torch.zeros(width, width, dtype=torch.float64)

    def add(self, patches: torch.Tensor) -> None:
        p = patches.reshape(-1, patches.shape[-1])
        self.count += p.shape[0]
        self.total += p.sum(0, dtype=torch.float64)
        self.scatter += (p.T @ p).double()  # float32 product per chunk: fast, and exact enough

    def mean_and_covariance(self) -> tuple[torch.Tensor, torch.Tensor]:
        if self.count < 2:
            raise ValueError("too few patches to fit the codec")
        mean = self.total / self.count
        cov = (self.scatter - self.count * torch.outer(mean, mean)) / (self.count - 1)
        return mean, cov

    def state_dict(self) -> dict:
        return {"count": self.count, "total": self.total, "scatter": self.scatter}

    def load_state_dict(self, state: dict) -> None:
        self.count, self.total, self.scatter = state["count"], state["total"], state["scatter"]


def _spectra(corpus: Path, records: list[dict], spectral: SpectralConfig) -> torch.Tensor:
    waves = load_waves(corpus, records, num_samples=spectral.num_samples, progress=False)
    return wave_to_logmag(torch.from_numpy(np.asarray(waves)), spectral)


def train_codec(cfg: CodecTrainConfig) -> Path:
    spectral = SpectralConfig()
    out = Path(cfg.out)
    ckpt = out / "checkpoint.pt"
    out.mkdir(parents=True, exist_ok=True)
    corpus = load_corpus(cfg.corpus)
    train = select(corpus, split="train", per_class=cfg.per_class, seed=cfg.seed)
    # Loaded once: every checkpoint measures the fit on the same valid spectra (a small corpus
    # may have none; the fit is then saved unmeasured).
    valid_records = select(corpus, split="valid", per_class=12, seed=cfg.seed)
    valid = _spectra(cfg.corpus, valid_records, spectral) if valid_records else None
    model = SpectrogramAutoencoder(num_bins=spectral.num_bins, patch_frames=cfg.patch_frames,
                                   latent_channels=cfg.latent_channels,
                                   latent_height=cfg.latent_height)
    stats = PatchStatistics(model.patch_width)
    done = 0
    if cfg.resume and ckpt.exists():
        state = torch.load(ckpt, weights_only=False)
        if state["examples"] != len(train):
            raise ValueError(f"{ckpt} was made from {state['examples']} examples, this corpus "
                             f"selects {len(train)}; start without --resume")
        stats.load_state_dict(state["stats"])
        done = state["done"]
        log.info("resumed after %d of %d examples", done, len(train))
    log_file = open(out / "train_log.jsonl", "a")
    last_save = time.monotonic()
    if done == len(train):  # a finished fit: export again (the fitting code may be newer)
        log_file.write(json.dumps(_export(model, stats, spectral, cfg, valid, out, done)) + "\n")
    with tqdm(total=len(train), initial=done, desc="codec fit", unit="shot") as bar:
        while done < len(train):
            batch = train[done: done + cfg.chunk]
            stats.add(model.patches(_spectra(cfg.corpus, batch, spectral)))
            done += len(batch)
            bar.update(len(batch))
            if time.monotonic() - last_save > cfg.checkpoint_minutes * 60 or done == len(train):
                torch.save({"stats": stats.state_dict(), "done": done, "examples": len(train)},
                           ckpt)
                last_save = time.monotonic()
                entry = _export(model, stats, spectral, cfg, valid, out, done)
                log_file.write(json.dumps(entry) + "\n")
                log_file.flush()
    log_file.close()
    return out


@torch.no_grad()
def _export(model: SpectrogramAutoencoder, stats: PatchStatistics, spectral: SpectralConfig,
            cfg: CodecTrainConfig, valid: torch.Tensor | None, out: Path, done: int) -> dict:
    """Fit from the statistics so far, scale latents to unit variance, measure and save."""
    model.set_principal_components(*stats.mean_and_covariance())
    if valid is None:  # scale from the training patches' spread instead
        w = model.encoder_weight().T.double()
        spread = (w @ stats.mean_and_covariance()[1] @ w.T).diagonal().mean().sqrt()
        model.register_to_config(scaling_factor=float(1.0 / spread))
        valid_l1 = None
    else:
        z = model.encode(valid)
        model.register_to_config(scaling_factor=float(1.0 / z.std()))
        valid_l1 = float((model.decode(z) - valid).abs().mean())
    SpectralCodec(model, spectral).save_pretrained(out / "codec")
    entry = {"examples": done, "patches": stats.count, "valid_l1": valid_l1,
             "valid_examples": 0 if valid is None else len(valid)}
    (out / "codec" / "training.json").write_text(json.dumps(entry, indent=2) + "\n")
    log.info("after %d examples: valid L1 %s, exported %s", done,
             "n/a" if valid_l1 is None else f"{valid_l1:.4f}", out / "codec")
    return entry
