"""Tails: a sound carried on past the codec's window the way it was decaying.

The codec holds 256 frames (1.486 s). A crash, an 808 or a piano note is still ringing there,
so a longer render continues each frequency bin along the straight line its log-magnitude was
following over the window's last frames: an exponential decay per bin, the way a struck or
plucked sound dies away (high partials faster than low ones, as measured, not assumed). A bin
that was growing is held level, never raised. Phase is then recovered for the whole, longer
spectrogram at once (the codec's peak-locked estimate and Griffin-Lim), so the tail joins the
window without a seam. A sound that has already died away inside the window gets no tail.
"""

from __future__ import annotations

import torch

from .spectral import SpectralConfig

#: frames the per-bin decay is fitted on (0.28 s at 44.1 kHz, hop 256)
FIT_FRAMES = 48
#: frames at the window's very end left out of the fit: the corpus renders end with a fade
SKIP_FRAMES = 4


def frames_for(duration_in_s: float, cfg: SpectralConfig) -> int:
    """Frames a render of ``duration_in_s`` needs (at least the codec's own window)."""
    needed = int(duration_in_s * cfg.sampling_rate / cfg.hop_length) + 2
    return max(cfg.num_frames, needed)


def extend(frames: torch.Tensor, total: int, cfg: SpectralConfig, *,
           fit_frames: int = FIT_FRAMES) -> torch.Tensor:
    """Normalised log-magnitude frames [batch, bins, T] continued to ``total`` frames.

    Each bin goes on from its fitted level at the last frame along its fitted slope (in log
    magnitude per frame, so an exponential decay), clamped to at most 0 and to the floor.
    """
    batch, bins, have = frames.shape
    if total <= have:
        return frames[..., :total]
    end = have - SKIP_FRAMES
    n = min(fit_frames, end)
    window = frames[..., end - n:end].float()
    t = torch.arange(n, dtype=torch.float32, device=frames.device) - (n - 1) / 2
    mean = window.mean(dim=-1, keepdim=True)
    slope = ((window - mean) * t).sum(dim=-1, keepdim=True) / (t * t).sum()
    slope = slope.clamp(max=0.0)
    level = mean + slope * (n - 1) / 2  # the fitted line at the fit's last frame
    floor = (torch.log(torch.tensor(cfg.log_floor)) + cfg.log_offset) / cfg.log_scale
    steps = torch.arange(1, total - end + 1, dtype=torch.float32, device=frames.device)
    tail = (level + slope * steps).clamp(min=float(floor))
    # The fitted line replaces the window's last (faded) frames too, so there is no dip.
    return torch.cat([frames[..., :end].float(), tail], dim=-1).to(frames.dtype)


def with_frames(cfg: SpectralConfig, num_frames: int) -> SpectralConfig:
    """The same representation over ``num_frames`` frames (for phase recovery of a tail)."""
    from dataclasses import replace

    return replace(cfg, num_frames=num_frames)
