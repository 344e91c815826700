"""Note-on → WAV: look up the slot, repitch its current render, apply gain, write atomically.

The player never touches the model: a note on a rendered slot costs a cache lookup (or one
soxr resample), a multiply and a file write. Repitched versions are cached per
(render, note, mode) in a bounded LRU and prepared in the background when a render lands, so
the note-on path usually skips the resample.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from server.audio_io import load_mono

from .repitch import repitch
from .slots import Slot
from .wavout import Scratch, write_note_wav

log = logging.getLogger(__name__)


class SlotEmpty(LookupError):
    """The slot has no render to play."""


@dataclass(frozen=True)
class PlayedNote:
    note: int
    slot: int
    path: Path


class NotePlayer:
    def __init__(self, notes_dir: Path, *, sample_rate: int, wav_format: str = "pcm24",
                 max_note_seconds: float = 10.0, cache_bytes: int = 256 << 20) -> None:
        self.notes_dir = Path(notes_dir)
        self.notes_dir.mkdir(parents=True, exist_ok=True)
        self.sample_rate = sample_rate
        self.wav_format = wav_format
        self.max_note_seconds = max_note_seconds
        self._cache_bytes = cache_bytes
        self._lock = threading.Lock()
        self._sources: OrderedDict[str, np.ndarray] = OrderedDict()  # render path → audio
        self._pitched: OrderedDict[tuple[str, int, str, float], np.ndarray] = OrderedDict()
        self._pitched_bytes = 0
        self._scratch = Scratch()  # packing buffers kept between notes

    def source(self, path: str) -> np.ndarray:
        """The render's audio at the host rate (decoded once)."""
        with self._lock:
            y = self._sources.get(path)
            if y is not None:
                self._sources.move_to_end(path)
                return y
        y, _ = load_mono(path, sr=self.sample_rate)
        with self._lock:
            self._sources[path] = y
            while len(self._sources) > 64:
                self._sources.popitem(last=False)
        return y

    def forget(self, path: str) -> None:
        """Drop cached audio of a replaced render."""
        with self._lock:
            self._sources.pop(path, None)
            for key in [k for k in self._pitched if k[0] == path]:
                self._pitched_bytes -= self._pitched.pop(key).nbytes

    def pitched(self, slot: Slot, note: int, repitched: bool) -> np.ndarray:
        """The slot's render moved from its root to ``note`` (unchanged for drum keys)."""
        render = slot.render
        if render is None:
            raise SlotEmpty(f"slot {slot.index} has no render")
        root = slot.playback_root()
        semitones = (note - root) if repitched else 0.0
        key = (render.path, note if repitched else -1, slot.params.repitch, root)
        with self._lock:
            y = self._pitched.get(key)
            if y is not None:
                self._pitched.move_to_end(key)
                return y
        y = repitch(self.source(render.path), sr=self.sample_rate, semitones=semitones,
                    mode=slot.params.repitch, max_seconds=self.max_note_seconds)
        with self._lock:
            if key not in self._pitched:
                self._pitched[key] = y
                self._pitched_bytes += y.nbytes
            while self._pitched_bytes > self._cache_bytes and len(self._pitched) > 1:
                self._pitched_bytes -= self._pitched.popitem(last=False)[1].nbytes
        return y

    def play(self, slot: Slot, note: int, velocity: int, repitched: bool) -> PlayedNote:
        """Write the note's WAV (``NOTES/note_060.wav``) and return where it is."""
        y = self.pitched(slot, note, repitched)
        gain = slot.params.gain * (velocity / 127.0)
        path = write_note_wav(self.notes_dir / f"note_{note:03d}.wav", y, gain=gain,
                              sr=self.sample_rate, fmt=self.wav_format, scratch=self._scratch)
        return PlayedNote(note, slot.index, path)

    def prepare(self, slot: Slot, notes: list[int], stop: threading.Event) -> int:
        """Fill the cache for ``notes`` of ``slot`` (background thread); returns how many."""
        done = 0
        for note in notes:
            if stop.is_set():
                break
            try:
                self.pitched(slot, note, True)
            except (SlotEmpty, ValueError, OSError) as exc:
                log.debug("prepare slot %d note %d: %s", slot.index, note, exc)
                break
            done += 1
        return done
