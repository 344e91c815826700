"""The codec's plumbing with a tiny autoencoder, and the spectral stage with real signals."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from server.codec.autoencoder import SpectrogramAutoencoder
from server.codec.codec import SpectralCodec
from server.codec.spectral import SpectralConfig, griffin_lim, logmag_to_mag, wave_to_logmag
from server.eval.metrics import detected_pitch


@pytest.fixture(scope="module")
def codec() -> SpectralCodec:
    torch.manual_seed(0)
    ae = SpectrogramAutoencoder(hidden_channels=32, latent_channels=4, latent_height=8)
    return SpectralCodec(ae, SpectralConfig(), phase_iterations=2)


def _pluck(freq: float, sr: int = 44100, seconds: float = 1.2) -> np.ndarray:
    t = np.arange(int(sr * seconds)) / sr
    harmonics = sum(np.sin(2 * np.pi * k * freq * t) / k for k in range(1, 6))
    return (0.3 * harmonics * np.exp(-3 * t)).astype(np.float32)


def test_round_trip_shapes_and_rates(codec: SpectralCodec) -> None:
    z = codec.encode(_pluck(220.0), 44100)
    assert tuple(z.shape) == (1, 4, 8, 32) == (1, *codec.latent_shape)
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
    assert loaded.phase_iterations == 2 and loaded.spectral == codec.spectral
    y = _pluck(330.0)
    a, b = loaded.roundtrip(y, 44100), codec.roundtrip(y, 44100)
    # Weights are stored in half precision: the same sound, up to rounding.
    assert np.corrcoef(a, b)[0, 1] > 0.95
    assert np.array_equal(a, SpectralCodec.from_pretrained(tmp_path / "codec").roundtrip(y, 44100))


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
