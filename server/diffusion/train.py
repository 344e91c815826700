"""Training the text-conditioned UNet on codec latents (``shotcaller train diffusion``).

Data: class-balanced train-split samples of a corpus, each with several captions. Latents
keep each note's level relative to the loudest note of its instrument (so "soft" and "hard"
are audible), text is dropped for 10 % of examples (classifier-free guidance), and the
exported weights are an exponential moving average of the trained ones.

The loop runs on Hugging Face Accelerate, as diffusers' training scripts do: the CPU, one GPU
(bf16 autocast) or several under ``accelerate launch``, with plain state-dict checkpoints that
resume on any of them.
"""

from __future__ import annotations

import copy
import json
import logging
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from diffusers import DDPMScheduler
from tqdm import tqdm

from ..accelerated import make_accelerator
from ..codec.codec import SpectralCodec
from ..codec.spectral import wave_to_logmag
from ..corpus.dataset import load_corpus, load_waves, select, source_of
from ..corpus.gm import CLASSES
from .conditioning import conditioning_vector, note_arrays, note_features
from .factory import make_scheduler, make_unet
from .pipeline import ShotcallerPipeline
from .retrieval import RetrievalIndex
from .text import TextEncoder

log = logging.getLogger(__name__)
MIN_LEVEL = 10 ** (-24 / 20)


@dataclass
class DiffusionTrainConfig:
    corpus: Path
    codec: Path
    out: Path
    base: Path | None = None  # start from this model (fine-tuning)
    steps: int = 4000
    batch_size: int = 32
    learning_rate: float = 4e-4
    per_class: int = 1200
    text_dropout: float = 0.1
    ema_decay: float = 0.999
    retrieval_per_class: int = 80
    # Seeds keep their leading components only (the rest decode as the mean patch), to keep
    # the index small. Stored as int8, 80 per class x 384 components (21 MB) rendered valid
    # captions closer to real audio than 80 x 192, 120 x 256 or 160 x 192 (model card).
    retrieval_components: int = 384
    checkpoint_minutes: float = 4.0
    resume: bool = False
    seed: int = 0
    classes: tuple[str, ...] | None = CLASSES
    device: str = "cpu"
    mixed_precision: str | None = None  # Accelerate's: None is bf16 on a GPU, "no" elsewhere


def relative_levels(records: list[dict], all_records: list[dict]) -> np.ndarray:
    """Each note's peak relative to its instrument's loudest, floored at -24 dB."""
    loudest: dict[str, float] = defaultdict(float)
    for r in all_records:
        loudest[r["instrument_str"]] = max(loudest[r["instrument_str"]], r["features"]["peak"])
    return np.array([np.clip(r["features"]["peak"] / max(loudest[r["instrument_str"]], 1e-9),
                             MIN_LEVEL, 1.0) for r in records], dtype=np.float32)


@torch.no_grad()
def encode_latents(codec: SpectralCodec, waves: np.ndarray, levels: np.ndarray) -> torch.Tensor:
    out = []
    scale = codec.autoencoder.config.scaling_factor
    for i in tqdm(range(0, len(waves), 64), desc="latents"):
        w = torch.from_numpy(waves[i:i + 64] * levels[i:i + 64, None])
        # fp16 per chunk: 22k latents of 1024 x 64 are 3 GB in fp16, and twice that in fp32.
        out.append((codec.autoencoder.encode(wave_to_logmag(w, codec.spectral)) * scale).half())
    return torch.cat(out)


@torch.no_grad()
def encode_captions(text: TextEncoder, records: list[dict]) -> tuple[torch.Tensor, ...]:
    """Unique caption states [u, tokens, 384] fp16, masks [u, tokens] and pooled embeddings
    [u, 384], the index of each record's captions into them [n, k], and pooled record
    embeddings [n, 384].

    Templates repeat: encoding each distinct caption once saves most of the text encoder's time.
    """
    k = min(len(r["captions"]) for r in records)
    unique = sorted({c for r in records for c in r["captions"][:k]}, key=lambda c: (len(c), c))
    position = {c: i for i, c in enumerate(unique)}
    states, masks, pooled = [], [], []
    for i in tqdm(range(0, len(unique), 256), desc="captions"):
        st, m = text.encode(unique[i:i + 256])
        states.append(st.half())
        masks.append(m.to(torch.uint8))
        pooled.append(TextEncoder.pool(st, m))
    index = torch.tensor([[position[c] for c in r["captions"][:k]] for r in records])
    pooled_all = torch.cat(pooled)
    record_pooled = torch.nn.functional.normalize(pooled_all[index].mean(1), dim=-1)
    return torch.cat(states), torch.cat(masks), pooled_all, index, record_pooled


