"""The spectral representation: normalised log-magnitude STFT, and phase recovery.

Chosen by measurement (``bench/codec.py``): a linear-frequency log-magnitude STFT with fast
Griffin-Lim (momentum 0.99) keeps far more than a log-mel spectrogram with plain Griffin-Lim.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class SpectralConfig:
    sampling_rate: int = 44100
    n_fft: int = 1024
    hop_length: int = 256
    num_frames: int = 256  # 256 hops = 65536 samples = 1.486 s at 44.1 kHz
    log_floor: float = 1e-4
    log_offset: float = 4.0  # x = (log(mag) + offset) / scale puts speech-level bins near 0
    log_scale: float = 4.0

    @property
    def num_bins(self) -> int:
        return self.n_fft // 2  # the Nyquist bin is dropped (zero when decoding)

    @property
    def num_samples(self) -> int:
        return self.num_frames * self.hop_length

    @property
    def duration_in_s(self) -> float:
        return self.num_samples / self.sampling_rate


def _window(cfg: SpectralConfig, device) -> torch.Tensor:
    return torch.hann_window(cfg.n_fft, device=device)


def stft(wave: torch.Tensor, cfg: SpectralConfig) -> torch.Tensor:
    """Complex STFT [batch, num_bins, num_frames] of waves [batch, num_samples]."""
    spec = torch.stft(wave, cfg.n_fft, cfg.hop_length, window=_window(cfg, wave.device),
                      center=True, return_complex=True)
    return spec[:, : cfg.num_bins, : cfg.num_frames]


def istft(spec: torch.Tensor, cfg: SpectralConfig) -> torch.Tensor:
    """Inverse of :func:`stft` (the dropped Nyquist bin and last frame are zero)."""
    full = torch.nn.functional.pad(spec, (0, 1, 0, 1))
    return torch.istft(full, cfg.n_fft, cfg.hop_length, window=_window(cfg, spec.device),
                       center=True, length=cfg.num_samples)


def fit_wave(wave: torch.Tensor, cfg: SpectralConfig) -> torch.Tensor:
    """Crop or zero-pad waves [batch, n] to the representation's length."""
    n = wave.shape[-1]
    if n >= cfg.num_samples:
        return wave[..., : cfg.num_samples]
    return torch.nn.functional.pad(wave, (0, cfg.num_samples - n))


def wave_to_logmag(wave: torch.Tensor, cfg: SpectralConfig) -> torch.Tensor:
    """Normalised log-magnitude [batch, num_bins, num_frames]."""
    mag = stft(fit_wave(wave, cfg), cfg).abs()
    return (torch.log(mag.clamp_min(cfg.log_floor)) + cfg.log_offset) / cfg.log_scale


def logmag_to_mag(x: torch.Tensor, cfg: SpectralConfig) -> torch.Tensor:
    mag = torch.exp(x * cfg.log_scale - cfg.log_offset)
    # Values at the floor were silence: decode them as silence, not as a -80 dB noise bed.
    return torch.where(mag <= cfg.log_floor * 1.05, torch.zeros_like(mag), mag)


def griffin_lim(
    mag: torch.Tensor, cfg: SpectralConfig, *, n_iter: int = 32, momentum: float = 0.99,
) -> torch.Tensor:
    """Fast Griffin-Lim (Perraudin et al. 2013) from magnitudes [batch, bins, frames] to waves.

    Phase starts from :func:`peak_locked_phase`, which already sounds right for pitched notes,
    so a few iterations suffice where random phase needs a hundred.
    """
    angles = torch.polar(torch.ones_like(mag), peak_locked_phase(mag, cfg))
    previous = torch.zeros_like(angles)
    for _ in range(n_iter):
        rebuilt = stft(istft(mag * angles, cfg), cfg)
        accelerated = rebuilt - (momentum / (1 + momentum)) * previous
        angles = accelerated / accelerated.abs().clamp_min(1e-8)
        previous = rebuilt
    return istft(mag * angles, cfg)


def peak_locked_phase(mag: torch.Tensor, cfg: SpectralConfig) -> torch.Tensor:
    """A phase estimate from magnitudes alone [batch, bins, frames].

    Each bin follows the nearest spectral peak of its frame: the peak's frequency is refined by
    parabolic interpolation of the log-magnitude, its phase advances by that frequency times
    the hop from frame to frame (a phase vocoder run backwards), and bins around a peak are
    locked to it with the half-turn per bin of a Hann window's main lobe.
    """
    logm = torch.log(mag.clamp_min(1e-7))
    left = torch.nn.functional.pad(logm, (0, 0, 1, 0), value=-30.0)[:, :-1]
    right = torch.nn.functional.pad(logm, (0, 0, 0, 1), value=-30.0)[:, 1:]
    is_peak = (logm >= left) & (logm > right)
    curvature = left - 2 * logm + right
    delta = torch.where(curvature.abs() > 1e-6, 0.5 * (left - right) / curvature,
                        torch.zeros_like(logm)).clamp(-0.5, 0.5)
    bins = torch.arange(mag.shape[1], device=mag.device).view(1, -1, 1).expand_as(mag)
    below = torch.where(is_peak, bins, torch.full_like(bins, -(10**6))).cummax(dim=1).values
    above = torch.where(is_peak, bins, torch.full_like(bins, 10**6)).flip(1).cummin(dim=1) \
        .values.flip(1)
    nearest = torch.where((bins - below) <= (above - bins), below, above)
    nearest = nearest.clamp(0, mag.shape[1] - 1)
    peak_freq = (bins + delta).gather(1, nearest)  # in bins
    advance = 2 * math.pi * peak_freq * cfg.hop_length / cfg.n_fft
    # Every bin runs its own phase; a bin then takes the running phase of its frame's peak.
    # Starting all bins at pi * k lines them up as an impulse at the first frame's centre,
    # which keeps attacks sharp where a random start smears them.
    running = torch.cumsum(advance, dim=2) + math.pi * bins
    return running.gather(1, nearest) + math.pi * (bins - nearest)


def shift_frequencies(x: torch.Tensor, ratio: torch.Tensor, floor: float) -> torch.Tensor:
    """Log-magnitude frames [batch, bins, frames] with every frequency scaled by ``ratio`` [batch].

    Bin k takes the value at k / ratio (linear interpolation), the way a partial at f moves to
    ratio * f; bins whose source lies above the top are filled with ``floor`` (silence).
    """
    bins = x.shape[1]
    source = torch.arange(bins, dtype=x.dtype, device=x.device).view(1, -1) / ratio.view(-1, 1)
    low = source.floor().long().clamp(0, bins - 1)
    high = (low + 1).clamp(max=bins - 1)
    frac = (source - low).clamp(0, 1).unsqueeze(-1)
    index = lambda i: i.unsqueeze(-1).expand(-1, -1, x.shape[2])  # noqa: E731
    shifted = x.gather(1, index(low)) * (1 - frac) + x.gather(1, index(high)) * frac
    return torch.where((source < bins - 1).unsqueeze(-1), shifted, torch.full_like(x, floor))
