"""A user's own diffusers audio checkpoint (AudioLDM, AudioLDM 2, Stable Audio) behind our API.

``load_pipeline`` returns an :class:`ExternalAudioPipeline` when a folder's ``model_index.json``
names one of :data:`SUPPORTED_PIPELINES`. The folder is loaded with ``local_files_only=True``:
nothing is downloaded. These models are large (1–5 GB) and meant for a GPU; on CUDA they run in
fp16.

The adapter is called exactly like ``ShotcallerPipeline`` and returns a ``ShotcallerOutput``.
Where the models differ from ours:

- they are not conditioned on a note, so ``pitch`` is validated but not used, and ``tune`` is
  ignored. Instead the render's root is measured (pYIN) and returned as ``root_note``, so the
  daemon repitches from the note the render really sounds at; an unpitched render returns
  ``root_note=None, tonal=False``;
- there is no retrieval seeding, so ``strength`` < 1 is validated and ignored (as in a
  Shotcaller model without a retrieval index): every render is pure generation;
- ``velocity`` is not a model input: the render is peak-normalised, then scaled by
  ``velocity / 127`` (a sampler's linear velocity curve);
- ``duration_in_s`` is capped at the checkpoint's default window, the length it was trained
  on (5.12 s for AudioLDM, 10.24 s for AudioLDM 2, 47.55 s for Stable Audio Open).
"""

from __future__ import annotations

import inspect
import json
import logging
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import torch

from ..audio_io import resample
from .pipeline import RenderDefaults, ShotcallerOutput, ShotcallerPipeline, _trim

log = logging.getLogger(__name__)

SUPPORTED_PIPELINES = ("AudioLDMPipeline", "AudioLDM2Pipeline", "StableAudioPipeline")

# Root-note detection range: C1 to about G7.
_FMIN_HZ = 32.7
_FMAX_HZ = 3000.0
# A render counts as pitched when pYIN's mean voicing probability over its loud frames reaches
# this: tones measure 0.3 (C1 at 16 kHz) to 1.0, noise, snares and hats about 0.01.
_MIN_VOICED_PROBABILITY = 0.25
# Peak below which a render is treated as silence and not normalised (-80 dBFS).
_SILENCE_PEAK = 1e-4


def pipeline_class_name(model_dir: str | Path) -> str | None:
    """``_class_name`` from ``model_dir/model_index.json``, None when the file is missing."""
    index = Path(model_dir) / "model_index.json"
    if not index.is_file():
        return None
    try:
        name = json.loads(index.read_text()).get("_class_name")
    except (json.JSONDecodeError, AttributeError) as exc:
        raise ValueError(f"{index}: not a diffusers model_index.json ({exc})") from exc
    if not isinstance(name, str):
        raise ValueError(f"{index}: no _class_name")
    return name


def measure_root_note(audio: np.ndarray, *, sampling_rate: int) -> float | None:
    """Median pYIN pitch (fractional MIDI) of a render's first second; None when unpitched.

    Parameters
    ----------
    audio : np.ndarray [shape=(n,)]
        Mono render.
    sampling_rate : int
        Its rate in Hz.

    Only frames within 20 dB of the loudest count. pYIN's voiced flags alone mark white noise
    as voiced near ``fmin``, so the decision uses its voicing probability instead.
    """
    import librosa

    seg = np.asarray(audio[:sampling_rate], dtype=np.float32)
    frame = int(2 ** np.ceil(np.log2(4 * sampling_rate / _FMIN_HZ)))  # ≥ 4 periods of fmin
    if len(seg) < frame or not np.any(seg):
        return None
    hop = frame // 4
    f0, voiced, probability = librosa.pyin(
        seg, fmin=_FMIN_HZ, fmax=min(_FMAX_HZ, sampling_rate / 4), sr=sampling_rate,
        frame_length=frame, hop_length=hop)
    rms = librosa.feature.rms(y=seg, frame_length=frame, hop_length=hop)[0]
    n = min(len(f0), len(rms))
    loud = rms[:n] >= 0.1 * rms.max()
    pitched = loud & voiced[:n] & np.isfinite(f0[:n])
    if probability[:n][loud].mean() < _MIN_VOICED_PROBABILITY or not np.any(pitched):
        return None
    return float(librosa.hz_to_midi(np.median(f0[:n][pitched])))


