"""The daemon: wires config → slot bank, engine + render queue, note player, presets, OSC, MIDI.

Every public method is one command of the OSC address space (the handlers in
``handlers.py`` call them with validated arguments). A method raises ValueError for a request
it refuses (the OSC layer answers ``/shot/error``); asynchronous results and failures are
sent as replies from the worker thread.

A change of parameters, keymap or prompt is handed to the slot bank's writer and takes effect
(and is answered) once it is on disk; the OSC receive thread never waits for a write, so a note
is never held up by a fader. A write the disk refuses is answered with ``/shot/error`` naming
the command, the path and the OS's message, and changes nothing.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from bridge import keymap as keymaps
from bridge.midi_in import MidiEvent, MidiInput, MidiUnavailable
from bridge.osc_server import OscServer, open_socket
from bridge.replies import Address, Replies
from bridge.spec import OscArgumentError, Validator, load_spec
from server import __version__
from server.atomic_file import describe_os_error, link_or_copy
from server.audio_io import AudioReadError, load_mono, write_wav_atomic
from server.diffusion.prompt_words import prompt_qualities
from server.diffusion.restyle_moves import restyle_duration, variation_strength
from server.pitch import detect_root

from .config import DaemonConfig
from .engine import Engine, EngineError, RenderRequest, check_model_dir
from .folder_lock import FolderLock
from .housekeeping import empty_trash, move_to_trash, use_cache_folder
from .player import NotePlayer, SlotEmpty
from .preparer import CachePreparer
from .presets import PresetError, PresetLibrary
from .render_queue import Job, QueueEvents, RenderQueue
from .slots import (
    MAIN_BANK,
    BankState,
    Slot,
    SlotBank,
    SlotRender,
    bank_change,
    check_bank_name,
    highest_render_id,
    keymap_change,
    next_bank_number,
    params_change,
    render_file_name,
    taken_change,
    wanted_change,
)
from .state import StateStore

log = logging.getLogger(__name__)

SUBTYPES = {"pcm24": "PCM_24", "float": "FLOAT"}
#: seconds a bank stays held by the front end that last used it (front ends ping each 1-2 s);
#: another sender opening it meanwhile is a copy (a duplicated track) and gets a bank of its own
BANK_HOLD_S = 10.0
CACHE_KEYS = frozenset({"root", "repitch"})  # keys that change what a note's repitch produces


def next_seed(last: int) -> int:
    """The seed of a slot's next render when its seed is -1: the one after its last render's
    (consecutive seeds draw far-apart library matches, ``retrieval.seed_draw``, so re-rolling a
    prompt walks its matches instead of repeating them), or a random one. A variation always
    draws a random one (repeated calls give different sounds). Seeds fit the int32 of
    ``/shot/ready``."""
    return (last + 1) % 2**31 if last >= 0 else random.randrange(2**31)


class Daemon:
    def __init__(self, config: DaemonConfig) -> None:
        config.validate()
        self.config = config
        self.slots_dir = Path(config.slots)
        self.renders_dir = self.slots_dir / "renders"
        self.trash_dir = self.slots_dir / "trash"
        self.slots_dir.mkdir(parents=True, exist_ok=True)
        self.lock = FolderLock(self.slots_dir).acquire()  # before anything reads or writes
        for folder in (self.renders_dir, config.import_dir):
            folder.mkdir(parents=True, exist_ok=True)
        use_cache_folder(config.cache_dir)
        self.validator = Validator(config.num_slots)
        self.bank = SlotBank(config.num_slots,
                             StateStore(self.slots_dir / "state.json", fsync=config.fsync,
                                        num_slots=config.num_slots),
                             renders_dir=self.renders_dir)
        self.engine = Engine(config.model, device=config.device, sample_rate=config.sample_rate,
                             threads=config.threads)
        self.queue = RenderQueue(QueueEvents(started=self._job_started,
                                             progress=self._job_progress,
                                             finished=self._job_finished,
                                             failed=self._job_failed,
                                             cancelled=self._job_cancelled,
                                             superseded=self._job_superseded,
                                             discarded=self._job_discarded))
        self.player = NotePlayer(self.slots_dir / "notes", sample_rate=config.sample_rate,
                                 wav_format=config.wav_format,
                                 max_note_seconds=config.max_note_seconds)
        self.preparer = CachePreparer(self.player, nice=config.render_nice)
        self.presets = PresetLibrary(config.user_presets, config.shipped_presets,
                                     config.num_slots)
        # bank -> (its keymap items in the state, parsed): parsed once per change
        self._keymaps: dict[str, tuple[Any, keymaps.Keymap]] = {}
        self._holders: dict[str, tuple[Address, float]] = {}  # bank -> (sender, last heard)
        self.sock = None
        self.replies: Replies | None = None
        self.osc: OscServer | None = None
        self.midi: MidiInput | None = None
        self.stopped = threading.Event()
        self.exit_code = 0
        self._stopping = False
        self._pending_notes: dict[int, list[tuple[int, int, Address | None, bool]]] = {}
        self._lock = threading.Lock()
        self._last_slot = 0
        self._started_at = time.perf_counter()

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self) -> None:
        """Bind OSC, restore state, open MIDI, load the model on the worker; return at once."""
        check_model_dir(self.config.model)
        loaded = self.bank.restore()
        # Ids go up across the files on disk too: after a lost or older state, a new render
        # must not be written over a render that state did not know.
        self.bank.reserve_render_ids(highest_render_id(self.renders_dir, self.trash_dir))
        if loaded.clean:
            self._remove_orphan_renders()
        else:  # renders only the lost state knew must not be collected
            log.warning("state: %s; renders are not cleaned up until a state loads as saved",
                        "; ".join(loaded.problems))
        restored = self.bank.wanted_slots()
        self._apply_configured_keymap()
        self.sock = open_socket(self.config.osc_host, self.config.osc_port)
        self.replies = Replies(self.sock, reply_port=self.config.reply_port,
                               reply_host=self.config.reply_host)
        from .handlers import build_handlers

        self.osc = OscServer(self.sock, self.validator, self.replies, build_handlers(self))
        self.osc.start()
        log.info("OSC on udp://%s:%d (replies: %s)", self.config.osc_host, self.osc.port,
                 f"port {self.config.reply_port}" if self.config.reply_port else "to sender")
        self._open_midi()
        for index in restored:
            log.info("slot %d: render interrupted before the restart, queued again", index)
            self._queue_render(index, None, "/shot/render")
        self.queue.start(self._load_engine, self._on_ready, self._on_startup_error,
                         nice=self.config.render_nice)

    def _load_engine(self) -> None:
        self.engine.load()
        if self.config.warmup:
            self.engine.warm_up()

    def _on_ready(self) -> None:
        seconds = time.perf_counter() - self._started_at
        state = self.bank.latest_state()
        log.info("ready: model %s, %d bank(s) of %d slots, keymap %s, in %.2f s",
                 self.engine.name, len(state.banks), self.config.num_slots,
                 self._keymap(state, MAIN_BANK).name, seconds)
        if self.config.reply_port is not None:
            self.ping(None)
        for slot in self.bank.all():
            self._prepare_cache(slot)

    def _on_startup_error(self, exc: BaseException) -> None:
        log.error("model failed to load: %s", exc)
        self.exit_code = 1
        self.stopped.set()

    def _open_midi(self) -> None:
        if self.config.midi_api == "none":
            log.info("MIDI disabled (midi_api = none)")
            return
        midi = MidiInput(self._on_midi, api=self.config.midi_api,
                         port_name=self.config.midi_port,
                         virtual_name=self.config.virtual_midi or "Shotcaller")
        try:
            log.info("MIDI input: %s", midi.open())
            self.midi = midi
        except MidiUnavailable as exc:
            if self.config.midi_port or self.config.midi_api != "auto":
                raise
            log.warning("MIDI off: %s (OSC /shot/note still plays notes)", exc)

    def stop(self) -> None:
        """Close MIDI and OSC, stop the worker (an unfinished render stays wanted)."""
        if self._stopping:
            return
        self._stopping = True
        self.preparer.stop()
        if self.midi is not None:
            self.midi.close()
        self.queue.stop()
        self.bank.close()
        if self.osc is not None:
            self.osc.stop()
            log.info("OSC: %d datagrams, %d errors, %d replies", self.osc.received,
                     self.osc.errors, self.replies.sent if self.replies else 0)
        if self.sock is not None:
            self.sock.close()
        self.lock.release()
        self.stopped.set()
        log.info("stopped")

    def _apply_configured_keymap(self) -> None:
        """``--keymap`` (or the config file's) replaces the main bank's saved keymap."""
        if self.config.keymap:
            km = keymaps.resolve(self.config.keymap, num_slots=self.config.num_slots,
                                 chromatic_slot=self.config.chromatic_slot)
            self.bank.set_keymap(km.to_dict())

    def _keymap(self, state: BankState, bank: str) -> keymaps.Keymap:
        """``bank``'s keymap in ``state`` (drums when it has none or it does not parse)."""
        found = state.bank(bank)
        items = found.keymap if found is not None else ()
        cached = self._keymaps.get(bank)
        if cached is not None and cached[0] == items:
            return cached[1]
        parsed = keymaps.drums(self.config.num_slots)
        if items:
            try:
                parsed = keymaps.Keymap.from_dict(dict(items), self.config.num_slots)
            except keymaps.KeymapError as exc:
                log.warning("bank %s: saved keymap ignored: %s", bank, exc)
        self._keymaps[bank] = (items, parsed)
        return parsed

    # -- banks: the daemon's slot index of a bank's slot, and back ---------------------------
    def slot_index(self, bank: str, slot: int) -> int:
        return self.bank.slot_index(bank, slot)

    def _local(self, index: int) -> int:
        return self.bank.local(index)

    def _remove_orphan_renders(self) -> None:
        """Move renders the (cleanly loaded) state does not refer to into ``trash/``."""
        keep = {p.resolve() for p in self.bank.referenced_paths()}
        moved = 0
        for path in self.renders_dir.glob("*.wav*"):
            if path.resolve() not in keep and not self.bank.is_taken(path):
                try:
                    move_to_trash(path, self.trash_dir)
                    moved += 1
                except OSError as exc:
                    log.warning("render %s not moved to the trash: %s", path.name, exc)
        removed = empty_trash(self.trash_dir)
        if moved or removed:
            log.info("clean-up: %d unreferenced render(s) moved to %s, %d old one(s) deleted "
                     "from it", moved, self.trash_dir, removed)

    def _discard_render(self, path: str) -> None:
        """A render no slot plays any more (superseded or cancelled): delete it now, unless a
        front end has taken it (``/shot/take``: a Live set refers to the file).

        The one rule for superseded renders, at re-render and at start-up alike; the plugin
        embeds the sounds it uses in its project instead."""
        self.player.forget(path)
        if self.bank.is_taken(path):
            return
        try:
            Path(path).unlink(missing_ok=True)
        except OSError as exc:
            log.warning("superseded render %s not deleted: %s", path, exc)

    # -- commands: status --------------------------------------------------------------------
    def ping(self, sender: Address | None) -> None:
        state = "ready" if self.queue.ready.is_set() else "loading"
        self._reply(sender, "/shot/pong", __version__, self._model_name(), state)

    def _model_name(self) -> str:
        return self.engine.name if self.engine.loaded else Path(self.config.model).name

    def get(self, slot: int, sender: Address | None) -> None:
        self._reply(sender, "/shot/slot", *self._slot_args(self.bank.get(slot)))

    def state(self, bank: str, sender: Address | None) -> None:
        slots = self.bank.bank_slots(bank, self.bank.latest_state())
        for s in slots:
            self._reply(sender, "/shot/slot", *self._slot_args(s))
        self._reply(sender, "/shot/state/done", len(slots))

    def _slot_args(self, s: Slot) -> tuple[Any, ...]:
        p = s.params
        if self.queue.busy(s.index):
            status = "rendering"
        elif s.render is not None:
            status = "ready"
        else:
            status = "empty" if not p.prompt else "idle"
        return (self._local(s.index), status, p.prompt, p.negative, p.seed, p.steps,
                p.guidance, p.duration, p.strength,
                s.playback_root() if s.render else p.root, p.repitch, p.gain,
                s.render.path if s.render else "")

    # -- commands: slots and renders ---------------------------------------------------------
    def prompt(self, slot: int, text: str, sender: Address | None) -> None:
        def saved(state: BankState) -> None:
            self._queue_render(slot, sender, "/shot/prompt")

        self._commit(params_change(slot, prompt=text, want_render=True), sender, "/shot/prompt",
                     saved)

    def set_param(self, slot: int, key: str, value: Any, sender: Address | None) -> None:
        longest = self.engine.max_duration
        if key == "duration" and longest is not None and value > longest + 1e-6:
            raise ValueError(f"duration: {value} s is longer than the model renders "
                             f"({longest:.3f} s)")

        def saved(state: BankState) -> None:
            updated = state.slots[slot]
            if key in CACHE_KEYS:
                self._prepare_cache(updated)
            self._reply(sender, "/shot/slot", *self._slot_args(updated))

        self._commit(params_change(slot, **{key: value}), sender, "/shot/set", saved)

    def render(self, slot: int, sender: Address | None) -> None:
        if not self.bank.latest(slot).params.prompt:
            n = self._local(slot)
            raise ValueError(f"slot {n} has no prompt: send /shot/prompt {n} TEXT first")
        self._render_after_commit(slot, sender, "/shot/render", only_if_idle=False)

    def cancel(self, slot: int, sender: Address | None) -> None:
        if not self.queue.cancel(slot):
            raise ValueError(f"slot {self._local(slot)}: nothing queued or rendering")
        self._commit(wanted_change(slot, False), sender, "/shot/cancel")

    def take(self, slot: int, path: str, sender: Address | None) -> None:
        """Mark a render of ``slot`` as taken by a front end: the daemon never deletes it."""
        full = Path(path).resolve()
        if full.parent != self.renders_dir.resolve() or not full.is_file():
            raise ValueError(f"path {path!r} is not a render in {self.renders_dir}")
        prefix = render_file_name(slot, 0).split("-r")[0] + "-r"
        if not full.name.startswith(prefix):
            raise ValueError(f"{full.name} is not a render of slot {self._local(slot)}")
        self._commit(taken_change({full.name}), sender, "/shot/take",
                     lambda state: self._reply(sender, "/shot/taken", self._local(slot),
                                               str(full)))

    def _render_after_commit(self, slot: int, sender: Address | None, address: str, *,
                             only_if_idle: bool = True) -> None:
        """Mark the slot's render wanted (so a restart redoes it), then queue it once the
        changes queued before it are committed. A render is tried even if the mark cannot be
        saved: its own write then says what the disk said."""
        def done(state: BankState | None, exc: BaseException | None) -> None:
            if exc is not None:
                log.warning("slot %d: render not marked in the state: %s", slot, exc)
            if not (only_if_idle and self.queue.busy(slot)):
                self._queue_render(slot, sender, address)

        self.bank.submit(wanted_change(slot, True), done)

    def _commit(self, change: Any, sender: Address | None, address: str,
                then: Any = None) -> None:
        """Hand ``change`` to the bank's writer; ``then(state)`` runs once it is on disk, an
        error is answered under ``address`` (the command that asked)."""
        def done(state: BankState | None, exc: BaseException | None) -> None:
            if exc is None:
                if then is not None:
                    then(state)
                return
            if isinstance(exc, OSError):
                message = f"not saved, nothing changed: {describe_os_error(exc)}"
            else:
                message = str(exc)
            if self.replies is not None:
                self.replies.error(sender, address, message)
            log.error("%s: %s", address, message)

        self.bank.submit(change, done)

    def load_sample(self, slot: int, path: str, root: float | None,
                    sender: Address | None) -> None:
        source = self._import_path(path)
        rate = self.config.sample_rate
        subtype = SUBTYPES[self.config.wav_format]
        render_id = self.bank.new_render_id()
        out = self.renders_dir / render_file_name(slot, render_id)

        def run(progress: Any, cancel: threading.Event) -> SlotRender:
            try:
                y, _ = load_mono(source, sr=rate)
            except AudioReadError as exc:
                raise ValueError(f"cannot read {path!r}: {exc}") from exc
            progress(0.5)
            found = root if root is not None else detect_root(y, sr=rate)
            if found is None:
                raise ValueError(f"no pitch detected in {path!r}: pass the root note "
                                 "(/shot/load slot path root)")
            write_wav_atomic(out, y, sr=rate, subtype=subtype)
            return SlotRender(str(out), float(found), y.size / rate, -1, render_id, "import")

        self.queue.submit(Job(slot, "import", run, sender, address="/shot/load"))

    def _import_path(self, path: str) -> Path:
        """Resolve ``path`` inside an allowed import folder, else raise ValueError."""
        roots = [Path(r).resolve() for r in self.config.allowed_import_dirs]
        candidate = Path(path)
        full = (candidate if candidate.is_absolute() else roots[0] / candidate).resolve()
        if not any(full.is_relative_to(r) for r in roots):
            raise ValueError(f"path {path!r} is outside the import folders "
                             f"({', '.join(str(r) for r in roots)})")
        if not full.is_file():
            raise ValueError(f"no such file {path!r} in the import folder")
        return full

    def vary(self, slot: int, sender: Address | None) -> None:
        """A new sound near the slot's current one (rendered or imported): its latent noised to
        the slot's strength and denoised with its prompt, a new seed each time."""
        audio, root = self._current_sound(slot, "vary")
        self._queue_render(slot, sender, "/shot/vary", init=(audio, root))

    def restyle(self, slot: int, text: str, sender: Address | None) -> None:
        """The slot's sound moved toward ``text`` (noised to its strength, denoised with the new
        text, its pitch kept); the slot's own prompt stays for the next /shot/render."""
        audio, root = self._current_sound(slot, "restyle")
        self._queue_render(slot, sender, "/shot/restyle", init=(audio, root), prompt=text)

    def morph(self, a: int, b: int, t: float, dest: int, sender: Address | None) -> None:
        """The sound ``t`` of the way from slot ``a``'s to slot ``b``'s, into slot ``dest``."""
        self._two_slots(a, b, "morph")
        audio_a, root_a = self._current_sound(a, "morph")
        audio_b, root_b = self._current_sound(b, "morph")
        self._queue_sound_op(dest, sender, "morph", lambda: self.engine.morph(
            audio_a, audio_b, t=t, root_a=root_a, root_b=root_b), self._credits(a, b))

    def transfer(self, a: int, b: int, dest: int, sender: Address | None) -> None:
        """The texture of slot ``b``'s sound on the content (pitch, envelope) of ``a``'s."""
        self._two_slots(a, b, "transfer")
        audio_a, root_a = self._current_sound(a, "transfer")
        audio_b, _ = self._current_sound(b, "transfer")
        self._queue_sound_op(dest, sender, "transfer", lambda: self.engine.transfer(
            audio_a, audio_b, root=root_a), self._credits(a, b))

    def _two_slots(self, a: int, b: int, what: str) -> None:
        """A morph or transfer takes two sounds: the same slot twice is a mistake, said so."""
        if a == b:
            raise ValueError(f"{what} needs two different slots: a and b are both slot "
                             f"{self._local(a)}")

    def _credits(self, *slots: int) -> str:
        """The credits of the slots' current sounds, each once (a morph owes both)."""
        renders = [self.bank.latest(i).render for i in slots]
        return "; ".join(dict.fromkeys(r.credit for r in renders if r is not None and r.credit))

    def credit(self, slot: int, sender: Address | None) -> None:
        self._reply(sender, "/shot/credit", self._local(slot), self._credits(slot))

    def _queue_sound_op(self, dest: int, sender: Address | None, kind: str,
                        compute: Any, credit: str = "") -> None:
        """Run ``compute()`` (an engine method) on the render worker; its sound goes to ``dest``."""
        subtype = SUBTYPES[self.config.wav_format]

        def run(progress: Any, cancel: threading.Event) -> SlotRender:
            result = compute()
            render_id = self.bank.new_render_id()
            out = self.renders_dir / render_file_name(dest, render_id)
            write_wav_atomic(out, result.audio, sr=result.sampling_rate, subtype=subtype)
            log.info("slot %d: %s in %.2f s", dest, kind, result.compute_seconds)
            return SlotRender(str(out), result.root_note, result.audio.size / result.sampling_rate,
                              -1, render_id, "model", credit)

        self.queue.submit(Job(dest, kind, run, sender, address=f"/shot/{kind}"))

    def _current_sound(self, slot: int, what: str) -> tuple[Any, float | None]:
        """The slot's current sound (audio at the host rate) and its root, or ValueError."""
        current = self.bank.latest(slot)
        if current.render is None:
            raise ValueError(f"slot {self._local(slot)} has no sound to {what}: render or "
                             "/shot/load one first")
        try:
            audio = self.player.source(current.render.path)
        except (AudioReadError, OSError) as exc:
            raise ValueError(f"slot {self._local(slot)}: cannot read its sound: {exc}") from exc
        return audio, current.render.root

    def _queue_render(self, slot: int, sender: Address | None, address: str,
                      init: tuple[Any, float | None] | None = None,
                      prompt: str | None = None) -> None:
        current = self.bank.get(slot)
        params = current.params
        seed = params.seed if params.seed >= 0 and init is None else next_seed(
            current.render.seed if current.render is not None and init is None else -1)
        pitch = int(round(params.root)) if params.root >= 0 else None
        restyle = prompt is not None  # new words: their effects apply to the sound
        prompt, guidance = prompt or params.prompt, params.guidance
        extra: dict[str, Any] = {}
        if init is not None:
            audio, root = init
            pitch = root  # its own root, to the cent: a variation keeps its source's pitch
            if not prompt:  # an imported sound: vary it unguided
                prompt, guidance = "one-shot sample", 0.0
            longest = self.engine.max_duration or params.duration
            extra = {"init_audio": audio, "init_sampling_rate": self.config.sample_rate,
                     "effects": restyle}
            # as long as its source (a "long" restyle longer), within what the model renders
            duration = restyle_duration(audio.size / self.config.sample_rate,
                                        prompt_qualities(prompt) if restyle else set(), longest)
            # a variation's strength is a distance; a restyle's, the noise its words work on
            strength = params.strength if restyle else variation_strength(params.strength)
        else:
            duration, strength = params.duration, params.strength
        request = RenderRequest(slot=slot, prompt=prompt, negative=params.negative,
                                seed=seed, steps=params.steps, guidance=guidance,
                                duration=duration, strength=strength,
                                pitch=pitch, **extra)
        subtype = SUBTYPES[self.config.wav_format]
        # A variation owes what its source sound owed; a render from text, its library seed.
        inherited = self._credits(slot) if init is not None else None

        def run(progress: Any, cancel: threading.Event) -> SlotRender:
            result = self.engine.render(request, progress, cancel)
            render_id = self.bank.new_render_id()
            out = self.renders_dir / render_file_name(slot, render_id)
            write_wav_atomic(out, result.audio, sr=result.sampling_rate, subtype=subtype)
            log.info("slot %d rendered %r in %.2f s (seed %d)", slot, request.prompt,
                     result.compute_seconds, result.seed)
            return SlotRender(str(out), result.root_note, result.audio.size / result.sampling_rate,
                              result.seed, render_id, "model",
                              result.credit if inherited is None else inherited)

        kind = "render" if init is None else address.removeprefix("/shot/")
        self.queue.submit(Job(slot, kind, run, sender, address=address))

    # -- worker events (render-worker thread) ------------------------------------------------
    def _job_started(self, job: Job) -> None:
        self._reply(job.reply_to, "/shot/progress", self._local(job.slot), 0.0)

    def _job_progress(self, job: Job, fraction: float) -> None:
        self._reply(job.reply_to, "/shot/progress", self._local(job.slot), fraction)

    def _job_finished(self, job: Job, render: SlotRender) -> None:
        try:
            slot, old = self.bank.install_render(job.slot, render,
                                                 still_wanted=self.queue.has_pending(job.slot))
        except OSError as exc:  # the render is not in the state: it must not stay on disk
            self._discard_render(render.path)
            self._job_failed(job, exc)
            return
        if old is not None and old.path != render.path:
            self._discard_render(old.path)
        root = render.root if render.root is not None else -1.0
        self._reply(job.reply_to, "/shot/ready", self._local(job.slot), render.path, root,
                    render.seconds, render.seed)
        self._play_pending(slot)
        self._prepare_cache(slot)

    def _job_failed(self, job: Job, exc: BaseException) -> None:
        if isinstance(exc, OSError):  # disk full, permissions: say which file and why
            message = f"{job.kind} failed: {describe_os_error(exc)}"
        elif isinstance(exc, (ValueError, EngineError)):
            message = str(exc)
        else:
            message = f"{job.kind} failed: {type(exc).__name__}: {exc}"
        if not self.queue.has_pending(job.slot):
            self.bank.submit(wanted_change(job.slot, False))
        n = self._local(job.slot)
        self._reply(job.reply_to, "/shot/error", job.address, f"slot {n}: {message}")
        for note, _, sender, _ in self._take_pending(job.slot):
            self._reply(sender, "/shot/error", "/shot/note",
                        f"note {note}: slot {n} render failed: {message}")

    def _job_cancelled(self, job: Job) -> None:
        if self._stopping:
            return  # shutting down: the render stays wanted and is queued after a restart
        newer = self.queue.pending(job.slot)
        if newer is not None:  # superseded while running
            self._job_superseded(job, newer)
            return
        self.bank.submit(wanted_change(job.slot, False))
        self._reply(job.reply_to, "/shot/cancelled", self._local(job.slot))
        for note, _, sender, _ in self._take_pending(job.slot):
            self._reply(sender, "/shot/error", "/shot/note",
                        f"note {note}: slot {self._local(job.slot)} render was cancelled")

    def _job_superseded(self, old: Job, new: Job) -> None:
        """A newer request took the slot: a different sender hears its render was cancelled
        (the newer request's own sender gets the newer render's replies)."""
        if old.reply_to is not None and old.reply_to != new.reply_to:
            self._reply(old.reply_to, "/shot/cancelled", self._local(old.slot))

    def _job_discarded(self, job: Job, result: Any) -> None:
        if isinstance(result, SlotRender):
            self._discard_render(result.path)

    # -- notes -------------------------------------------------------------------------------
    def note(self, note: int, velocity: int, sender: Address | None,
             bank: str = MAIN_BANK) -> None:
        """A note-on: play the mapped slot of ``bank`` now, or queue its first render and play
        after.

        The keymap and the slot are the newest asked for, committed or on their way to disk
        (one snapshot): a note sent right after ``/shot/keymap`` or a gain change plays with
        it (two ``oscsend`` calls are two senders, so no per-sender order would do), and a
        note never waits for the disk; a write the disk refuses takes the change back for
        notes too."""
        if velocity == 0:
            return  # note-off: one-shots ignore it
        wanted = self.bank.latest_state()
        keymap = self._keymap(wanted, bank)
        target = keymap.lookup(note)
        if target is None:
            raise ValueError(f"note {note} is not mapped by keymap {keymap.name}")
        index = self.bank.slot_index(bank, target.slot)
        if bank == MAIN_BANK:  # MIDI CCs without a slot follow the last note of the main bank
            self._last_slot = index
        slot = wanted.slots[index]
        if slot.render is None:
            if not slot.params.prompt:
                raise ValueError(f"note {note}: slot {target.slot} is empty "
                                 f"(send /shot/prompt {target.slot} TEXT or /shot/load)")
            with self._lock:
                self._pending_notes.setdefault(index, []).append(
                    (note, velocity, sender, target.repitch))

            if not self.queue.busy(index):
                self._render_after_commit(index, sender, "/shot/note")
            return
        try:
            played = self.player.play(slot, note, velocity, target.repitch)
        except SlotEmpty as exc:
            raise ValueError(str(exc)) from exc
        self._reply(sender, "/shot/note/ready", note, str(played.path),
                    self._local(played.slot))

    def _take_pending(self, slot: int) -> list[tuple[int, int, Address | None, bool]]:
        with self._lock:
            return self._pending_notes.pop(slot, [])

    def _play_pending(self, slot: Slot) -> None:
        for note, velocity, sender, repitched in self._take_pending(slot.index):
            try:
                played = self.player.play(slot, note, velocity, repitched)
            except (SlotEmpty, ValueError, OSError) as exc:
                self._reply(sender, "/shot/error", "/shot/note", f"note {note}: {exc}")
                continue
            self._reply(sender, "/shot/note/ready", note, str(played.path),
                        self._local(played.slot))

    def _prepare_cache(self, slot: Slot) -> None:
        """Repitch the slot's render for its chromatic keys in the background."""
        if slot.render is None:
            return
        state = self.bank.latest_state()
        own = self.bank.bank_of(slot.index, state)
        notes = self._keymap(state, own.name).chromatic_notes(self._local(slot.index))
        if not notes:
            return
        root = slot.playback_root()
        span = self.config.prewarm_semitones
        notes = sorted((n for n in notes if abs(n - root) <= span), key=lambda n: abs(n - root))
        self.preparer.request(slot, notes)

    def _on_midi(self, event: MidiEvent) -> None:
        if event.kind == "note_on":
            try:
                self.note(event.number, event.value, None)
            except ValueError as exc:
                self._reply(None, "/shot/error", "/shot/note", str(exc))
        elif event.kind == "control_change":
            self._on_cc(event.number, event.value)

    def _on_cc(self, number: int, value: int) -> None:
        for m in self.config.cc:
            if m.cc != number:
                continue
            slot = m.slot if m.slot is not None else self._last_slot
            scaled = m.lo + (m.hi - m.lo) * value / 127.0
            keys = load_spec()["slot_keys"]
            try:
                if keys[m.key]["type"] == "i":
                    scaled = int(round(scaled))
                checked = self.validator.check_value(keys[m.key], m.key, scaled)
            except (KeyError, OscArgumentError) as exc:
                self._reply(None, "/shot/error", "/shot/set", f"cc {number}: {exc}")
                continue

            def saved(state: BankState, index: int = slot, key: str = m.key) -> None:
                if key in CACHE_KEYS:
                    self._prepare_cache(state.slots[index])

            self._commit(params_change(slot, **{m.key: checked}), None, "/shot/set", saved)

    # -- keymap and presets ------------------------------------------------------------------
    def set_keymap(self, name: str, slot: int, sender: Address | None,
                   bank: str = MAIN_BANK) -> None:
        km = keymaps.resolve(name, num_slots=self.config.num_slots, chromatic_slot=slot)

        def saved(state: BankState) -> None:
            for s in self.bank.bank_slots(bank, state):
                self._prepare_cache(s)
            self._reply(sender, "/shot/keymap", km.name, slot if name == "chromatic" else -1)

        self._commit(keymap_change(km.to_dict(), bank), sender, "/shot/keymap", saved)

    def preset_load(self, name: str, sender: Address | None, bank: str = MAIN_BANK) -> None:
        try:
            preset = self.presets.load(name)
        except PresetError as exc:
            raise ValueError(str(exc)) from exc
        km = None
        if preset.keymap:
            km = keymaps.resolve(preset.keymap, num_slots=self.config.num_slots,
                                 chromatic_slot=min(preset.slots or [0]))
        first = self.bank.slot_index(bank, 0)
        changes = [params_change(first + index, want_render=bool(params.prompt),
                                 **{f: getattr(params, f) for f in params.__dataclass_fields__})
                   for index, params in preset.slots.items()]
        if km is not None:
            changes.append(keymap_change(km.to_dict(), bank))

        def change(state: BankState) -> BankState:  # one commit: all of the kit or none
            for one in changes:
                state = one(state)
            return state

        def saved(state: BankState) -> None:
            self._reply(sender, "/shot/preset/loaded", name, len(preset.slots))
            for index, params in sorted(preset.slots.items()):
                if params.prompt:
                    self._queue_render(first + index, sender, "/shot/preset/load")

        self._commit(change, sender, "/shot/preset/load", saved)

    def preset_save(self, name: str, sender: Address | None, bank: str = MAIN_BANK) -> None:
        state = self.bank.latest_state()
        slots = {self._local(s.index): replace(s.params)
                 for s in self.bank.bank_slots(bank, state) if s.params.prompt}
        current = self._keymap(state, bank).name
        keymap = current if current in ("drums", "chromatic") else None
        try:
            path = self.presets.save(name, slots, keymap)
        except PresetError as exc:
            raise ValueError(str(exc)) from exc
        except OSError as exc:
            raise ValueError(f"preset {name!r} not saved: {describe_os_error(exc)}") from exc
        self._reply(sender, "/shot/preset/saved", name, str(path))

    def preset_list(self, page: int, sender: Address | None) -> None:
        try:
            names, pages = self.presets.page(page)
        except PresetError as exc:
            raise ValueError(str(exc)) from exc
        self._reply(sender, "/shot/preset/list", page, pages, *names)

    # -- banks -------------------------------------------------------------------------------
    def use_bank(self, name: str, sender: Address | None) -> None:
        """``/shot/bank NAME``: the rest of the datagram speaks of bank ``name`` (made, empty,
        if new); its sender holds the bank for ``BANK_HOLD_S``."""
        check_bank_name(name)
        if self.bank.latest_state().bank(name) is None:
            self.bank.submit(bank_change(name, self.config.num_slots))
            log.info("bank %s: new", name)
        # a copy that never opened its own bank must not take the original's hold
        if sender is not None and self._other_holder(name, sender) is None:
            self._holders[name] = (sender, time.monotonic())

    def open_bank(self, name: str, sender: Address | None) -> None:
        """``/shot/bank/open NAME``: a front end (re)opens its bank; answered with the name to
        use. Held by another live sender, the bank is a duplicated track's or pad's: the
        answer is a new bank with a copy of its slots and sounds (files of its own)."""
        check_bank_name(name)
        holder = self._other_holder(name, sender)
        state = self.bank.latest_state()
        use = name
        change = bank_change(name, self.config.num_slots)
        if holder is not None and state.bank(name) is not None:
            use = self._free_bank_name(state, name)
            change = bank_change(use, self.config.num_slots, copy_of=name,
                                 renders=self._copy_renders(state, name, use))
            log.info("bank %s is in use by %s:%s: %s:%s gets a copy, %s", name, *holder,
                     *sender, use)
        if sender is not None:
            self._holders[use] = (sender, time.monotonic())
        self._commit(change, sender, "/shot/bank/open",
                     lambda state: self._reply(sender, "/shot/bank/opened", use,
                                               self.config.num_slots))

    def _other_holder(self, name: str, sender: Address | None) -> Address | None:
        """Who else holds bank ``name`` now (used it within ``BANK_HOLD_S``), if anyone."""
        holder = self._holders.get(name)
        if (holder is None or sender is None or holder[0] == sender
                or time.monotonic() - holder[1] >= BANK_HOLD_S):
            return None
        return holder[0]

    def close_bank(self, name: str, sender: Address | None) -> None:
        """``/shot/bank/close NAME``: the front end is gone (device deleted, set closed); the
        bank stays, and the next instance to open it gets it, not a copy."""
        holder = self._holders.get(name)
        if holder is not None and holder[0] == sender:
            del self._holders[name]

    def _free_bank_name(self, state: BankState, name: str) -> str:
        stem = name[:60]
        n = 2
        while state.bank(f"{stem}-{n}") is not None or f"{stem}-{n}" in self._holders:
            n += 1
        return f"{stem}-{n}"

    def _copy_renders(self, state: BankState, source: str, dest: str) -> dict[int, SlotRender]:
        """Give the copy's slots render files of their own (hard links where the disk allows),
        so re-rendering one bank never deletes the other's sound."""
        copies: dict[int, SlotRender] = {}
        first = next_bank_number(state) * self.bank.size  # where bank_change puts ``dest``
        for s in self.bank.bank_slots(source, state):
            if s.render is None:
                continue
            local = self._local(s.index)
            render_id = self.bank.new_render_id()
            out = self.renders_dir / render_file_name(first + local, render_id)
            try:
                link_or_copy(Path(s.render.path), out)
            except OSError as exc:
                log.warning("bank %s: slot %d's sound not copied: %s", dest, local,
                            describe_os_error(exc))
                continue
            copies[local] = replace(s.render, path=str(out), render_id=render_id)
        return copies

    # -- helpers -----------------------------------------------------------------------------
    def _reply(self, sender: Address | None, address: str, *args: Any) -> None:
        if self.replies is not None:
            self.replies.send(sender, address, *args)

    def wait(self) -> int:
        """Block until stopped; return the exit code."""
        while not self.stopped.wait(0.5):
            pass
        return self.exit_code

