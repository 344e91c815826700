"""A user's local AudioLDM / Stable Audio folder loaded through ``load_pipeline``.

Every component is built here with tiny random weights and saved with ``save_pretrained``;
nothing is downloaded. Tokenizers are made from vocabularies written in the test: a byte-level
BPE with no merges for AudioLDM's RoBERTa tokenizer, and a character Unigram model for Stable
Audio's T5 tokenizer (transformers builds it with ``tokenizers``, no sentencepiece model needed).
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
import torch
from diffusers import (
    AudioLDMPipeline,
    AutoencoderKL,
    AutoencoderOobleck,
    DDIMScheduler,
    EDMDPMSolverMultistepScheduler,
    StableAudioDiTModel,
    StableAudioPipeline,
    StableAudioProjectionModel,
    UNet2DConditionModel,
)
from tokenizers import pre_tokenizers
from transformers import (
    ClapTextConfig,
    ClapTextModelWithProjection,
    RobertaTokenizer,
    SpeechT5HifiGan,
    SpeechT5HifiGanConfig,
    T5Config,
    T5EncoderModel,
    T5Tokenizer,
)

from server.cli import main as cli_main
from server.daemon.engine import Engine, RenderRequest
from server.diffusion.external import ExternalAudioPipeline, measure_root_note
from server.diffusion.pipeline import ShotcallerOutput, load_pipeline

SPECIALS = ["<s>", "<pad>", "</s>", "<unk>"]
VOCODER_RATE = 16000
# Tiny AudioLDM: mel hop 160 samples (as the real model), VAE ×2, UNet window 64 latent frames.
AUDIOLDM_MAX_S = 64 * 2 * 160 / VOCODER_RATE


def _roberta_tokenizer(folder: Path) -> RobertaTokenizer:
    """Byte-level BPE over the 256 byte symbols with no merges: one token per byte."""
    vocab = {tok: i for i, tok in enumerate(SPECIALS + sorted(pre_tokenizers.ByteLevel.alphabet()))}
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "vocab.json").write_text(json.dumps(vocab))
    (folder / "merges.txt").write_text("#version: 0.2\n")
    return RobertaTokenizer(str(folder / "vocab.json"), str(folder / "merges.txt"),
                            model_max_length=32)


def save_tiny_audioldm(folder: Path) -> Path:
    tokenizer = _roberta_tokenizer(folder.parent / f"{folder.name}-vocab")
    torch.manual_seed(0)
    text_encoder = ClapTextModelWithProjection(ClapTextConfig(
        vocab_size=len(tokenizer), hidden_size=16, intermediate_size=32, num_attention_heads=2,
        num_hidden_layers=1, projection_dim=16, bos_token_id=0, pad_token_id=1, eos_token_id=2))
    unet = UNet2DConditionModel(
        sample_size=64, in_channels=4, out_channels=4, block_out_channels=(8, 16),
        layers_per_block=1, norm_num_groups=4, down_block_types=("DownBlock2D", "DownBlock2D"),
        up_block_types=("UpBlock2D", "UpBlock2D"), cross_attention_dim=16, attention_head_dim=8,
        class_embed_type="simple_projection", projection_class_embeddings_input_dim=16,
        class_embeddings_concat=True)
    vae = AutoencoderKL(
        in_channels=1, out_channels=1, latent_channels=4, block_out_channels=(8, 16),
        norm_num_groups=4, down_block_types=("DownEncoderBlock2D",) * 2,
        up_block_types=("UpDecoderBlock2D",) * 2)
    vocoder = SpeechT5HifiGan(SpeechT5HifiGanConfig(
        model_in_dim=16, sampling_rate=VOCODER_RATE, upsample_initial_channel=16,
        upsample_rates=[10, 4, 4], upsample_kernel_sizes=[20, 8, 8], resblock_kernel_sizes=[3],
        resblock_dilation_sizes=[[1, 3]], normalize_before=False,
        initializer_range=0.1))  # the default 0.01 makes a random vocoder output ~1e-7
    scheduler = DDIMScheduler(beta_schedule="scaled_linear", beta_start=0.00085, beta_end=0.012,
                              clip_sample=False, set_alpha_to_one=False)
    pipe = AudioLDMPipeline(vae=vae, text_encoder=text_encoder, tokenizer=tokenizer, unet=unet,
                            scheduler=scheduler, vocoder=vocoder)
    pipe.save_pretrained(folder)
    return folder


def _t5_tokenizer() -> T5Tokenizer:
    """Character Unigram model: the SentencePiece word marker and lowercase letters."""
    pieces = [("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0), ("\u2581", -1.0)]
    pieces += [(c, -2.0) for c in "abcdefghijklmnopqrstuvwxyz"]
    return T5Tokenizer(vocab=pieces, extra_ids=0, model_max_length=16)


def save_tiny_stable_audio(folder: Path) -> Path:
    tokenizer = _t5_tokenizer()
    torch.manual_seed(0)
    text_encoder = T5EncoderModel(T5Config(
        vocab_size=len(tokenizer), d_model=8, d_kv=4, d_ff=16, num_layers=1, num_heads=2,
        pad_token_id=0, eos_token_id=1))
    projection = StableAudioProjectionModel(text_encoder_dim=8, conditioning_dim=4, min_value=0,
                                            max_value=32)
    transformer = StableAudioDiTModel(
        sample_size=64, in_channels=3, out_channels=3, num_layers=1, attention_head_dim=4,
        num_attention_heads=2, num_key_value_attention_heads=1, cross_attention_dim=4,
        time_proj_dim=8, global_states_input_dim=8, cross_attention_input_dim=4)
    vae = AutoencoderOobleck(encoder_hidden_size=4, downsampling_ratios=[4, 8],
                             channel_multiples=[1, 2], decoder_channels=4,
                             decoder_input_channels=3, audio_channels=2, sampling_rate=8000)
    # Stable Audio Open ships CosineDPMSolverMultistepScheduler, which needs torchsde.
    scheduler = EDMDPMSolverMultistepScheduler(solver_order=2, prediction_type="v_prediction",
                                               sigma_data=1.0, sigma_schedule="exponential")
    pipe = StableAudioPipeline(vae=vae, text_encoder=text_encoder, projection_model=projection,
                               tokenizer=tokenizer, transformer=transformer, scheduler=scheduler)
    pipe.save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def audioldm_dir(tmp_path_factory) -> Path:
    return save_tiny_audioldm(tmp_path_factory.mktemp("ext") / "tiny-audioldm")


@pytest.fixture(scope="module")
def audioldm(audioldm_dir) -> ExternalAudioPipeline:
    return load_pipeline(audioldm_dir, device="cpu")


def _render(pipe, prompt: str = "deep analog kick", **kw) -> ShotcallerOutput:
    return pipe(prompt, **{"seed": 3, "num_inference_steps": 2, "duration_in_s": 0.4, **kw})


def test_audioldm_folder_loads_as_the_adapter(audioldm) -> None:
    assert isinstance(audioldm, ExternalAudioPipeline)
    assert type(audioldm.pipe).__name__ == "AudioLDMPipeline"
    assert audioldm.name == "tiny-audioldm"
    assert audioldm.sampling_rate == VOCODER_RATE
    assert audioldm.max_duration_in_s == pytest.approx(AUDIOLDM_MAX_S)
    assert next(audioldm.pipe.unet.parameters()).dtype == torch.float32  # fp16 only on CUDA


@pytest.mark.parametrize("rate", [44100, 48000])
def test_audioldm_render_has_requested_length_and_rate(audioldm, rate) -> None:
    out = _render(audioldm, duration_in_s=0.37, output_sampling_rate=rate, velocity=127)
    assert isinstance(out, ShotcallerOutput)
    assert out.sampling_rate == rate
    assert out.audios.shape == (int(round(0.37 * rate)),)
    assert out.audios.dtype == np.float32 and np.all(np.isfinite(out.audios))
    assert np.max(np.abs(out.audios)) == pytest.approx(0.98, abs=1e-3)  # normalised, full velocity
    assert out.seed == 3 and out.neighbours == []
    assert (out.root_note is None) == (not out.tonal)


def test_audioldm_seeds_reproducible_and_distinct(audioldm) -> None:
    a, b, c = _render(audioldm, seed=11), _render(audioldm, seed=11), _render(audioldm, seed=12)
    assert np.array_equal(a.audios, b.audios)
    assert not np.allclose(a.audios, c.audios)
    random_seed = _render(audioldm, seed=-1)
    assert 0 <= random_seed.seed < 2**32


def test_velocity_scales_the_level(audioldm) -> None:
    loud, soft = _render(audioldm, velocity=127), _render(audioldm, velocity=32)
    assert np.max(np.abs(loud.audios)) == pytest.approx(0.98, abs=1e-4)
    assert np.max(np.abs(soft.audios)) == pytest.approx(0.98 * 32 / 127, abs=1e-4)
    np.testing.assert_allclose(soft.audios, loud.audios * 32 / 127, atol=1e-6)


def test_progress_callback_once_per_step(audioldm) -> None:
    calls: list[tuple[int, int]] = []
    _render(audioldm, num_inference_steps=3, callback=lambda i, n: calls.append((i, n)))
    assert calls == [(1, 3), (2, 3), (3, 3)]


def test_callback_exception_stops_the_render(audioldm) -> None:
    class Cancelled(Exception):
        pass

    def cancel(i: int, n: int) -> None:
        raise Cancelled

    with pytest.raises(Cancelled):
        _render(audioldm, callback=cancel)


@pytest.mark.parametrize(("kw", "message"), [
    ({"prompt": ""}, "prompt"),
    ({"prompt": "   "}, "prompt"),
    ({"num_inference_steps": 0}, "num_inference_steps"),
    ({"duration_in_s": AUDIOLDM_MAX_S + 0.5}, "duration_in_s"),
    ({"output_sampling_rate": 4000}, "output_sampling_rate"),
    ({"velocity": 0}, "velocity"),
    ({"strength": 0.0}, "strength"),
])
def test_bad_arguments_are_rejected(audioldm, kw, message) -> None:
    with pytest.raises(ValueError, match=message):
        _render(audioldm, **kw)


def test_tonal_false_skips_the_root(audioldm) -> None:
    out = _render(audioldm, tonal=False)
    assert out.root_note is None and out.tonal is False


def test_root_note_is_measured_not_assumed() -> None:
    sr = VOCODER_RATE
    t = np.arange(int(0.8 * sr)) / sr
    a3 = sum(np.sin(2 * np.pi * 220.0 * k * t) / k for k in (1, 2, 3)) * np.exp(-2 * t)
    assert measure_root_note(a3.astype(np.float32), sampling_rate=sr) == pytest.approx(57, abs=0.1)
    noise = np.random.default_rng(0).standard_normal(int(0.8 * sr)).astype(np.float32)
    assert measure_root_note(noise, sampling_rate=sr) is None
    assert measure_root_note(np.zeros(sr, np.float32), sampling_rate=sr) is None


def test_unknown_pipeline_class_is_named(tmp_path) -> None:
    (tmp_path / "model_index.json").write_text(json.dumps({"_class_name": "MusicLDMPipeline"}))
    with pytest.raises(ValueError, match="MusicLDMPipeline.*AudioLDMPipeline"):
        load_pipeline(tmp_path, device="cpu")


def test_render_cli_writes_a_wav_from_the_folder(audioldm_dir, tmp_path, capsys) -> None:
    out = tmp_path / "kick.wav"
    code = cli_main(["render", "deep analog kick", "-o", str(out), "--model", str(audioldm_dir),
                     "--device", "cpu", "--steps", "2", "--duration", "0.5", "--seed", "5",
                     "--rate", "48000"])
    assert code == 0
    audio, sr = sf.read(out, dtype="float32")
    assert sr == 48000 and audio.shape == (24000,)
    assert f"wrote {out}" in capsys.readouterr().out


def test_daemon_engine_renders_from_the_folder(audioldm_dir) -> None:
    engine = Engine(audioldm_dir, device="cpu", sample_rate=48000, threads=1)
    engine.load()
    assert engine.name == "tiny-audioldm"
    progress: list[float] = []
    request = RenderRequest(slot=0, prompt="deep analog kick", seed=4, steps=2, guidance=2.5,
                            duration=0.3, strength=1.0)
    render = engine.render(request, progress.append, threading.Event())
    assert render.sampling_rate == 48000 and render.audio.shape == (14400,)
    assert render.seed == 4 and progress == [0.5, 1.0]


def test_stable_audio_folder_renders_mono_at_the_requested_rate(tmp_path) -> None:
    folder = save_tiny_stable_audio(tmp_path / "tiny-stable-audio")
    pipe = load_pipeline(folder, device="cpu")
    assert isinstance(pipe, ExternalAudioPipeline)
    assert pipe.max_duration_in_s == pytest.approx(64 * 32 / 8000)
    calls: list[tuple[int, int]] = []
    out = pipe("metal hit", seed=1, num_inference_steps=2, duration_in_s=0.2,
               output_sampling_rate=44100, callback=lambda i, n: calls.append((i, n)))
    assert out.audios.shape == (8820,) and out.sampling_rate == 44100
    assert calls == [(1, 2), (2, 2)]
    again = pipe("metal hit", seed=1, num_inference_steps=2, duration_in_s=0.2)
    assert np.array_equal(out.audios, again.audios)
    with pytest.raises(ValueError, match="duration_in_s"):
        pipe("metal hit", duration_in_s=0.3)