class ExternalAudioPipeline:
    """A loaded AudioLDM / AudioLDM 2 / Stable Audio pipeline with ``ShotcallerPipeline``'s call.

    Build it with :meth:`from_pretrained` (or ``load_pipeline``). See the module docstring for
    how ``pitch``, ``tune``, ``strength`` and ``velocity`` are handled.
    """

    def __init__(self, pipe: Any, model_path: str = "") -> None:
        self.pipe = pipe
        self.model_path = model_path
        self.pipe.set_progress_bar_config(disable=True)  # progress goes through `callback`
        params = inspect.signature(pipe.__call__).parameters
        # Diffusers spells the length differently per pipeline (and across versions).
        duration_args = [a for a in ("audio_end_in_s", "audio_length_in_s") if a in params]
        if not duration_args:
            raise ValueError(f"{type(pipe).__name__}.__call__ takes neither audio_end_in_s nor "
                             "audio_length_in_s; this diffusers version is not supported")
        self._duration_arg = duration_args[0]
        self._step_end_callback = "callback_on_step_end" in params
        self.sampling_rate = _native_sampling_rate(pipe)
        self.max_duration_in_s = _max_duration_in_s(pipe)
        # The pipeline's own defaults for steps and guidance; ours for length and strength.
        self.defaults = RenderDefaults(
            num_inference_steps=int(params["num_inference_steps"].default),
            guidance_scale=float(params["guidance_scale"].default),
            strength=1.0,
            duration_in_s=min(RenderDefaults.duration_in_s, self.max_duration_in_s),
        )

    @classmethod
    def from_pretrained(cls, model_dir: str | Path, *,
                        device: str = "cpu") -> ExternalAudioPipeline:
        """Load ``model_dir`` (a saved diffusers pipeline folder) onto ``device``; no download."""
        import diffusers

        model_dir = Path(model_dir)
        class_name = pipeline_class_name(model_dir)
        if class_name not in SUPPORTED_PIPELINES:
            raise ValueError(f"{model_dir}: pipeline class {class_name!r} is not supported; "
                             f"supported: {', '.join(SUPPORTED_PIPELINES)}")
        dtype = torch.float16 if device == "cuda" else torch.float32
        # Cast after loading: the loader's dtype keyword is spelled differently across versions.
        pipe = getattr(diffusers, class_name).from_pretrained(model_dir, local_files_only=True)
        log.info("loaded %s from %s on %s (%s)", class_name, model_dir, device, dtype)
        return cls(pipe.to(device, dtype), model_path=str(model_dir))

    @property
    def name(self) -> str:
        return Path(self.model_path).name or "unsaved"

    @property
    def device(self) -> torch.device:
        return self.pipe.device

    # The same argument checks as ours; they read the longest duration from max_duration_in_s.
    check_inputs = ShotcallerPipeline.check_inputs

    @torch.inference_mode()
    def __call__(
        self,
        prompt: str,
        negative_prompt: str | None = None,
        pitch: float = 60,
        velocity: float = 100,
        duration_in_s: float | None = None,
        seed: int = -1,
        num_inference_steps: int | None = None,
        guidance_scale: float | None = None,
        strength: float | None = None,
        output_sampling_rate: int = 44100,
        tonal: bool | None = None,
        callback: Callable[[int, int], None] | None = None,
        tune: bool | None = None,
    ) -> ShotcallerOutput:
        """Render one sound. ``pitch`` and ``tune`` are unused, ``strength`` < 1 is ignored.

        ``tonal=False`` skips the root measurement (``root_note=None``); ``None`` or ``True``
        measure it, and a render with no clear pitch comes back with ``tonal=False``.
        """
        s = self.defaults.fill(num_inference_steps, guidance_scale, strength, duration_in_s)
        num_inference_steps, guidance_scale = s.num_inference_steps, s.guidance_scale
        strength, duration_in_s = s.strength, s.duration_in_s

        # 1. Check inputs
        self.check_inputs(prompt, negative_prompt or "", pitch, velocity, duration_in_s, seed,
                          num_inference_steps, guidance_scale, strength, output_sampling_rate)
        if strength < 1.0:
            log.debug("strength %.2f ignored: %s has no retrieval seeding", strength,
                      type(self.pipe).__name__)
        if seed == -1:
            seed = random.SystemRandom().randrange(2**32)
        # A CPU generator gives the same noise for a seed on every device.
        generator = torch.Generator().manual_seed(seed)

        # 2. Generate with the pipeline's own argument names
        kwargs: dict[str, Any] = {
            "prompt": prompt,
            "negative_prompt": negative_prompt or None,
            self._duration_arg: float(duration_in_s),
            "num_inference_steps": num_inference_steps,
            "guidance_scale": float(guidance_scale),
            "num_waveforms_per_prompt": 1,
            "generator": generator,
            "output_type": "np",
        }
        if callback is not None:
            kwargs.update(self._progress_kwargs(callback, num_inference_steps))
        audio = np.asarray(self.pipe(**kwargs).audios[0], dtype=np.float32)

        # 3. Mono at the model's rate, then measure the root before resampling
        if audio.ndim == 2:  # [channels, n] (Stable Audio is stereo)
            audio = audio.mean(axis=0)
        audio = audio[: int(round(duration_in_s * self.sampling_rate))]
        root = measure_root_note(audio, sampling_rate=self.sampling_rate) \
            if tonal is not False else None

        # 4. Output rate, exact length with a short fade, level from velocity
        audio = resample(audio, orig_sr=self.sampling_rate, target_sr=output_sampling_rate)
        n = int(round(duration_in_s * output_sampling_rate))
        audio = _trim(np.pad(audio, (0, max(0, n - len(audio)))), duration_in_s,
                      output_sampling_rate)
        peak = float(np.max(np.abs(audio))) if len(audio) else 0.0
        if peak > _SILENCE_PEAK:
            audio = audio * np.float32(0.98 / peak * velocity / 127)
        return ShotcallerOutput(audios=audio.astype(np.float32), sampling_rate=output_sampling_rate,
                                root_note=root, seed=seed, tonal=root is not None, neighbours=[])

    def _progress_kwargs(self, callback: Callable[[int, int], None],
                         num_inference_steps: int) -> dict[str, Any]:
        """Pipeline arguments that report each finished step as ``callback(step, total)``."""
        if self._step_end_callback:
            def on_step_end(pipe: Any, i: int, t: Any, tensors: dict) -> dict:
                # Counts scheduler timesteps, which second-order schedulers double.
                callback(i + 1, len(pipe.scheduler.timesteps))
                return tensors

            return {"callback_on_step_end": on_step_end}

        def on_step(step_idx: int, t: Any, latents: torch.Tensor) -> None:
            # step_idx counts from 0 in model steps (timesteps // scheduler order).
            callback(min(step_idx + 1, num_inference_steps), num_inference_steps)

        return {"callback": on_step, "callback_steps": 1}


def _native_sampling_rate(pipe: Any) -> int:
    vocoder = getattr(pipe, "vocoder", None)  # AudioLDM and AudioLDM 2 decode mels with HiFi-GAN
    config = vocoder.config if vocoder is not None else pipe.vae.config
    return int(config.sampling_rate)


def _max_duration_in_s(pipe: Any) -> float:
    """The length the checkpoint renders by default, which is what it was trained on."""
    transformer = getattr(pipe, "transformer", None)
    if transformer is not None:  # Stable Audio: fixed latent window, also capped by its encoder
        samples = transformer.config.sample_size * pipe.vae.hop_length
        window = samples / pipe.vae.config.sampling_rate
        return float(min(window, pipe.projection_model.config.max_value))
    hop_in_s = np.prod(pipe.vocoder.config.upsample_rates) / pipe.vocoder.config.sampling_rate
    return float(pipe.unet.config.sample_size * pipe.vae_scale_factor * hop_in_s)
