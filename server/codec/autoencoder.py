"""A 1-D convolutional KL autoencoder over log-magnitude spectrogram frames.

Frequency bins are channels and time is the convolved axis: a one-shot's spectrum is mixed
densely across frequency (harmonics are far apart in bins) and locally in time. The latent
``[latent_channels * latent_height, frames / 8]`` is presented to the diffusion model as an
image ``[latent_channels, latent_height, frames / 8]``.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from diffusers.configuration_utils import ConfigMixin, register_to_config
from diffusers.models.modeling_utils import ModelMixin
from torch import nn


class ResBlock1d(nn.Module):
    def __init__(self, channels: int, dilation: int = 1) -> None:
        super().__init__()
        self.block = nn.Sequential(
            nn.GroupNorm(32, channels), nn.SiLU(),
            nn.Conv1d(channels, channels, 3, padding=dilation, dilation=dilation),
            nn.GroupNorm(32, channels), nn.SiLU(),
            nn.Conv1d(channels, channels, 3, padding=1),
        )  # fmt: skip

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.block(x)


@dataclass
class LatentDistribution:
    mean: torch.Tensor
    logvar: torch.Tensor

    def sample(self, generator: torch.Generator | None = None) -> torch.Tensor:
        noise = torch.randn(self.mean.shape, generator=generator, device=self.mean.device)
        return self.mean + torch.exp(0.5 * self.logvar) * noise

    def kl(self) -> torch.Tensor:
        return 0.5 * torch.mean(self.mean**2 + self.logvar.exp() - 1.0 - self.logvar)


class SpectrogramAutoencoder(ModelMixin, ConfigMixin):
    """Log-magnitude frames [batch, num_bins, frames] ↔ latent [batch, C, H, frames / 2**n]."""

    @register_to_config
    def __init__(
        self,
        num_bins: int = 512,
        hidden_channels: int = 256,
        num_downsamples: int = 3,
        blocks_per_stage: int = 1,
        latent_channels: int = 8,
        latent_height: int = 16,
        scaling_factor: float = 1.0,
    ) -> None:
        super().__init__()
        h, z = hidden_channels, latent_channels * latent_height
        enc: list[nn.Module] = [nn.Conv1d(num_bins, h, 3, padding=1)]
        for _ in range(num_downsamples):
            enc += [ResBlock1d(h) for _ in range(blocks_per_stage)]
            enc.append(nn.Conv1d(h, h, 4, stride=2, padding=1))
        enc += [ResBlock1d(h, dilation=2), nn.GroupNorm(32, h), nn.SiLU(),
                nn.Conv1d(h, 2 * z, 3, padding=1)]
        self.encoder = nn.Sequential(*enc)
        dec: list[nn.Module] = [nn.Conv1d(z, h, 3, padding=1), ResBlock1d(h, dilation=2)]
        for _ in range(num_downsamples):
            dec += [nn.Upsample(scale_factor=2, mode="nearest"), nn.Conv1d(h, h, 3, padding=1)]
            dec += [ResBlock1d(h) for _ in range(blocks_per_stage)]
        dec += [nn.GroupNorm(32, h), nn.SiLU(), nn.Conv1d(h, num_bins, 3, padding=1)]
        self.decoder = nn.Sequential(*dec)

    @property
    def downsample_factor(self) -> int:
        return 2 ** self.config.num_downsamples

    def encode(self, x: torch.Tensor) -> LatentDistribution:
        """Frames [batch, bins, frames] → distribution over latents [batch, C, H, frames/8]."""
        c = self.config
        mean, logvar = self.encoder(x).chunk(2, dim=1)
        shape = (x.shape[0], c.latent_channels, c.latent_height, mean.shape[-1])
        return LatentDistribution(mean.reshape(shape), logvar.clamp(-30, 20).reshape(shape))

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Latents [batch, C, H, T] → frames [batch, bins, T * 8]."""
        return self.decoder(z.flatten(1, 2))

    def forward(self, x: torch.Tensor, sample: bool = True):
        dist = self.encode(x)
        z = dist.sample() if sample else dist.mean
        return self.decode(z), dist
