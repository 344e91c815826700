"""Plain functions for the evaluation: Fréchet distance, pitch error, pairwise spreads."""

from __future__ import annotations

import numpy as np
from scipy import linalg

from ..pitch import frame_length


def frechet_distance(a: np.ndarray, b: np.ndarray) -> float:
    """Fréchet distance between Gaussians fitted to embeddings a [n, d] and b [m, d]."""
    mu_a, mu_b = a.mean(0), b.mean(0)
    cov_a, cov_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    covmean, _ = linalg.sqrtm(cov_a @ cov_b, disp=False)
    covmean = np.real(covmean)
    return float(((mu_a - mu_b) ** 2).sum() + np.trace(cov_a + cov_b - 2 * covmean))


def detected_pitch(audio: np.ndarray, sr: int) -> float | None:
    """Median pYIN pitch (fractional MIDI) over the first second, None if unvoiced."""
    import librosa

    seg = audio[: int(sr * 1.0)]
    fmin = 30.0
    frame = frame_length(sr, fmin)
    f0, voiced, _ = librosa.pyin(seg, fmin=fmin, fmax=2100.0, sr=sr, frame_length=frame)
    if voiced is None or not np.any(voiced):
        return None
    return float(librosa.hz_to_midi(np.nanmedian(f0[voiced])))


def cents(detected: float, expected: float) -> float:
    return 100.0 * (detected - expected)


def mean_pairwise_distance(x: np.ndarray) -> float:
    if len(x) < 2:
        return 0.0
    d = np.linalg.norm(x[:, None] - x[None], axis=-1)
    return float(d[np.triu_indices(len(x), 1)].mean())


def nearest_distances(queries: np.ndarray, library: np.ndarray) -> np.ndarray:
    d = np.linalg.norm(queries[:, None] - library[None], axis=-1)
    return d.min(axis=1)


def closest_pair_distance(x: np.ndarray) -> float:
    """Smallest distance between two distinct rows that are not identical copies."""
    d = np.linalg.norm(x[:, None] - x[None], axis=-1)
    d[np.tril_indices(len(x))] = np.inf
    d[d < 1e-9] = np.inf
    return float(d.min()) if np.isfinite(d).any() else float("nan")


def novelty_pairs(emb: np.ndarray, classes: list[str], library_emb: np.ndarray,
                  library_classes: list[str]) -> list[tuple[float, float]]:
    """For each row whose class the library holds: (distance to the nearest library sample of
    that class, closest distance between two distinct library samples of that class). A row
    with the first below the second is nearer a sample than real samples are to each other."""
    library = np.asarray(library_classes)
    pairs: list[tuple[float, float]] = []
    for c in sorted(set(classes)):
        same = library_emb[library == c]
        if len(same):
            mine = [i for i, x in enumerate(classes) if x == c]
            closest = closest_pair_distance(same)
            pairs += [(float(d), closest) for d in nearest_distances(emb[mine], same)]
    return pairs


def logmel(audio: np.ndarray, sr: int = 44100) -> np.ndarray:
    """Log mel spectrogram [64, frames] (hop 512): what 'distinct sounds' are told apart by."""
    import librosa

    mel = librosa.feature.melspectrogram(y=np.asarray(audio, dtype=np.float32), sr=sr,
                                         n_mels=64, hop_length=512)
    return np.log(mel + 1e-6)


def spectral_corr(a: np.ndarray, b: np.ndarray, sr: int = 44100) -> float:
    """Correlation of two sounds' log mel spectrograms over their common frames."""
    x, y = logmel(a, sr), logmel(b, sr)
    n = min(x.shape[1], y.shape[1])
    return float(np.corrcoef(x[:, :n].ravel(), y[:, :n].ravel())[0, 1])


def distinct_count(audios: list[np.ndarray], sr: int = 44100, threshold: float = 0.97) -> int:
    """How many of ``audios`` differ from every earlier distinct one (spectral correlation
    below ``threshold``), taken in order: the issues' 'distinct sounds among N seeds'."""
    kept: list[np.ndarray] = []
    for audio in audios:
        if all(spectral_corr(audio, k, sr) < threshold for k in kept):
            kept.append(audio)
    return len(kept)
