"""The global conditioning vector: the note (pitch, velocity, tonality) and the prompt's meaning.

The vector feeds UNet2DConditionModel's ``class_embed_type="projection"`` input, added to the
timestep embedding and so seen by every ResNet block: pitch as sinusoids of the MIDI note (so
the model can place harmonics exactly and the render's root note is known), velocity in
[0, 1], a tonal flag that is 0 for unpitched sounds (drums), whose pitch features are then
zero, and the prompt's pooled MiniLM sentence embedding. MiniLM was trained to make pooled
embeddings of paraphrases close, so "warm rhodes note" lands near the training captions of
electric pianos even where its tokens differ; cross-attention on the token states alone
reached only the coarsest UNet level.
"""

from __future__ import annotations

import math

import torch

NUM_PITCH_FREQS = 8
NOTE_FEATURES = 2 * NUM_PITCH_FREQS + 2
TEXT_FEATURES = 384  # MiniLM's pooled embedding


def note_arrays(records: list[dict]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Root pitch (MIDI), velocity and tonal flag of each record."""
    pitch = torch.tensor([float(r["root_note"] if r.get("root_note") is not None
                                else r["pitch"]) for r in records])
    velocity = torch.tensor([float(r.get("velocity") or 100) for r in records])
    tonal = torch.tensor([bool(r.get("tonal")) for r in records])
    return pitch, velocity, tonal


def note_features(pitch: torch.Tensor, velocity: torch.Tensor, tonal: torch.Tensor) -> torch.Tensor:
    """[batch] pitch (MIDI), velocity (1-127), tonal (0/1) → [batch, NOTE_FEATURES]."""
    pitch = pitch.float().unsqueeze(-1)
    tonal = tonal.float().unsqueeze(-1)
    periods = 2.0 ** torch.arange(NUM_PITCH_FREQS, device=pitch.device)  # 1 .. 128 semitones
    angle = 2 * math.pi * pitch / (periods * 1.5)
    sinusoids = torch.cat([torch.sin(angle), torch.cos(angle)], dim=-1) * tonal
    return torch.cat([sinusoids, velocity.float().unsqueeze(-1) / 127.0, tonal], dim=-1)


def conditioning_vector(note: torch.Tensor, pooled_text: torch.Tensor, width: int) -> torch.Tensor:
    """The UNet's class-label input: note features, then the pooled prompt embedding.

    ``width`` is the UNet's ``projection_class_embeddings_input_dim``: models trained before
    the pooled embedding was added (``NOTE_FEATURES`` wide) get the note features alone.
    """
    if width == NOTE_FEATURES:
        return note
    if width != NOTE_FEATURES + TEXT_FEATURES:
        raise ValueError(f"the UNet's conditioning is {width} wide; expected {NOTE_FEATURES} or "
                         f"{NOTE_FEATURES + TEXT_FEATURES}")
    return torch.cat([note, pooled_text.to(note.dtype)], dim=-1)
