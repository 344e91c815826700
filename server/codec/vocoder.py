"""A small learned decoder from log-magnitude frames to a complex STFT (and so to audio).

Griffin-Lim has to find a phase from magnitudes alone; from the autoencoder's smoothed
magnitudes it finds a poor one, and that was most of the codec's loss (model card). This
network takes the decoded frames and returns magnitude *and* phase for every bin, so the
inverse STFT gives the waveform in one pass.

It is built to start where the old decode stood and only improve on it:

- the phase is the peak-locked estimate (``spectral.peak_locked_phase``, a phase vocoder run
  backwards) plus a learned correction, so the network learns local fixes instead of having
  to integrate frequency over time, which convolutions do badly;
- the log-magnitude is the input plus a learned correction;
- both corrections come from a zero-initialised head, so an untrained decoder reproduces the
  peak-locked decode exactly.

The backbone is a stack of ConvNeXt blocks over time with frequency bins as channels, in the
manner of Vocos (Siuzdenkov 2023), at the STFT's frame rate: cheap enough to decode a 1.5 s
one-shot in a few tens of milliseconds on two CPU cores.
"""

from __future__ import annotations

import torch
from diffusers.configuration_utils import ConfigMixin, register_to_config
from diffusers.models.modeling_utils import ModelMixin
from torch import nn

from .spectral import SpectralConfig, istft, logmag_to_mag, peak_locked_phase


class ConvNeXtBlock(nn.Module):
    """Depthwise convolution over time, layer norm, pointwise MLP, scaled residual."""

    def __init__(self, channels: int, hidden: int, kernel_size: int) -> None:
        super().__init__()
        self.depthwise = nn.Conv1d(channels, channels, kernel_size, padding=kernel_size // 2,
                                   groups=channels)
        self.norm = nn.LayerNorm(channels)
        self.up = nn.Linear(channels, hidden)
        self.down = nn.Linear(hidden, channels)
        self.gamma = nn.Parameter(torch.full((channels,), 1e-2))

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # [batch, channels, frames]
        h = self.depthwise(x).transpose(1, 2)
        h = self.down(nn.functional.gelu(self.up(self.norm(h))))
        return x + (self.gamma * h).transpose(1, 2)


class SpectralDecoder(ModelMixin, ConfigMixin):
    """Normalised log-magnitude frames [batch, bins, frames] → complex STFT of the same shape."""

    @register_to_config
    def __init__(
        self,
        num_bins: int = 512,
        channels: int = 256,
        hidden_channels: int = 768,
        num_blocks: int = 6,
        kernel_size: int = 7,
        max_log_correction: float = 4.0,
    ) -> None:
        super().__init__()
        self.embed = nn.Conv1d(num_bins, channels, kernel_size, padding=kernel_size // 2)
        self.blocks = nn.ModuleList(
            ConvNeXtBlock(channels, hidden_channels, kernel_size) for _ in range(num_blocks))
        self.norm = nn.LayerNorm(channels)
        self.head = nn.Linear(channels, 2 * num_bins)
        nn.init.zeros_(self.head.weight)  # untrained: exactly the peak-locked decode
        nn.init.zeros_(self.head.bias)

    def corrections(self, frames: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Log-magnitude and phase corrections [batch, bins, frames] each."""
        h = self.embed(frames)
        for block in self.blocks:
            h = block(h)
        out = self.head(self.norm(h.transpose(1, 2))).transpose(1, 2)
        log_gain, phase = out.chunk(2, dim=1)
        limit = self.config.max_log_correction
        return limit * torch.tanh(log_gain / limit), phase

    def forward(self, frames: torch.Tensor, spectral: SpectralConfig) -> torch.Tensor:
        """Complex STFT [batch, bins, frames] for normalised log-magnitude ``frames``."""
        mag = logmag_to_mag(frames, spectral)
        with torch.no_grad():  # the estimate is an input: gradients go to the corrections
            base_phase = peak_locked_phase(mag, spectral)
        # fp32 from here: under bf16 autocast the network's outputs are bf16, and there is
        # no bf16 complex STFT
        log_gain, phase = (x.float() for x in self.corrections(frames))
        return torch.polar(mag.float() * torch.exp(log_gain), base_phase.float() + phase)

    def waveform(self, frames: torch.Tensor, spectral: SpectralConfig) -> torch.Tensor:
        """Waves [batch, num_samples] at the spectral sampling rate."""
        return istft(self.forward(frames, spectral), spectral)
