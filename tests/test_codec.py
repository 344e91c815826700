"""The codec fitted on a small synthetic set, its plumbing, and the spectral stage."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from server.codec.autoencoder import SpectrogramAutoencoder
from server.codec.codec import SpectralCodec
from server.codec.spectral import SpectralConfig, griffin_lim, logmag_to_mag, wave_to_logmag
from server.codec.train import PatchStatistics
from server.eval.metrics import detected_pitch


@pytest.fixture(scope="module")
def codec() -> SpectralCodec:
    """A small codec fitted, as ``train codec`` fits one, on plucks every quarter-tone."""
    cfg = SpectralConfig()
    ae = SpectrogramAutoencoder(num_bins=cfg.num_bins, latent_channels=4, latent_height=16)
    stats = PatchStatistics(ae.patch_width)
    freqs = 110.0 * 2 ** (np.arange(0, 36, 0.5) / 12)
    waves = torch.from_numpy(np.stack([_pluck(f, seconds=1.6)[: cfg.num_samples] for f in freqs]))
    stats.add(ae.patches(wave_to_logmag(waves, cfg)))
    ae.set_principal_components(*stats.mean_and_covariance())
    return SpectralCodec(ae, cfg, phase_iterations=8)


def _pluck(freq: float, sr: int = 44100, seconds: float = 1.2) -> np.ndarray:
    t = np.arange(int(sr * seconds)) / sr
    harmonics = sum(np.sin(2 * np.pi * k * freq * t) / k for k in range(1, 6))
    return (0.3 * harmonics * np.exp(-3 * t)).astype(np.float32)


def test_round_trip_shapes_and_rates(codec: SpectralCodec) -> None:
    z = codec.encode(_pluck(220.0), 44100)
    assert tuple(z.shape) == (1, 4, 16, 32) == (1, *codec.latent_shape)
    for rate in (44100, 48000):
        y = codec.decode(z, output_sampling_rate=rate)
        assert y.shape == (1, round(65536 * rate / 44100))
        assert np.all(np.isfinite(y))


def test_deterministic(codec: SpectralCodec) -> None:
    a = codec.roundtrip(_pluck(220.0), 44100)
    b = codec.roundtrip(_pluck(220.0), 44100)
    assert np.array_equal(a, b)


def test_save_and_load_give_the_same_audio(codec: SpectralCodec, tmp_path) -> None:
    codec.save_pretrained(tmp_path / "codec")
    loaded = SpectralCodec.from_pretrained(tmp_path / "codec")
    assert loaded.phase_iterations == 8 and loaded.spectral == codec.spectral
    y = _pluck(330.0)
    a, b = loaded.roundtrip(y, 44100), codec.roundtrip(y, 44100)
    # Weights are stored in half precision: the same sound, up to rounding.
    assert np.corrcoef(a, b)[0, 1] > 0.95
    assert np.array_equal(a, SpectralCodec.from_pretrained(tmp_path / "codec").roundtrip(y, 44100))


def test_the_encoder_is_derived_and_older_folders_still_load(codec: SpectralCodec,
                                                             tmp_path) -> None:
    from safetensors.torch import load_file, save_file

    codec.save_pretrained(tmp_path / "codec")
    weights = tmp_path / "codec" / "diffusion_pytorch_model.safetensors"
    stored = load_file(str(weights))
    assert sorted(stored) == ["unproject.bias", "unproject.weight"]  # no encoder matrix
    # Encoding a decoded latent gives it back: the derived encoder inverts the decoder.
    z = codec.encode(_pluck(250.0), 44100)
    again = codec.autoencoder.encode(codec.autoencoder.decode(z / codec.autoencoder.config
                                                              .scaling_factor))
    assert torch.allclose(again * codec.autoencoder.config.scaling_factor, z, atol=1e-3)
    # A folder saved when the encoder matrix was stored too loads and encodes the same.
    ae = codec.autoencoder
    w = ae.encoder_weight().T.contiguous()
    save_file({**stored, "project.weight": w.half(),
               "project.bias": (-(w @ ae.unproject.bias)).half().contiguous()}, str(weights))
    older = SpectralCodec.from_pretrained(tmp_path / "codec")
    assert torch.allclose(older.encode(_pluck(250.0), 44100), z, atol=0.05)


@pytest.mark.parametrize(
    ("audio", "rate", "message"),
    [
        (np.zeros(0, np.float32), 44100, "empty"),
        (np.array([0.0, np.nan, 0.1], np.float32), 44100, "NaN"),
        (np.zeros((1000, 2), np.float32), 44100, "mono"),
        (np.zeros(1000, np.float32), 1000, "sampling_rate"),
    ],
)
def test_bad_input_is_rejected_clearly(codec, audio, rate, message) -> None:
    with pytest.raises(ValueError, match=message):
        codec.encode(audio, rate)


def test_loading_a_folder_that_is_not_a_codec_fails_clearly(tmp_path) -> None:
    with pytest.raises(FileNotFoundError, match="not a codec folder"):
        SpectralCodec.from_pretrained(tmp_path)


def test_spectral_stage_keeps_pitch() -> None:
    """Log-magnitude + peak-locked phase + Griffin-Lim: a 220 Hz pluck comes back at 220 Hz."""
    cfg = SpectralConfig()
    y = _pluck(220.0)
    x = wave_to_logmag(torch.from_numpy(y)[None], cfg)
    back = griffin_lim(logmag_to_mag(x, cfg), cfg, n_iter=8)[0].numpy()
    midi = detected_pitch(back, cfg.sampling_rate)
    assert midi is not None and abs(100 * (midi - 57.0)) < 10  # A3 = 220 Hz


def test_peak_locked_phase_beats_random_phase() -> None:
    cfg = SpectralConfig()
    y = torch.from_numpy(_pluck(330.0))[None]
    mag = logmag_to_mag(wave_to_logmag(y, cfg), cfg)
    ours = griffin_lim(mag, cfg, n_iter=0)
    rand = torch.polar(mag, torch.rand(mag.shape, generator=torch.Generator().manual_seed(0))
                       * 6.283)
    from server.codec.spectral import istft, stft

    def spectral_error(wave: torch.Tensor) -> float:
        return float((stft(wave, cfg).abs() - mag).norm() / mag.norm())

    assert spectral_error(ours) < 0.7 * spectral_error(istft(rand, cfg))


def test_fitted_codec_keeps_the_pitch_of_an_unseen_note(codec: SpectralCodec) -> None:
    """247 Hz lies between the fitted plucks' pitches; the round trip keeps it within 10 cents."""
    y = codec.roundtrip(_pluck(247.0), 44100)
    midi = detected_pitch(y, 44100)
    assert midi is not None and abs(100 * (midi - 59.0)) < 10  # B3 = 246.94 Hz


