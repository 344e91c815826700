"""The warm engine: the diffusion pipeline loaded once, one render at a time.

Only the render worker thread calls :meth:`Engine.load` and :meth:`Engine.render`; the engine
holds the model and nothing else. Cancellation and progress go through the pipeline's
``callback(step, total)``: the callback raises :class:`RenderCancelled` to stop between steps.
"""

from __future__ import annotations

import inspect
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)


class EngineError(RuntimeError):
    """The model folder is missing or the pipeline failed to load."""


class RenderCancelled(Exception):
    """Raised inside the pipeline callback when the render was cancelled."""


@dataclass(frozen=True)
class RenderRequest:
    # No defaults for the sound's settings: they come from the slot (SlotParams), one source.
    slot: int
    prompt: str
    seed: int
    steps: int
    guidance: float
    duration: float
    strength: float
    negative: str = ""
    pitch: float | None = None  # None: the sound's own register (its seed's note)
    velocity: int = 100
    #: a sound to start from instead of a library sample (``/shot/vary``), mono at its rate
    init_audio: np.ndarray | None = field(default=None, compare=False, repr=False)
    init_sampling_rate: int | None = None
    #: apply the effects the prompt names to a sound started from ``init_audio`` (a restyle)
    effects: bool = False


@dataclass(frozen=True)
class Render:
    audio: np.ndarray  # float32 [n] mono
    sampling_rate: int
    root_note: float | None
    seed: int
    compute_seconds: float
    credit: str = ""  # the seeding library sample's source and licence (``/shot/credit``)


ProgressCallback = Callable[[float], None]


def check_model_dir(model_dir: Path) -> None:
    """Raise EngineError with a clear message when ``model_dir`` cannot hold a pipeline."""
    model_dir = Path(model_dir)
    if not model_dir.is_dir():
        raise EngineError(
            f"model folder {model_dir} not found: pass --model DIR with a saved Shotcaller "
            "pipeline (model_index.json inside), or train/download models/shotcaller-small")
    if not (model_dir / "model_index.json").is_file():
        raise EngineError(f"model folder {model_dir} has no model_index.json: not a saved "
                          "diffusers pipeline")