class _Data:
    """Everything one training run needs, in memory."""

    def __init__(self, cfg: DiffusionTrainConfig, codec: SpectralCodec, text: TextEncoder):
        all_records = load_corpus(cfg.corpus)
        classes = set(cfg.classes) if cfg.classes else None
        # Shared between sources, so a class's generated and kit sounds are all learnt from.
        self.records = select(all_records, split="train", per_class=cfg.per_class,
                              seed=cfg.seed, classes=classes, balance=source_of)
        if not self.records:
            raise ValueError(f"{cfg.corpus}: no train-split samples to learn from")
        waves = load_waves(cfg.corpus, self.records, num_samples=codec.spectral.num_samples)
        levels = relative_levels(self.records, all_records)
        self.latents = encode_latents(codec, waves, levels)
        del waves
        (self.states, self.masks, self.caption_pooled, self.caption_index,
         self.pooled) = encode_captions(text, self.records)
        self.empty_states, self.empty_mask = text.encode([""])
        self.empty_pooled = TextEncoder.pool(self.empty_states, self.empty_mask)
        self.pitch, self.velocity, self.tonal = note_arrays(self.records)
        by_class: dict[str, list[int]] = defaultdict(list)
        for i, r in enumerate(self.records):
            by_class[r["class"]].append(i)
        self.by_class = [torch.tensor(v) for _, v in sorted(by_class.items())]

    def batch(self, size: int, gen: torch.Generator, text_dropout: float):
        # Class-balanced: draw a class uniformly, then a sample of it.
        cls = torch.randint(len(self.by_class), (size,), generator=gen).tolist()
        idx = torch.stack([self.by_class[c][torch.randint(len(self.by_class[c]), (1,),
                                                          generator=gen)] for c in cls]).view(-1)
        which = torch.randint(self.caption_index.shape[1], (size,), generator=gen)
        caption = self.caption_index[idx, which]
        states = self.states[caption].float()
        masks = self.masks[caption].long()
        pooled = self.caption_pooled[caption].clone()
        drop = torch.rand(size, generator=gen) < text_dropout
        states[drop] = self.empty_states[0].float()
        masks[drop] = self.empty_mask[0]
        pooled[drop] = self.empty_pooled[0]
        note = note_features(self.pitch[idx], self.velocity[idx], self.tonal[idx])
        return self.latents[idx].float(), states, masks, note, pooled

    def retrieval_index(self, per_class: int, components: int, seed: int) -> RetrievalIndex:
        rng = np.random.default_rng(seed)
        keep = []
        for members in self.by_class:
            m = members.numpy()
            keep += sorted(rng.choice(m, min(per_class, len(m)), replace=False).tolist())
        keep_t = torch.tensor(keep)
        return RetrievalIndex.of_records(self.pooled[keep_t], self.latents[keep_t, :components],
                                         self.pitch[keep_t], self.tonal[keep_t],
                                         [self.records[i] for i in keep])


