"""Note conditioning: pitch, velocity and tonality as one small vector for the UNet.

The vector feeds UNet2DConditionModel's ``class_embed_type="projection"`` input, added to the
timestep embedding: pitch as sinusoids of the MIDI note (so the model can place harmonics
exactly and the render's root note is known), velocity in [0, 1], and a tonal flag that is 0
for unpitched sounds (drums), whose pitch features are then zero.
"""

from __future__ import annotations

import math

import torch

NUM_PITCH_FREQS = 8
NOTE_FEATURES = 2 * NUM_PITCH_FREQS + 2


def note_features(pitch: torch.Tensor, velocity: torch.Tensor, tonal: torch.Tensor) -> torch.Tensor:
    """[batch] pitch (MIDI), velocity (1-127), tonal (0/1) → [batch, NOTE_FEATURES]."""
    pitch = pitch.float().unsqueeze(-1)
    tonal = tonal.float().unsqueeze(-1)
    periods = 2.0 ** torch.arange(NUM_PITCH_FREQS, device=pitch.device)  # 1 .. 128 semitones
    angle = 2 * math.pi * pitch / (periods * 1.5)
    sinusoids = torch.cat([torch.sin(angle), torch.cos(angle)], dim=-1) * tonal
    return torch.cat([sinusoids, velocity.float().unsqueeze(-1) / 127.0, tonal], dim=-1)