class Engine:
    """Wraps ``server.diffusion.pipeline.ShotcallerPipeline`` for the daemon."""

    def __init__(self, model_dir: Path, *, device: str = "auto", sample_rate: int = 44100,
                 threads: int = 0) -> None:
        self.model_dir = Path(model_dir)
        self.threads = threads
        self.device = device
        self.sample_rate = sample_rate
        self._pipe: Any = None

    @property
    def loaded(self) -> bool:
        return self._pipe is not None

    @property
    def name(self) -> str:
        """Model name for /shot/pong: the folder name the pipeline was loaded from."""
        name = getattr(self._pipe, "name", None)
        if isinstance(name, str) and name and name != "unsaved":
            return name
        return self.model_dir.name or str(self.model_dir)

    @property
    def max_duration(self) -> float | None:
        """Longest render the loaded model makes, in seconds (None before loading)."""
        value = getattr(self._pipe, "max_duration_in_s", None)
        return float(value) if value else None

    def load(self) -> None:
        check_model_dir(self.model_dir)
        import torch

        from server.diffusion.pipeline import load_pipeline

        # Oversubscribed CPU threads (the DAW, a training run) slow a small model 50x:
        # default to half the cores.
        threads = self.threads or max(1, min(4, (os.cpu_count() or 2) // 2))
        torch.set_num_threads(threads)
        t0 = time.perf_counter()
        try:
            self._pipe = load_pipeline(self.model_dir, device=self.device)
        except Exception as exc:
            raise EngineError(f"could not load the model from {self.model_dir}: {exc}") from exc
        log.info("model %s loaded in %.2f s (%d CPU threads)", self.name,
                 time.perf_counter() - t0, threads)

    def warm_up(self) -> float:
        """One short render so the first real prompt does not pay for lazy initialisation."""
        t0 = time.perf_counter()
        self.render(RenderRequest(slot=-1, prompt="warm-up kick", seed=0, steps=2, guidance=3.0,
                                  duration=0.25, strength=1.0), None, threading.Event())
        seconds = time.perf_counter() - t0
        log.info("warm-up render in %.2f s", seconds)
        return seconds

    def morph(self, audio_a: np.ndarray, audio_b: np.ndarray, *, t: float,
              root_a: float | None, root_b: float | None) -> Render:
        """The sound ``t`` of the way from A to B (both mono at the daemon's rate)."""
        from server.diffusion.sound_ops import morph

        return self._through_codec("morph", lambda codec: morph(
            codec, audio_a, audio_b, sampling_rate=self.sample_rate, t=t, root_a=root_a,
            root_b=root_b, output_sampling_rate=self.sample_rate))

    def transfer(self, content: np.ndarray, texture: np.ndarray, *,
                 root: float | None) -> Render:
        """The texture of one sound on the content (pitch, envelope) of another."""
        from server.diffusion.sound_ops import transfer

        return self._through_codec("transfer", lambda codec: (transfer(
            codec, content, texture, sampling_rate=self.sample_rate,
            output_sampling_rate=self.sample_rate), root))

    def _through_codec(self, what: str, compute: Callable[[Any], tuple[np.ndarray, Any]]
                       ) -> Render:
        """``compute(codec)`` → (audio, root) as a Render; no codec or bad audio: EngineError."""
        codec = getattr(self._pipe, "codec", None)
        if codec is None:
            raise EngineError(f"model {self.name} has no codec to {what} through")
        t0 = time.perf_counter()
        audio, root = compute(codec)
        if audio.size == 0 or not np.all(np.isfinite(audio)):
            raise EngineError(f"the {what} came out empty or non-finite")
        return Render(audio=audio, sampling_rate=self.sample_rate, root_note=root, seed=-1,
                      compute_seconds=time.perf_counter() - t0)

    def render(self, request: RenderRequest, progress: ProgressCallback | None,
               cancel: threading.Event) -> Render:
        """Render ``request``; raises ValueError for bad arguments, RenderCancelled on cancel."""
        if self._pipe is None:
            raise EngineError("engine not loaded")

        def callback(step: int, total: int) -> None:
            if cancel.is_set():
                raise RenderCancelled()
            if progress is not None and total:
                progress(min(1.0, step / total))  # step counts from 1

        if cancel.is_set():
            raise RenderCancelled()
        t0 = time.perf_counter()
        extra = {}
        if request.init_audio is not None:
            accepts = inspect.signature(self._pipe.__call__).parameters
            if "init_audio" not in accepts:
                raise EngineError(f"model {self.name} cannot start from a sound (vary)")
            # A variation keeps its source's pitch (the pipeline decodes onto the source).
            extra = {"init_audio": request.init_audio,
                     "init_sampling_rate": request.init_sampling_rate,
                     "tonal": request.pitch is not None}
            if "effects" in accepts:
                extra["effects"] = request.effects
        out = self._pipe(prompt=request.prompt, negative_prompt=request.negative,
                         pitch=request.pitch, velocity=request.velocity,
                         duration_in_s=request.duration, seed=request.seed,
                         num_inference_steps=request.steps, guidance_scale=request.guidance,
                         strength=request.strength, output_sampling_rate=self.sample_rate,
                         callback=callback, **extra)
        audio = np.ascontiguousarray(np.asarray(out.audios, dtype=np.float32).reshape(-1))
        if audio.size == 0 or not np.all(np.isfinite(audio)):
            raise EngineError("the model returned empty or non-finite audio")
        root = None if out.root_note is None else float(out.root_note)
        return Render(audio=audio, sampling_rate=int(out.sampling_rate), root_note=root,
                      seed=int(out.seed), compute_seconds=time.perf_counter() - t0,
                      credit=str(getattr(out, "credit", "") or ""))