@pytest.mark.parametrize("semitones", [-5.0, 7.0])
def test_shifting_a_latent_moves_its_note(codec: SpectralCodec, semitones: float) -> None:
    """A seed from a sample at another note, shifted, decodes on the requested note."""
    z = codec.encode(_pluck(220.0), 44100)  # A3 = MIDI 57
    y = codec.decode(codec.shift_pitch(z, torch.tensor([semitones])))[0]
    midi = detected_pitch(y, 44100)
    assert midi is not None and abs(100 * (midi - (57.0 + semitones))) < 15


def test_shifting_keeps_an_index_of_leading_components_short(codec: SpectralCodec) -> None:
    z = codec.encode(_pluck(220.0), 44100)[:, :2]
    shifted = codec.shift_pitch(z, torch.tensor([3.0]))
    assert shifted.shape == z.shape and not torch.allclose(shifted, z)


def test_untrained_decoder_is_the_peak_locked_decode() -> None:
    """The decoder's head starts at zero: before training it gives exactly the phase-vocoder
    estimate with the autoencoder's magnitudes, so training can only start from there."""
    from server.codec.spectral import istft, peak_locked_phase
    from server.codec.vocoder import SpectralDecoder

    cfg = SpectralConfig()
    frames = wave_to_logmag(torch.from_numpy(_pluck(196.0, seconds=1.6))[None], cfg)
    mag = logmag_to_mag(frames, cfg)
    expected = istft(torch.polar(mag, peak_locked_phase(mag, cfg)), cfg)
    decoder = SpectralDecoder(channels=16, hidden_channels=32, num_blocks=1)
    with torch.no_grad():
        assert torch.allclose(decoder.waveform(frames, cfg), expected, atol=1e-6)


