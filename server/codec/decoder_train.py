"""Training the codec's learned decoder (``shotcaller train codec --decoder-steps N``).

The decoder learns to turn the autoencoder's decoded frames back into the original waveform.
Its loss is the multi-resolution STFT distance that ``bench/codec.py`` reports (spectral
convergence + mean absolute log-magnitude difference at FFT sizes 512/1024/2048), the usual
training loss of neural vocoders. The autoencoder's projection is frozen: a decoder trained on
the shipped codec's projection keeps every latent the diffusion model was trained on valid.

The loop runs on Hugging Face Accelerate, as diffusers' own training scripts do: the same
command trains on the CPU, on one GPU (bf16 autocast) or, under ``accelerate launch``, on
several; checkpoints hold plain state dicts and resume on any of them. ``max_minutes`` ends
training at a deadline with the weights exported, for a lent GPU's fixed minutes.
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

from ..accelerated import make_accelerator
from ..corpus.dataset import load_corpus, load_waves, select
from .codec import SpectralCodec
from .spectral import wave_to_logmag
from .vocoder import SpectralDecoder

log = logging.getLogger(__name__)

LOSS_FFT_SIZES = (512, 1024, 2048)
LOG_FLOOR = 1e-5  # the bench's floor: bins below it count as silence on both sides


@dataclass
class DecoderTrainConfig:
    corpus: Path
    codec: Path  # a codec folder whose projection is kept
    out: Path
    steps: int = 3000
    batch_size: int = 12
    learning_rate: float = 1.5e-3  # 5e-4 moved the valid distance only 0.873 -> 0.855 in 450 steps
    per_class: int = 300  # class-balanced train-split examples held in memory
    channels: int = 192  # 256 measured 38 ms p50 / 56 ms max per decode; 192: 28 ms
    hidden_channels: int = 576
    num_blocks: int = 6
    checkpoint_minutes: float = 4.0
    resume: bool = False
    seed: int = 0
    device: str = "cpu"  # the decoder needs far more steps than 2 CPU cores give: use a GPU
    max_minutes: float | None = None  # stop here (weights exported) even before ``steps``
    mixed_precision: str | None = None  # Accelerate's: None is bf16 on a GPU, "no" elsewhere
    level_spread_db: float = 12.0  # each training example at a random level this far down
    more_corpora: tuple[Path, ...] = ()  # more one-shots to learn from, ``per_class`` of each


def _magnitudes(wave: torch.Tensor, n_fft: int) -> torch.Tensor:
    window = torch.hann_window(n_fft, device=wave.device)
    return torch.stft(wave, n_fft, n_fft // 4, window=window, center=True, pad_mode="constant",
                      return_complex=True).abs()


def mrstft_loss(estimate: torch.Tensor, reference: torch.Tensor) -> torch.Tensor:
    """Mean over FFT sizes of spectral convergence + mean |log-magnitude difference| [batch]."""
    total = torch.zeros(estimate.shape[0], device=estimate.device)
    for n_fft in LOSS_FFT_SIZES:
        a, b = _magnitudes(reference, n_fft), _magnitudes(estimate, n_fft)
        sc = (a - b).flatten(1).norm(dim=1) / a.flatten(1).norm(dim=1).clamp_min(1e-8)
        logdiff = (a.clamp_min(LOG_FLOOR).log() - b.clamp_min(LOG_FLOOR).log()).abs()
        total = total + sc + logdiff.flatten(1).mean(dim=1)
    return total / len(LOSS_FFT_SIZES)


def _frames(codec: SpectralCodec, waves: torch.Tensor) -> torch.Tensor:
    """What the decoder sees: the autoencoder's reconstruction of the waves' frames."""
    with torch.no_grad():
        ae = codec.autoencoder
        return ae.decode(ae.encode(wave_to_logmag(waves, codec.spectral)))


def _validate(codec: SpectralCodec, decoder: SpectralDecoder, waves: torch.Tensor) -> float:
    decoder.eval()
    device = next(decoder.parameters()).device
    with torch.no_grad():
        losses = [mrstft_loss(decoder.waveform(_frames(codec, w), codec.spectral), w).cpu()
                  for w in (w.to(device) for w in waves.split(8))]
    decoder.train()
    return float(torch.cat(losses).mean())


def train_decoder(cfg: DecoderTrainConfig) -> Path:
    started = time.monotonic()
    torch.manual_seed(cfg.seed)
    out = Path(cfg.out)
    out.mkdir(parents=True, exist_ok=True)
    ckpt = out / "decoder_checkpoint.pt"
    accelerator = make_accelerator(cfg.device, cfg.mixed_precision)
    device = accelerator.device
    codec = SpectralCodec.from_pretrained(cfg.codec, device=str(device))
    spectral = codec.spectral
    train_parts, valid_parts = [], []
    for folder in (cfg.corpus, *cfg.more_corpora):
        records = load_corpus(folder)
        train = select(records, split="train", per_class=cfg.per_class, seed=cfg.seed)
        valid = select(records, split="valid", per_class=3, seed=cfg.seed)
        log.info("%s: loading %d train and %d valid one-shots", folder, len(train), len(valid))
        train_parts.append(load_waves(folder, train, num_samples=spectral.num_samples))
        if valid:
            valid_parts.append(load_waves(folder, valid, num_samples=spectral.num_samples,
                                          progress=False))
    train_waves = torch.from_numpy(np.concatenate(train_parts))
    if not len(train_waves):
        raise ValueError(f"{cfg.corpus}: no train-split examples to fit the decoder on")
    valid_waves = torch.from_numpy(np.concatenate(valid_parts)) if valid_parts else None
    batch_size = min(cfg.batch_size, len(train_waves))

    decoder = SpectralDecoder(num_bins=spectral.num_bins, channels=cfg.channels,
                              hidden_channels=cfg.hidden_channels, num_blocks=cfg.num_blocks)
    optimizer = torch.optim.AdamW(decoder.parameters(), lr=cfg.learning_rate, weight_decay=0.0)
    warmup = min(200, cfg.steps // 10 + 1)

    def done(s: int) -> float:
        """How far through the run: by steps, or by the clock where there is a deadline
        (the rate anneals by the time the minutes run out, whatever the GPU's speed)."""
        by_clock = 0.0 if not cfg.max_minutes else \
            (time.monotonic() - started) / (cfg.max_minutes * 60)
        return max(s / cfg.steps, by_clock)

    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min(1.0, (s + 1) / warmup) * max(0.05, 1 - done(s)))
    step = 0
    if cfg.resume and ckpt.exists():
        # Plain state dicts, read onto the CPU: a checkpoint from a GPU resumes here and back.
        state = torch.load(ckpt, map_location="cpu", weights_only=False)
        decoder.load_state_dict(state["decoder"])
        optimizer.load_state_dict(state["optimizer"])
        schedule.load_state_dict(state["schedule"])
        step = state["step"]
        torch.set_rng_state(state["rng"])
        log.info("resumed at step %d", step)
    decoder, optimizer, schedule = accelerator.prepare(decoder, optimizer, schedule)

    def save(entry: dict) -> None:
        plain = accelerator.unwrap_model(decoder)
        torch.save({"decoder": plain.state_dict(), "optimizer": optimizer.state_dict(),
                    "schedule": schedule.state_dict(), "step": step,
                    "rng": torch.get_rng_state()}, ckpt)
        _export(codec, plain, out / "codec", entry)

    log_file = open(out / "decoder_log.jsonl", "a")
    rng = np.random.default_rng(cfg.seed + step)
    last_save, running = time.monotonic(), []
    deadline = None if cfg.max_minutes is None else started + cfg.max_minutes * 60
    decoder.train()
    with tqdm(total=cfg.steps, initial=step, desc="codec decoder", unit="step") as bar:
        while step < cfg.steps:
            batch = train_waves[rng.choice(len(train_waves), batch_size, replace=False)]
            # each example at a level and polarity of its own: a few hundred one-shots seen
            # thousands of times on a GPU, and renders come at every level
            gain = 10.0 ** (rng.uniform(-cfg.level_spread_db, 0.0, batch_size) / 20.0)
            gain *= rng.choice((-1.0, 1.0), batch_size)
            batch = (batch * torch.from_numpy(gain).float().unsqueeze(1)).to(device)
            frames = _frames(codec, batch)  # in fp32, as the decoder will get them
            with accelerator.autocast():
                estimate = decoder.waveform(frames, spectral)
            loss = mrstft_loss(estimate.float(), batch).mean()  # STFTs in fp32
            optimizer.zero_grad(set_to_none=True)
            accelerator.backward(loss)
            accelerator.clip_grad_norm_(decoder.parameters(), 1.0)
            optimizer.step()
            schedule.step()
            step += 1
            running.append(loss.item())
            bar.update()
            bar.set_postfix(loss=f"{np.mean(running[-50:]):.3f}")
            late = deadline is not None and time.monotonic() > deadline
            if (time.monotonic() - last_save > cfg.checkpoint_minutes * 60 or step == cfg.steps
                    or late):
                entry = {"step": step, "train_loss": float(np.mean(running[-100:])),
                         "minutes": round((time.monotonic() - started) / 60, 2),
                         "batch_size": batch_size, "device": str(device)}
                if valid_waves is not None:
                    entry["valid_mrstft"] = _validate(codec, accelerator.unwrap_model(decoder),
                                                      valid_waves)
                save(entry)
                log_file.write(json.dumps(entry) + "\n")
                log_file.flush()
                log.info("step %d: %s", step, entry)
                last_save = time.monotonic()
            if late:
                log.info("stopped at the %.1f-minute deadline, step %d", cfg.max_minutes, step)
                break
    log_file.close()
    return out / "codec"


def _export(codec: SpectralCodec, decoder: SpectralDecoder, folder: Path, entry: dict) -> None:
    SpectralCodec(codec.autoencoder, codec.spectral, phase_iterations=codec.phase_iterations,
                  decoder=decoder.eval()).save_pretrained(folder)
    decoder.train()
    (folder / "decoder_training.json").write_text(json.dumps(entry, indent=2) + "\n")
