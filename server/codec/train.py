"""Training the spectrogram autoencoder on a corpus (``shotcaller train codec``)."""

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
    steps: int = 3000
    batch_size: int = 16
    learning_rate: float = 1e-3
    per_class: int = 700
    kl_weight: float = 1e-6
    linear_weight: float = 0.5  # weight of spectral convergence on linear magnitudes
    hidden_channels: int = 256
    checkpoint_minutes: float = 4.0
    resume: bool = False
    seed: int = 0


def _spectra(cfg: CodecTrainConfig, spectral: SpectralConfig, split: str, per_class: int):
    records = select(load_corpus(cfg.corpus), split=split, per_class=per_class, seed=cfg.seed)
    waves = load_waves(cfg.corpus, records, num_samples=spectral.num_samples)
    chunks = [wave_to_logmag(torch.from_numpy(waves[i:i + 256]), spectral).half()
              for i in range(0, len(waves), 256)]
    return torch.cat(chunks), records


def codec_loss(model: SpectrogramAutoencoder, x: torch.Tensor, spectral: SpectralConfig,
               cfg: CodecTrainConfig) -> tuple[torch.Tensor, dict]:
    recon, dist = model(x)
    l1 = (recon - x).abs().mean()
    # Spectral convergence on linear magnitude weights the loud bins the ear hears first.
    mag = torch.exp(x * spectral.log_scale - spectral.log_offset)
    mag_hat = torch.exp(recon.clamp(max=4.0) * spectral.log_scale - spectral.log_offset)
    sc = (torch.linalg.norm((mag - mag_hat).flatten(1), dim=1)
          / torch.linalg.norm(mag.flatten(1), dim=1).clamp_min(1e-6)).mean()
    kl = dist.kl()
    loss = l1 + cfg.linear_weight * sc + cfg.kl_weight * kl
    return loss, {"l1": l1.item(), "sc": sc.item(), "kl": kl.item()}


def train_codec(cfg: CodecTrainConfig) -> Path:
    torch.manual_seed(cfg.seed)
    spectral = SpectralConfig()
    out = Path(cfg.out)
    ckpt = out / "checkpoint.pt"
    out.mkdir(parents=True, exist_ok=True)
    train_x, _ = _spectra(cfg, spectral, "train", cfg.per_class)
    valid_x, _ = _spectra(cfg, spectral, "valid", 24)
    model = SpectrogramAutoencoder(num_bins=spectral.num_bins,
                                   hidden_channels=cfg.hidden_channels)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.learning_rate, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, cfg.learning_rate, total_steps=cfg.steps,
                                                pct_start=0.05)
    step = 0
    if cfg.resume and ckpt.exists():
        state = torch.load(ckpt, weights_only=False)
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["opt"])
        step = state["step"]
        if state["sched"].get("total_steps") == cfg.steps:
            sched.load_state_dict(state["sched"])
        else:
            # A new --steps on resume: anneal linearly from the current rate to zero.
            lr_now = opt.param_groups[0]["lr"]
            remaining = max(1, cfg.steps - step)
            for group in opt.param_groups:
                group["lr"] = group["initial_lr"] = lr_now
            sched = torch.optim.lr_scheduler.LambdaLR(
                opt, lambda s: max(0.0, 1.0 - s / remaining))
        log.info("resumed at step %d", step)
    gen = torch.Generator().manual_seed(cfg.seed + step)
    last_save = time.monotonic()
    log_file = open(out / "train_log.jsonl", "a")
    bar = tqdm(total=cfg.steps, initial=step, desc="codec", unit="step")
    model.train()
    while step < cfg.steps:
        idx = torch.randint(len(train_x), (cfg.batch_size,), generator=gen)
        loss, parts = codec_loss(model, train_x[idx].float(), spectral, cfg)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        step += 1
        bar.update()
        bar.set_postfix(l1=f"{parts['l1']:.3f}", sc=f"{parts['sc']:.3f}")
        if step % 50 == 0:
            log_file.write(json.dumps({"step": step, "loss": loss.item(), **parts}) + "\n")
            log_file.flush()
        if time.monotonic() - last_save > cfg.checkpoint_minutes * 60 or step == cfg.steps:
            torch.save({"model": model.state_dict(), "opt": opt.state_dict(),
                        "sched": sched.state_dict(), "step": step}, ckpt)
            last_save = time.monotonic()
            _export(model, spectral, train_x, valid_x, cfg, out, step)
    bar.close()
    return out


@torch.no_grad()
def _export(model, spectral, train_x, valid_x, cfg, out: Path, step: int) -> None:
    """Save the codec folder with a scaling factor giving unit-variance latents."""
    model.eval()
    sample = train_x[torch.linspace(0, len(train_x) - 1, 256).long()].float()
    z = torch.cat([model.encode(sample[i:i + 64]).mean for i in range(0, 256, 64)])
    model.register_to_config(scaling_factor=float(1.0 / z.std()))
    valid = np.mean([codec_loss(model, valid_x[i:i + 16].float(), spectral, cfg)[1]["l1"]
                     for i in range(0, len(valid_x), 16)])
    SpectralCodec(model, spectral).save_pretrained(out / "codec")
    (out / "codec" / "training.json").write_text(json.dumps(
        {"step": step, "valid_l1": float(valid), "train_examples": len(train_x),
         "batch_size": cfg.batch_size}, indent=2) + "\n")
    log.info("step %d: valid l1 %.4f, exported %s", step, valid, out / "codec")
    model.train()
