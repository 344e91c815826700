"""Building untrained pipelines from a size preset: the shipped model's shape and a tiny one.

The tiny pipeline has random weights and renders noise-like audio in a fraction of a second;
tests use it for plumbing (save/load, daemon, bridges), as diffusers' own tests do.
"""

from __future__ import annotations

from pathlib import Path

import torch
from diffusers import DPMSolverMultistepScheduler

from ..codec.autoencoder import SpectrogramAutoencoder
from ..codec.codec import SpectralCodec
from ..codec.spectral import SpectralConfig
from ..corpus.credits import credit_of
from .conditioning import NOTE_FEATURES, TEXT_FEATURES
from .pipeline import ShotcallerPipeline
from .retrieval import RetrievalIndex
from .text import TextEncoder
from .unet import FrameUNet

TRAIN_TIMESTEPS = 1000


def make_scheduler() -> DPMSolverMultistepScheduler:
    # v-prediction on a cosine schedule: stable with few solver steps.
    return DPMSolverMultistepScheduler(
        num_train_timesteps=TRAIN_TIMESTEPS, beta_schedule="squaredcos_cap_v2",
        prediction_type="v_prediction", algorithm_type="dpmsolver++", solver_order=2,
        timestep_spacing="trailing",
    )


def make_unet(latent_shape: tuple[int, int, int], *, size: str = "small") -> FrameUNet:
    """Sized from measured step times: "small" is 12.7 M parameters and about 0.45 s per
    training step at batch 32 on these 2 cores; cross-attention sits at the coarsest level
    (8 patches, 0.37 s of audio each), where the text decides what the sound is."""
    channels, height, width = latent_shape
    blocks = {"small": (128, 192, 256), "tiny": (32, 64)}[size]
    n = len(blocks)
    return FrameUNet(
        sample_size=(height, width), in_channels=channels, out_channels=channels,
        block_out_channels=blocks, layers_per_block=1,
        down_block_types=("DownBlock2D",) * (n - 1) + ("CrossAttnDownBlock2D",),
        up_block_types=("CrossAttnUpBlock2D",) + ("UpBlock2D",) * (n - 1),
        cross_attention_dim=384, attention_head_dim=32, norm_num_groups=16,
        class_embed_type="projection",
        projection_class_embeddings_input_dim=NOTE_FEATURES + TEXT_FEATURES,
    )


def make_tiny_pipeline(out_dir: str | Path | None = None, *, seed: int = 0,
                       text_encoder: TextEncoder | None = None) -> Path | ShotcallerPipeline:
    """A tiny random-weight pipeline; saved to ``out_dir`` (returned) or returned in memory."""
    torch.manual_seed(seed)
    spectral = SpectralConfig()
    ae = SpectrogramAutoencoder(num_bins=spectral.num_bins, latent_channels=32, latent_height=1)
    codec = SpectralCodec(ae, spectral, phase_iterations=2)
    pipe = ShotcallerPipeline(unet=make_unet(codec.latent_shape, size="tiny").eval(),
                              scheduler=make_scheduler())
    pipe.codec = codec
    pipe.text_encoder = text_encoder or TextEncoder()
    captions = ["kick drum", "snare drum", "piano note", "synth bass", "bell pluck", "hi-hat"]
    tonal = torch.tensor([0, 0, 1, 1, 1, 0])
    pipe.retrieval = RetrievalIndex(
        pipe.text_encoder.embed(captions), torch.randn(len(captions), *codec.latent_shape),
        torch.tensor([36.0, 38.0, 60.0, 36.0, 72.0, 42.0]), tonal,
        ["kick", "snare", "keys", "bass", "mallet_bell", "closed_hat"],
        credits=[credit_of({"preset_name": "Audiophob", "kit_author": "audiophob",
                            "kit_license": "CC0", "path": "audio/hydrogen/a/kick.wav"}),
                 credit_of({"soundfont": "FluidR3_GM.sf2"}),
                 credit_of({"soundfont": "TimGM6mb.sf2"}),
                 credit_of({"path": "audio/synth/bass/b.wav"}),
                 credit_of({"soundfont": "FluidR3_GS.sf2"}),
                 credit_of({"soundfont": "MuseScore_General_Full.sf3"})])
    pipe.defaults.num_inference_steps = 4
    if out_dir is None:
        return pipe
    pipe.save_pretrained(out_dir)
    return Path(out_dir)
