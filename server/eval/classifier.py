"""A small log-mel CNN that names the sound class of a one-shot.

It judges renders (relevance top-1) and gives the embedding for Fréchet distance, diversity
and novelty. Trained on the corpus train split; its accuracy on real test-split audio is the
ceiling that relevance is read against.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
import torch
from diffusers.configuration_utils import ConfigMixin, register_to_config
from diffusers.models.modeling_utils import ModelMixin
from torch import nn
from tqdm import tqdm

from ..audio_io import resample
from ..corpus.dataset import load_corpus, load_waves, select
from ..corpus.gm import CLASSES

log = logging.getLogger(__name__)

SAMPLE_RATE = 22050
NUM_SAMPLES = 32768  # 1.49 s
N_FFT = 1024
HOP = 256


def _mel_basis(n_mels: int) -> torch.Tensor:
    import librosa

    return torch.from_numpy(librosa.filters.mel(sr=SAMPLE_RATE, n_fft=N_FFT, n_mels=n_mels))


class SoundClassifier(ModelMixin, ConfigMixin):
    """Audio [batch, 32768] at 22.05 kHz → (logits [batch, classes], embedding [batch, dim])."""

    @register_to_config
    def __init__(self, classes: tuple[str, ...] = CLASSES, n_mels: int = 64, width: int = 32,
                 embedding_dim: int = 128) -> None:
        super().__init__()
        self.register_buffer("mel", _mel_basis(n_mels).float(), persistent=False)
        layers: list[nn.Module] = []
        c_in = 1
        for c_out in (width, 2 * width, 4 * width, 4 * width):
            layers += [nn.Conv2d(c_in, c_out, 3, padding=1), nn.BatchNorm2d(c_out), nn.ReLU(),
                       nn.MaxPool2d(2)]
            c_in = c_out
        self.features = nn.Sequential(*layers)
        self.embed = nn.Linear(2 * c_in, embedding_dim)
        self.head = nn.Linear(embedding_dim, len(classes))

    def logmel(self, audio: torch.Tensor) -> torch.Tensor:
        window = torch.hann_window(N_FFT, device=audio.device)
        spec = torch.stft(audio, N_FFT, HOP, window=window, return_complex=True).abs() ** 2
        mel = torch.log(self.mel @ spec + 1e-6)
        # Level-invariant: a quiet kick is still a kick.
        return (mel - mel.amax(dim=(1, 2), keepdim=True)).clamp_min(-14.0) / 7.0 + 1.0

    def forward(self, audio: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h = self.features(self.logmel(audio).unsqueeze(1))
        pooled = torch.cat([h.mean(dim=(2, 3)), h.amax(dim=(2, 3))], dim=1)
        emb = torch.relu(self.embed(pooled))
        return self.head(emb), emb


def prepare(audio: np.ndarray, sr: int) -> np.ndarray:
    """Any mono one-shot → the classifier's input (22.05 kHz, 32768 samples, peak 1)."""
    y = resample(np.asarray(audio, dtype=np.float32), orig_sr=sr, target_sr=SAMPLE_RATE)
    y = y[:NUM_SAMPLES]
    y = np.pad(y, (0, NUM_SAMPLES - len(y)))
    peak = float(np.max(np.abs(y)))
    return y / peak if peak > 0 else y


@torch.no_grad()
def classify(model: SoundClassifier, audios: list[np.ndarray], sr: int):
    """(predicted class names, probabilities [n, classes], embeddings [n, dim])."""
    model.eval()
    x = torch.from_numpy(np.stack([prepare(a, sr) for a in audios]))
    logits, emb = [], []
    for i in range(0, len(x), 64):
        lg, e = model(x[i:i + 64])
        logits.append(lg)
        emb.append(e)
    probs = torch.softmax(torch.cat(logits), dim=1).numpy()
    names = [model.config.classes[i] for i in probs.argmax(1)]
    return names, probs, torch.cat(emb).numpy()


def embed_records(model: SoundClassifier, corpus: str | Path, records: list[dict]) -> np.ndarray:
    """Embeddings [n, dim] of corpus records' audio, as the eval compares renders with them."""
    waves = load_waves(corpus, records, num_samples=2 * NUM_SAMPLES, progress=False)
    return classify(model, list(waves), records[0]["sample_rate"])[2]


def _corpus_inputs(corpus: Path, records: list[dict]) -> torch.Tensor:
    waves = load_waves(corpus, records, num_samples=int(NUM_SAMPLES * 2))
    sr = records[0]["sample_rate"]
    return torch.from_numpy(np.stack([prepare(w, sr) for w in waves]))


def train_classifier(corpus: str | Path, out: str | Path, *, steps: int = 3000,
                     per_class: int = 600, seed: int = 0) -> SoundClassifier:
    """Train on the train split (augmented with level and small time shifts) and save."""
    torch.manual_seed(seed)
    corpus, out = Path(corpus), Path(out)
    all_records = load_corpus(corpus)
    train = select(all_records, split="train", per_class=per_class, seed=seed,
                   classes=set(CLASSES))
    test = select(all_records, split="test", per_class=100, seed=seed, classes=set(CLASSES))
    for split, records in (("train", train), ("test", test)):
        if not records:  # the test split gives the ceiling that relevance is read against
            raise ValueError(f"{corpus}: no {split}-split notes of the sound classes")
    x_train = _corpus_inputs(corpus, train)
    y_train = torch.tensor([CLASSES.index(r["class"]) for r in train])
    model = SoundClassifier()
    opt = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=1e-3)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, 2e-3, total_steps=steps)
    gen = torch.Generator().manual_seed(seed)
    model.train()
    for _ in tqdm(range(steps), desc="classifier"):
        idx = torch.randint(len(x_train), (64,), generator=gen)
        x = x_train[idx]
        shift = int(torch.randint(0, 800, (1,), generator=gen))
        x = torch.nn.functional.pad(x, (shift, 0))[:, :NUM_SAMPLES]
        x = x * (10 ** (-torch.rand(len(x), 1, generator=gen) * 1.5))
        loss = nn.functional.cross_entropy(model(x)[0], y_train[idx], label_smoothing=0.05)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
    names, _, _ = classify(model, list(_corpus_inputs(corpus, test).numpy()), SAMPLE_RATE)
    accuracy = float(np.mean([n == r["class"] for n, r in zip(names, test, strict=True)]))
    model.save_pretrained(out)
    (out / "accuracy.json").write_text(json.dumps(
        {"test_split_top1": accuracy, "test_examples": len(test), "train_examples": len(train),
         "steps": steps}, indent=2) + "\n")
    log.info("classifier top-1 on real test audio: %.3f", accuracy)
    return model
