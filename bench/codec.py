"""Codec benchmark on the corpus test split (instruments never seen in training).

Compares (a) log-mel + librosa Griffin-Lim (the thesis's baseline), (b) our representation
without the autoencoder (log-magnitude STFT + peak-locked phase + fast Griffin-Lim) and
(c) the full codec (encode → decode). Prints a table; writes a spectrogram comparison PNG.
Two more rows split (c)'s loss between its stages: the autoencoder's magnitudes with the
original phase, and the original magnitudes with the codec's phase recovery (that is (b)).
When the codec has a learned decoder, a last row decodes the same latents with Griffin-Lim
instead, so the decoder's own gain is seen.

    python bench/codec.py --corpus DIR [--codec models/shotcaller-small/codec] [--n 48]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import librosa
import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from server.codec.codec import SpectralCodec  # noqa: E402
from server.codec.spectral import (  # noqa: E402
    fit_wave,
    griffin_lim,
    istft,
    logmag_to_mag,
    stft,
    wave_to_logmag,
)
from server.corpus.dataset import load_corpus, load_waves, select  # noqa: E402
from server.eval.metrics import detected_pitch  # noqa: E402
from server.plots import spectrogram_pair  # noqa: E402


def mrstft_distance(ref: np.ndarray, est: np.ndarray) -> float:
    """Spectral convergence + mean |log-magnitude difference|, averaged over FFT 512/1024/2048."""
    total = 0.0
    for n_fft in (512, 1024, 2048):
        a = np.abs(librosa.stft(ref, n_fft=n_fft, hop_length=n_fft // 4))
        b = np.abs(librosa.stft(est, n_fft=n_fft, hop_length=n_fft // 4))
        sc = np.linalg.norm(a - b) / max(np.linalg.norm(a), 1e-8)
        logdiff = np.mean(np.abs(np.log(np.maximum(a, 1e-5)) - np.log(np.maximum(b, 1e-5))))
        total += sc + logdiff
    return total / 3


def log_spectral_distance(ref: np.ndarray, est: np.ndarray) -> float:
    a = np.abs(librosa.stft(ref, n_fft=2048, hop_length=512)) ** 2
    b = np.abs(librosa.stft(est, n_fft=2048, hop_length=512)) ** 2
    diff = 10 * np.log10(np.maximum(a, 1e-10)) - 10 * np.log10(np.maximum(b, 1e-10))
    return float(np.mean(np.sqrt(np.mean(diff**2, axis=0))))


def onset_s(y: np.ndarray, sr: int) -> float | None:
    onsets = librosa.onset.onset_detect(y=y, sr=sr, units="time", backtrack=True)
    return float(onsets[0]) if len(onsets) else None


def baseline_mel_griffin_lim(y: np.ndarray, sr: int) -> np.ndarray:
    mel = librosa.feature.melspectrogram(y=y, sr=sr, n_fft=1024, hop_length=256, n_mels=80)
    return librosa.feature.inverse.mel_to_audio(mel, sr=sr, n_fft=1024, hop_length=256,
                                                n_iter=32)[: len(y)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--codec", default="models/shotcaller-small/codec")
    parser.add_argument("--n", type=int, default=48, help="test one-shots (half tonal)")
    parser.add_argument("--png", default="bench/codec_compare.png")
    args = parser.parse_args()
    torch.set_num_threads(2)

    codec = SpectralCodec.from_pretrained(args.codec)
    cfg = codec.spectral
    records = load_corpus(args.corpus)
    tonal = [r for r in select(records, split="test", per_class=4, seed=3) if r["tonal"]]
    drums = [r for r in select(records, split="test", per_class=4, seed=3) if not r["tonal"]]
    rng = np.random.default_rng(0)
    picks = list(rng.choice(tonal, min(len(tonal), args.n // 2), replace=False)) + \
        list(rng.choice(drums, min(len(drums), args.n // 2), replace=False))
    waves = load_waves(args.corpus, picks, num_samples=cfg.num_samples, progress=False)
    sr = cfg.sampling_rate

    rows: dict[str, dict[str, list[float]]] = {k: {"mrstft": [], "lsd": [], "cents": [],
                                                   "onset_ms": [], "ms": []}
                                               for k in ("a", "b", "c", "m", "g")}
    plain = SpectralCodec(codec.autoencoder, cfg)  # Griffin-Lim, its default iterations
    if codec.decoder is None:  # (c) is already the Griffin-Lim decode
        del rows["g"]
    for rec, y in zip(picks, waves, strict=True):
        t = time.perf_counter()
        est_a = baseline_mel_griffin_lim(y, sr)
        ms_a = 1000 * (time.perf_counter() - t)
        t = time.perf_counter()
        x = wave_to_logmag(torch.from_numpy(y)[None], cfg)
        est_b = griffin_lim(logmag_to_mag(x, cfg), cfg, n_iter=codec.phase_iterations)[0].numpy()
        ms_b = 1000 * (time.perf_counter() - t)
        t = time.perf_counter()
        z = codec.encode(y, sr)
        est_c = codec.decode(z, output_sampling_rate=sr)[0]
        ms_c = 1000 * (time.perf_counter() - t)
        # Diagnostic: the autoencoder's magnitudes with the original phase.
        with torch.inference_mode():
            spec = stft(fit_wave(torch.from_numpy(y)[None], cfg), cfg)
            ae = codec.autoencoder
            mag_m = logmag_to_mag(ae.decode(ae.encode(wave_to_logmag(torch.from_numpy(y)[None],
                                                                     cfg))), cfg)
            est_m = istft(mag_m * torch.exp(1j * spec.angle()), cfg)[0].numpy()
        ref_pitch = detected_pitch(y, sr) if rec["tonal"] else None
        ref_onset = None if rec["tonal"] else onset_s(y, sr)
        variants = [("a", est_a, ms_a), ("b", est_b, ms_b), ("c", est_c, ms_c), ("m", est_m, 0.0)]
        if "g" in rows:
            variants.append(("g", plain.decode(z, output_sampling_rate=sr)[0], 0.0))
        for key, est, ms in variants:
            est = est[: len(y)]
            rows[key]["mrstft"].append(mrstft_distance(y, est))
            rows[key]["lsd"].append(log_spectral_distance(y, est))
            rows[key]["ms"].append(ms)
            if ref_pitch is not None:
                p = detected_pitch(est, sr)
                if p is not None:
                    rows[key]["cents"].append(abs(100 * (p - ref_pitch)))
            if ref_onset is not None:
                o = onset_s(est, sr)
                if o is not None:
                    rows[key]["onset_ms"].append(abs(1000 * (o - ref_onset)))

    # Decode alone, every shot once, after one untimed warm-up decode.
    codec.decode(codec.encode(waves[0], sr), output_sampling_rate=sr)
    decode_ms = []
    for y in waves:
        z = codec.encode(y, sr)
        t = time.perf_counter()
        codec.decode(z, output_sampling_rate=sr)
        decode_ms.append(1000 * (time.perf_counter() - t))

    names = {"a": "(a) log-mel + Griffin-Lim 32", "b": "(b) log-STFT + phase, no AE",
             "c": "(c) codec encode→decode", "m": "    AE magnitudes, true phase",
             "g": "    (c) with Griffin-Lim decode"}
    print(f"{len(picks)} test-split one-shots ({len(tonal[:args.n // 2])} tonal), "
          f"unseen instruments, {sr} Hz")
    print(f"{'variant':<32}{'MR-STFT':>9}{'LSD dB':>9}{'cents':>8}{'onset ms':>10}{'ms/shot':>9}")
    for key, r in rows.items():
        med = lambda v: float(np.median(v)) if v else float("nan")  # noqa: E731
        print(f"{names[key]:<32}{np.mean(r['mrstft']):>9.3f}{np.mean(r['lsd']):>9.2f}"
              f"{med(r['cents']):>8.1f}{med(r['onset_ms']):>10.1f}{np.mean(r['ms']):>9.1f}")
    a, b, c = (np.mean(rows[k]["mrstft"]) for k in "abc")
    print(f"(c) vs (a): {100 * (1 - c / a):.0f}% lower MR-STFT distance; (c)/(b) = {c / b:.2f}x")
    print(f"decode only: p50 {np.median(decode_ms):.1f} ms, max {np.max(decode_ms):.1f} ms per "
          f"{cfg.duration_in_s:.2f} s one-shot over {len(decode_ms)} shots "
          f"({'learned decoder' if codec.decoder is not None else 'Griffin-Lim'}, "
          f"phase iterations {codec.phase_iterations})")
    i = int(np.argmax([r["tonal"] for r in picks]))
    spectrogram_pair(waves[i], codec.roundtrip(waves[i], sr, sr), sr=sr, png=args.png,
                     titles=(f"original: {picks[i]['captions'][0]}", "codec round trip"))
    print(f"comparison: {args.png}")


if __name__ == "__main__":
    main()