def test_codec_with_a_learned_decoder_saves_and_loads(codec: SpectralCodec, tmp_path) -> None:
    from server.codec.vocoder import SpectralDecoder

    torch.manual_seed(0)
    decoder = SpectralDecoder(channels=16, hidden_channels=32, num_blocks=2)
    torch.nn.init.normal_(decoder.head.weight, std=0.02)  # as if trained: not the identity
    with_decoder = SpectralCodec(codec.autoencoder, codec.spectral, decoder=decoder)
    with_decoder.save_pretrained(tmp_path / "codec")
    assert (tmp_path / "codec" / "decoder" / "config.json").is_file()
    loaded = SpectralCodec.from_pretrained(tmp_path / "codec")
    assert loaded.decoder is not None and loaded.decoder.config.channels == 16
    y = _pluck(262.0)
    a, b = with_decoder.roundtrip(y, 44100), loaded.roundtrip(y, 44100)
    assert np.corrcoef(a, b)[0, 1] > 0.95  # half-precision weights on disk
    assert not np.allclose(a, codec.roundtrip(y, 44100), atol=1e-3)  # the decoder is used
    assert np.array_equal(b, loaded.roundtrip(y, 44100))
    # A folder without a decoder (every codec before it) still decodes with Griffin-Lim.
    codec.save_pretrained(tmp_path / "plain")
    assert SpectralCodec.from_pretrained(tmp_path / "plain").decoder is None


def test_decoder_loss_is_the_distance_the_bench_reports() -> None:
    """Training minimises the same multi-resolution STFT distance bench/codec.py prints."""
    import importlib.util
    from pathlib import Path

    from server.codec.decoder_train import mrstft_loss

    path = Path(__file__).resolve().parents[1] / "bench" / "codec.py"
    spec = importlib.util.spec_from_file_location("bench_codec", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    rng = np.random.default_rng(0)
    ref = _pluck(330.0)
    for est in (ref + 0.01 * rng.standard_normal(ref.shape).astype(np.float32),
                np.roll(ref, 300), 0.5 * ref):
        loss = float(mrstft_loss(torch.from_numpy(est)[None], torch.from_numpy(ref)[None])[0])
        assert loss == pytest.approx(bench.mrstft_distance(ref, est), rel=1e-3)


def test_decoding_onto_a_source_gives_back_the_source_and_only_the_latents_change(
        codec: SpectralCodec) -> None:
    """A variation decoded onto its source: the source's own latent returns the source
    itself (not the codec's Griffin-Lim rendition of it), at its whole length past the
    window, at 48 kHz too; a darker latent makes it darker and keeps its pitch."""
    from server.corpus.descriptors import describe

    source = _pluck(247.0, seconds=2.0)  # longer than the codec's 1.49 s window
    z = codec.encode(source, 44100)
    same = codec.decode_onto(z, source, 44100)
    assert same.shape == source.shape
    assert np.max(np.abs(same - source)) < 1e-4
    assert codec.decode_onto(z, source, 44100, output_sampling_rate=48000).size == 96000
    # the latent of the same pluck through a low-pass: a change the model might make
    import pedalboard as pb

    dull = pb.Pedalboard([pb.LowpassFilter(cutoff_frequency_hz=400.0)])(source[None], 44100)[0]
    darker = codec.decode_onto(codec.encode(dull, 44100), source, 44100)
    assert describe(darker, sr=44100).centroid_hz < 0.8 * describe(source, sr=44100).centroid_hz
    midi = detected_pitch(darker, 44100)
    assert midi is not None and abs(100 * (midi - 59.0)) < 5
    with pytest.raises(ValueError, match=r"\[1, C, H, T\]"):
        codec.decode_onto(torch.cat([z, z]), source, 44100)
