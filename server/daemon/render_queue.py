"""The render queue: one worker thread, one job at a time, newest request per slot wins.

Submitting a job for a slot drops the slot's older queued job and cancels its running one
(the producer changed their mind; the result would be thrown away). Jobs run in submission
order across slots. The worker thread is the only thread that touches the engine: it runs the
``startup`` function first (load + warm-up), then the jobs.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .engine import RenderCancelled
from .housekeeping import lower_thread_priority

log = logging.getLogger(__name__)


@dataclass
class Job:
    """Work for one slot. ``run(progress, cancel)`` executes on the worker thread."""

    slot: int
    kind: str
    run: Callable[[Callable[[float], None], threading.Event], Any]
    reply_to: Any = None
    address: str = "/shot/render"  # the command that asked for it: failures are reported there
    job_id: int = 0
    cancel: threading.Event = field(default_factory=threading.Event)


@dataclass(frozen=True)
class QueueEvents:
    """What the queue reports; each callback runs on the worker thread and must be quick."""

    started: Callable[[Job], None] = lambda job: None
    progress: Callable[[Job, float], None] = lambda job, fraction: None
    finished: Callable[[Job, Any], None] = lambda job, result: None
    failed: Callable[[Job, BaseException], None] = lambda job, exc: None
    cancelled: Callable[[Job], None] = lambda job: None
    #: a queued job dropped for a newer one of its slot (``old``, ``new``)
    superseded: Callable[[Job, Job], None] = lambda old, new: None
    #: a job that finished after it was cancelled: its result is not used
    discarded: Callable[[Job, Any], None] = lambda job, result: None


class RenderQueue:
    def __init__(self, events: QueueEvents) -> None:
        self._events = events
        self._cond = threading.Condition()
        self._pending: OrderedDict[int, Job] = OrderedDict()
        self._running: Job | None = None
        self._stopping = False
        self._ids = itertools.count(1)
        self._thread: threading.Thread | None = None
        self.startup_error: BaseException | None = None
        self.ready = threading.Event()

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self, startup: Callable[[], None], on_ready: Callable[[], None],
              on_startup_error: Callable[[BaseException], None], *, nice: int = 0) -> None:
        """Run ``startup`` then the jobs on the worker thread, ``nice`` steps below normal
        priority (renders must leave a DAW on the same cores its CPU)."""
        def main() -> None:
            lower_thread_priority(nice)
            try:
                startup()
            except BaseException as exc:  # reported to the daemon, which shuts down
                self.startup_error = exc
                on_startup_error(exc)
                return
            self.ready.set()
            on_ready()
            self._loop()

        self._thread = threading.Thread(target=main, name="render-worker", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        with self._cond:
            self._stopping = True
            for job in self._pending.values():
                job.cancel.set()
            self._pending.clear()
            if self._running is not None:
                self._running.cancel.set()
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)

    # -- requests ----------------------------------------------------------------------------
    def submit(self, job: Job) -> Job:
        """Queue ``job``; drops an older queued job for its slot and cancels a running one."""
        with self._cond:
            job.job_id = next(self._ids)
            old = self._pending.pop(job.slot, None)
            if old is not None:
                log.info("slot %d: queued %s #%d replaced by #%d", job.slot, old.kind,
                         old.job_id, job.job_id)
            if self._running is not None and self._running.slot == job.slot:
                self._running.cancel.set()
            self._pending[job.slot] = job
            self._cond.notify_all()
        if old is not None:
            self._events.superseded(old, job)
        return job

    def cancel(self, slot: int) -> bool:
        """Cancel the slot's queued and running jobs; True if there was one."""
        with self._cond:
            found = False
            job = self._pending.pop(slot, None)
            if job is not None:
                job.cancel.set()
                found = True
            if self._running is not None and self._running.slot == slot:
                self._running.cancel.set()
                found = True
        if job is not None:
            self._events.cancelled(job)
        return found

    def busy(self, slot: int) -> bool:
        with self._cond:
            return slot in self._pending or (
                self._running is not None and self._running.slot == slot)

    def pending(self, slot: int) -> Job | None:
        """The job waiting for ``slot`` (not the running one), if any."""
        with self._cond:
            return self._pending.get(slot)

    def has_pending(self, slot: int) -> bool:
        """True when a job for ``slot`` waits in the queue (not counting the running one)."""
        return self.pending(slot) is not None

    def depth(self) -> int:
        with self._cond:
            return len(self._pending) + (self._running is not None)

    # -- worker ------------------------------------------------------------------------------
    def _loop(self) -> None:
        while True:
            with self._cond:
                while not self._pending and not self._stopping:
                    self._cond.wait()
                if self._stopping:
                    return
                _, job = self._pending.popitem(last=False)
                self._running = job
            try:
                self._run(job)
            finally:
                with self._cond:
                    self._running = None

    def _run(self, job: Job) -> None:
        try:
            self._run_job(job)
        except Exception:  # an event handler failed: log it, keep the worker alive
            log.exception("slot %d: %s #%d: error reporting the result", job.slot, job.kind,
                          job.job_id)

    def _release(self, job: Job) -> None:
        # A cancelled or failed job stops counting as running *before* that is announced: a
        # client asking for the slot's state right after /shot/cancelled must not see it
        # rendering.
        with self._cond:
            if self._running is job:
                self._running = None

    def _run_job(self, job: Job) -> None:
        self._events.started(job)
        try:
            result = job.run(lambda f: self._events.progress(job, f), job.cancel)
        except RenderCancelled:
            log.info("slot %d: %s #%d cancelled", job.slot, job.kind, job.job_id)
            self._release(job)
            self._events.cancelled(job)
            return
        except Exception as exc:  # a bad request or a model failure: reported, worker lives on
            if not isinstance(exc, ValueError):
                log.exception("slot %d: %s #%d failed", job.slot, job.kind, job.job_id)
            self._release(job)
            self._events.failed(job, exc)
            return
        if job.cancel.is_set():
            self._release(job)
            self._events.discarded(job, result)
            self._events.cancelled(job)
            return
        self._events.finished(job, result)  # still running until the slot holds the result