def train_diffusion(cfg: DiffusionTrainConfig) -> Path:
    torch.manual_seed(cfg.seed)
    out = Path(cfg.out)
    out.mkdir(parents=True, exist_ok=True)
    accelerator = make_accelerator(cfg.device, cfg.mixed_precision)
    device = accelerator.device
    codec = SpectralCodec.from_pretrained(cfg.codec)
    text = TextEncoder()
    data = _Data(cfg, codec, text)
    if cfg.base is not None:
        unet = ShotcallerPipeline.from_pretrained(cfg.base, text_encoder=text).unet.float()
    else:
        unet = make_unet(codec.latent_shape)
    unet.train()
    width = unet.config.projection_class_embeddings_input_dim
    ema = copy.deepcopy(unet).eval().requires_grad_(False)  # fp32, beside the trained one
    noise_sched = DDPMScheduler.from_config(make_scheduler().config)
    opt = torch.optim.AdamW(unet.parameters(), lr=cfg.learning_rate, weight_decay=1e-2)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / 200) * max(0.1, 1 - s / max(cfg.steps, 1)))
    step = 0
    ckpt = out / "checkpoint.pt"
    if cfg.resume and ckpt.exists():
        state = torch.load(ckpt, map_location="cpu", weights_only=False)
        unet.load_state_dict(state["unet"])
        ema.load_state_dict(state["ema"])
        opt.load_state_dict(state["opt"])
        sched.load_state_dict(state["sched"])
        step = state["step"]
        log.info("resumed at step %d", step)
    unet, opt, sched = accelerator.prepare(unet, opt, sched)
    ema.to(device)
    gen = torch.Generator().manual_seed(cfg.seed + step)
    log_file = open(out / "train_log.jsonl", "a")
    last_save = time.monotonic()
    bar = tqdm(total=cfg.steps, initial=step, desc="diffusion", unit="step")
    alphas = noise_sched.alphas_cumprod
    while step < cfg.steps:
        x0, states, masks, note, pooled = data.batch(cfg.batch_size, gen, cfg.text_dropout)
        condition = conditioning_vector(note, pooled, width)
        noise = torch.randn(x0.shape, generator=gen)
        t = torch.randint(0, noise_sched.config.num_train_timesteps, (len(x0),), generator=gen)
        xt = noise_sched.add_noise(x0, noise, t)
        a = alphas[t].sqrt().view(-1, 1, 1, 1)
        s = (1 - alphas[t]).sqrt().view(-1, 1, 1, 1)
        target = a * noise - s * x0  # v-prediction
        with accelerator.autocast():
            pred = unet(xt.to(device), t.to(device), encoder_hidden_states=states.to(device),
                        encoder_attention_mask=masks.to(device),
                        class_labels=condition.to(device)).sample
        loss = torch.nn.functional.mse_loss(pred.float(), target.to(device))
        opt.zero_grad(set_to_none=True)
        accelerator.backward(loss)
        accelerator.clip_grad_norm_(unet.parameters(), 1.0)
        opt.step()
        sched.step()
        step += 1
        decay = min(cfg.ema_decay, (1 + step) / (10 + step))
        with torch.no_grad():
            trained = accelerator.unwrap_model(unet).parameters()
            for pe, p in zip(ema.parameters(), trained, strict=True):
                pe.lerp_(p.detach().float(), 1 - decay)
        bar.update()
        bar.set_postfix(loss=f"{loss.item():.4f}")
        if step % 25 == 0:
            log_file.write(json.dumps({"step": step, "loss": loss.item()}) + "\n")
            log_file.flush()
        if time.monotonic() - last_save > cfg.checkpoint_minutes * 60 or step == cfg.steps:
            torch.save({"unet": accelerator.unwrap_model(unet).state_dict(),
                        "ema": ema.state_dict(), "opt": opt.state_dict(),
                        "sched": sched.state_dict(), "step": step}, ckpt)
            export_model(ema, codec, text, data, cfg, out / "model", step)
            last_save = time.monotonic()
    bar.close()
    return out / "model"


def export_model(unet, codec: SpectralCodec, text: TextEncoder, data: _Data,
                 cfg: DiffusionTrainConfig, folder: Path, step: int) -> None:
    pipe = ShotcallerPipeline(unet=copy.deepcopy(unet).cpu().half(), scheduler=make_scheduler())
    pipe.codec = codec
    pipe.text_encoder = text
    pipe.retrieval = data.retrieval_index(cfg.retrieval_per_class, cfg.retrieval_components,
                                          cfg.seed)
    pipe.save_pretrained(folder)
    (folder / "training.json").write_text(json.dumps(
        {"step": step, "batch_size": cfg.batch_size, "train_examples": len(data.records),
         "corpus": str(cfg.corpus), "base": str(cfg.base) if cfg.base else None}, indent=2) + "\n")
    log.info("step %d: exported %s", step, folder)
