"""The codec: waveforms ↔ scaled latents, one folder saved/loaded the diffusers way."""

from __future__ import annotations

import copy
import json
from dataclasses import asdict
from pathlib import Path

import numpy as np
import torch

from ..audio_io import resample
from .autoencoder import SpectrogramAutoencoder
from .spectral import (
    SpectralConfig,
    griffin_lim,
    logmag_to_mag,
    shift_frequencies,
    wave_to_logmag,
)
from .tail import choke, extend, frames_for, hold, release_frame, with_frames
from .vocoder import SpectralDecoder

SPECTRAL_FILE = "spectral_config.json"
DECODER_FOLDER = "decoder"

#: the most a variation decoded onto its source may raise or lower one bin of it
MAX_GAIN_DB = 30.0


class SpectralCodec:
    """Encode mono one-shots to latents and decode latents back to audio at any output rate.

    Six phase iterations: on 48 test one-shots (``bench/codec.py``) version 3.3's codec's full
    round trip scores 0.817 / 0.815 / 0.814 at 6 / 12 / 16 iterations, since its loss is the
    autoencoder's, while decoding takes 18 ms at 6 (p50) and about 2.2 ms per extra
    iteration. With the true magnitudes more iterations do help (0.398 / 0.351 / 0.332).
    (Momentum above 0.99, a random start and a denser hop of 128 for the phase search all
    measured worse.)
    """

    def __init__(self, autoencoder: SpectrogramAutoencoder, spectral: SpectralConfig,
                 *, phase_iterations: int = 6, decoder: SpectralDecoder | None = None) -> None:
        self.autoencoder = autoencoder.eval()
        self.spectral = spectral
        self.phase_iterations = phase_iterations
        # With a learned decoder, frames become audio through it alone (Griffin-Lim after it
        # measured worse: 0.806 against 0.759); without one, through the peak-locked phase
        # and ``phase_iterations`` of Griffin-Lim.
        self.decoder = decoder.eval() if decoder is not None else None

    # -- persistence ---------------------------------------------------------------------
    def save_pretrained(self, path: str | Path) -> None:
        path = Path(path)
        # Half precision on disk (weights ship in the repo); loaded back as float32.
        copy.deepcopy(self.autoencoder).half().save_pretrained(path)
        settings = {**asdict(self.spectral), "phase_iterations": self.phase_iterations}
        (path / SPECTRAL_FILE).write_text(json.dumps(settings, indent=2) + "\n")
        if self.decoder is not None:
            copy.deepcopy(self.decoder).half().save_pretrained(path / DECODER_FOLDER)

    @classmethod
    def from_pretrained(cls, path: str | Path, *, device: str = "cpu") -> SpectralCodec:
        path = Path(path)
        if not (path / SPECTRAL_FILE).is_file():
            raise FileNotFoundError(f"{path}: not a codec folder (no {SPECTRAL_FILE})")
        settings = json.loads((path / SPECTRAL_FILE).read_text())
        phase_iterations = settings.pop("phase_iterations", 6)
        ae = SpectrogramAutoencoder.from_pretrained(path, low_cpu_mem_usage=False)
        ae = ae.to(device).float()
        decoder = None
        if (path / DECODER_FOLDER).is_dir():
            decoder = SpectralDecoder.from_pretrained(path / DECODER_FOLDER,
                                                      low_cpu_mem_usage=False)
            decoder = decoder.to(device).float()
        return cls(ae, SpectralConfig(**settings), phase_iterations=phase_iterations,
                   decoder=decoder)

    @property
    def sampling_rate(self) -> int:
        return self.spectral.sampling_rate

    @property
    def latent_shape(self) -> tuple[int, int, int]:
        c = self.autoencoder.config
        return (c.latent_channels, c.latent_height,
                self.spectral.num_frames // self.autoencoder.downsample_factor)

    # -- audio <-> latents ---------------------------------------------------------------
    def check_audio(self, audio: np.ndarray, sampling_rate: int) -> np.ndarray:
        audio = np.asarray(audio)
        if audio.ndim != 1:
            raise ValueError(f"audio must be mono with shape (n,), got shape {audio.shape}; "
                             "mix stereo down first")
        if audio.size == 0:
            raise ValueError("audio is empty")
        if not np.all(np.isfinite(audio)):
            raise ValueError("audio contains NaN or infinite samples")
        if not 8000 <= sampling_rate <= 192000:
            raise ValueError(f"sampling_rate must be in 8000..192000 Hz, got {sampling_rate}")
        return resample(audio.astype(np.float32), orig_sr=sampling_rate,
                        target_sr=self.sampling_rate)

    @torch.inference_mode()
    def encode(self, audio: np.ndarray, sampling_rate: int) -> torch.Tensor:
        """Mono audio at any rate → scaled latent [1, C, H, T]."""
        y = self.check_audio(audio, sampling_rate)
        device = self.autoencoder.device
        x = wave_to_logmag(torch.from_numpy(y).unsqueeze(0).to(device), self.spectral)
        return self.autoencoder.encode(x) * self.autoencoder.config.scaling_factor

    @torch.inference_mode()
    def decode(self, latents: torch.Tensor, *, output_sampling_rate: int | None = None,
               duration_in_s: float | None = None, hold_s: float | None = None,
               choked: bool = False, short_s: float | None = None) -> np.ndarray:
        """Scaled latents [batch, C, H, T] → audio [batch, n] at ``output_sampling_rate``.

        With ``duration_in_s`` beyond the codec's window, a sound still audible at the
        window's end is continued by the tail model (``tail.py``) to that length. With
        ``hold_s`` a sustained note (one sound) is let go after that many seconds instead of
        where it was recorded; with ``choked`` a percussive one dies away in half the time,
        or, held or not, within ``short_s`` (a short sound of its kind) where that is given."""
        if latents.ndim != 4:
            raise ValueError(f"latents must be [batch, C, H, T], got shape {tuple(latents.shape)}")
        frames = self.autoencoder.decode(latents.float() / self.autoencoder.config.scaling_factor)
        frames = frames.float()
        if (hold_s is not None or choked) and frames.shape[0] == 1:
            release = release_frame(frames, self.spectral)
            if release is not None and hold_s is not None:
                until = round(hold_s * self.spectral.sampling_rate / self.spectral.hop_length)
                frames = hold(frames, release, until, self.spectral)
            # A short sound of its kind ends within ``short_s`` however it was held: a rim's
            # noise bed or a piano's long ring reads as a plateau, and let go at 0.25 s it
            # still rang on its recorded "release" for a second or more.
            if choked and (release is None or short_s is not None):
                frames = choke(frames, self.spectral, within_s=short_s)
        frames, spectral = self.carry_on(frames, duration_in_s)
        waves = self.frames_to_waves(frames, spectral).cpu().numpy()
        rate = output_sampling_rate or self.sampling_rate
        return np.stack([resample(w, orig_sr=self.sampling_rate, target_sr=rate) for w in waves])

    @torch.inference_mode()
    def decode_onto(self, latents: torch.Tensor, source: np.ndarray, sampling_rate: int, *,
                    source_latents: torch.Tensor | None = None,
                    output_sampling_rate: int | None = None, choked: bool = False,
                    max_gain_db: float = MAX_GAIN_DB) -> np.ndarray:
        """Scaled latents [1, C, H, T] made from ``source`` (a variation or restyle of it) →
        the source itself, changed the way the latents changed it: mono audio, as long as
        the source. ``source_latents``: the source's own (``encode(source)``), where the
        caller has them already.

        Each time-frequency bin of the source's STFT is scaled by how much louder or
        quieter the latents decode there than the source's own latent does (the codec's
        round trip), its phase kept. What the model changed is heard; what it did not
        change is the source, not the codec's rendition of it: no phase search, so no
        Griffin-Lim smear, and the source's pitch and transients exact (``apply_gain``)."""
        if latents.ndim != 4 or latents.shape[0] != 1:
            raise ValueError(f"latents must be [1, C, H, T], got shape {tuple(latents.shape)}")
        cfg, ae = self.spectral, self.autoencoder
        y = torch.from_numpy(self.check_audio(source, sampling_rate))
        if source_latents is None:
            source_latents = ae.encode(wave_to_logmag(y.unsqueeze(0).to(ae.device), cfg)) \
                * ae.config.scaling_factor

        def frames(z: torch.Tensor) -> torch.Tensor:
            return ae.decode(z.float().to(ae.device) / ae.config.scaling_factor)[0].float().cpu()

        own, changed = frames(source_latents), frames(latents)
        if choked:
            changed = choke(changed.unsqueeze(0), cfg)[0]
        # natural-log gain of each bin, smoothed over 3 bins × 3 frames so a harmonic the
        # model moved by a bin does not comb the source
        limit = max_gain_db / 20.0 * float(np.log(10.0))
        gain = ((changed - own) * cfg.log_scale).clamp(-limit, limit)
        gain = torch.nn.functional.avg_pool2d(gain[None, None], 3, 1, 1,
                                              count_include_pad=False)[0, 0]
        return self._scaled(y, gain, output_sampling_rate)

    @torch.inference_mode()
    def apply_gain(self, source: np.ndarray, sampling_rate: int, gain: torch.Tensor, *,
                   output_sampling_rate: int | None = None) -> np.ndarray:
        """``source`` (mono) with each bin of its STFT scaled by ``exp(gain)`` (a natural-log
        gain [bins, frames] over the codec's window), its phase kept: as long as the source,
        which past the window goes on at the mean gain of the window's last frames."""
        y = torch.from_numpy(self.check_audio(source, sampling_rate))
        return self._scaled(y, gain, output_sampling_rate)

    def _scaled(self, y: torch.Tensor, gain: torch.Tensor,
                output_sampling_rate: int | None) -> np.ndarray:
        """``apply_gain`` on a wave already at the codec's rate."""
        cfg = self.spectral
        window = torch.hann_window(cfg.n_fft)
        spec = torch.stft(y, cfg.n_fft, cfg.hop_length, window=window, center=True,
                          return_complex=True)  # [bins + 1, frames]
        frames = spec.shape[-1]
        gain = gain.float()
        if frames > gain.shape[-1]:
            tail = gain[:, -8:].mean(dim=-1, keepdim=True)
            gain = torch.cat([gain, tail.expand(-1, frames - gain.shape[-1])], dim=-1)
        gain = torch.cat([gain[:, :frames], gain[-1:, :frames]], dim=0)  # the Nyquist bin
        wave = torch.istft(spec * gain.exp(), cfg.n_fft, cfg.hop_length, window=window,
                           center=True, length=y.numel())
        rate = output_sampling_rate or self.sampling_rate
        return resample(wave.numpy(), orig_sr=self.sampling_rate, target_sr=rate)

    def frames_to_waves(self, frames: torch.Tensor,
                        spectral: SpectralConfig | None = None) -> torch.Tensor:
        """Normalised log-magnitude frames [batch, bins, frames] → waves [batch, num_samples]
        (``spectral``: the representation over a longer span, for a tail)."""
        spectral = spectral or self.spectral
        if self.decoder is not None:
            return self.decoder.waveform(frames, spectral)
        mag = logmag_to_mag(frames, spectral)
        return griffin_lim(mag, spectral, n_iter=self.phase_iterations)

    def carry_on(self, frames: torch.Tensor, duration_in_s: float | None
                 ) -> tuple[torch.Tensor, SpectralConfig]:
        """``frames`` continued by the tail model to ``duration_in_s`` when still ringing at
        their end, and the representation over their (new) length."""
        total = frames_for(duration_in_s, self.spectral) if duration_in_s else 0
        if total > frames.shape[-1] and self.still_ringing(frames):
            frames = extend(frames, total, self.spectral)
        return frames, with_frames(self.spectral, frames.shape[-1])

    def still_ringing(self, frames: torch.Tensor, below_db: float = 60.0) -> bool:
        """Whether any sound of the batch is within ``below_db`` of its peak at the window's
        end (then it needs a tail; a sound already gone is cheaper left alone)."""
        energy = (frames.float() * self.spectral.log_scale).exp().square().sum(dim=1)  # ~power
        last = energy[:, -8:].amax(dim=1)
        return bool((10 * torch.log10(last / energy.amax(dim=1)) > -below_db).any())

    def full_latents(self, latents: torch.Tensor) -> torch.Tensor:
        """Latents [batch, C, H, T] with the components an index left out (``C`` below the
        codec's channels, leading components kept) restored as zeros: the mean patch."""
        missing = self.autoencoder.config.latent_channels - latents.shape[1]
        return torch.nn.functional.pad(latents, (0, 0, 0, 0, 0, missing)) if missing else latents

    @torch.inference_mode()
    def shift_pitch(self, latents: torch.Tensor, semitones: torch.Tensor) -> torch.Tensor:
        """Scaled latents [batch, C, H, T] with their sounds moved by ``semitones`` [batch].

        Decoded to log-magnitude frames, scaled along frequency and encoded again, so a seed
        taken from a sample at another note starts the render on the requested one. ``C`` may
        be fewer than the codec's channels (an index keeping the leading components only).
        """
        ae, scale = self.autoencoder, self.autoencoder.config.scaling_factor
        kept = latents.shape[1]
        z = self.full_latents(latents.float()) / scale
        frames = ae.decode(z.to(ae.device))
        floor = (float(np.log(self.spectral.log_floor)) + self.spectral.log_offset) \
            / self.spectral.log_scale
        ratio = torch.pow(2.0, semitones.float().to(frames.device) / 12.0)
        shifted = shift_frequencies(frames, ratio, floor)
        return (ae.encode(shifted) * scale)[:, :kept].to(latents.device, latents.dtype)

    def roundtrip(self, audio: np.ndarray, sampling_rate: int,
                  output_sampling_rate: int = 44100) -> np.ndarray:
        return self.decode(self.encode(audio, sampling_rate),
                           output_sampling_rate=output_sampling_rate)[0]
