"""MIDI input with mido + python-rtmidi: a virtual port (``Shotcaller``) or a named port.

The backend API is chosen by name (``jack``, ``alsa``) or ``auto`` (JACK when a JACK server
answers, else ALSA where ``/dev/snd`` exists). rtmidi calls back on its own thread (JACK's
process thread for JACK), so the callback only enqueues; a handler thread does the work.
"""

from __future__ import annotations

import logging
import os
import queue
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

BACKENDS = {"jack": "mido.backends.rtmidi/UNIX_JACK", "alsa": "mido.backends.rtmidi/LINUX_ALSA"}


class MidiUnavailable(RuntimeError):
    """No usable MIDI API or port on this machine."""


@dataclass(frozen=True)
class MidiEvent:
    kind: str  # note_on | control_change
    channel: int
    number: int  # note or CC number
    value: int  # velocity or CC value


def jack_server_running() -> bool:
    """True when a JACK server (``$JACK_DEFAULT_SERVER`` or ``default``) accepts connections.

    Looks for the server's request socket (``jack_<server>_<uid>_0``, where jack2 puts it)
    and connects to it, which tells a live server from a stale socket without creating a
    JACK client (libjack prints errors, or starts a server, when none answers).
    """
    server = os.environ.get("JACK_DEFAULT_SERVER", "default")
    name = f"jack_{server}_{os.getuid()}_0"
    for base in (os.environ.get("JACK_TMPDIR"), "/dev/shm", "/tmp"):
        if not base or not (Path(base) / name).exists():
            continue
        probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            probe.settimeout(1.0)
            probe.connect(str(Path(base) / name))
            return True
        except OSError:
            continue
        finally:
            probe.close()
    return False


def choose_backend(api: str) -> str:
    """The mido backend string for ``api`` (auto|jack|alsa); raises MidiUnavailable."""
    if api == "jack":
        return BACKENDS["jack"]
    if api == "alsa":
        return BACKENDS["alsa"]
    if api == "auto":
        if jack_server_running():
            return BACKENDS["jack"]
        if Path("/dev/snd/seq").exists():
            return BACKENDS["alsa"]
        raise MidiUnavailable("no JACK server running and no ALSA sequencer (/dev/snd/seq)")
    raise MidiUnavailable(f"unknown MIDI API {api!r}")


class MidiInput:
    """Opens the port and hands note-ons and CCs to ``on_event`` on a worker thread."""

    def __init__(self, on_event: Callable[[MidiEvent], None], *, api: str = "auto",
                 port_name: str | None = None, virtual_name: str = "Shotcaller",
                 client_name: str = "shotcaller") -> None:
        self._on_event = on_event
        self.api = api
        self.port_name = port_name
        self.virtual_name = virtual_name
        self.client_name = client_name
        self._queue: queue.SimpleQueue[MidiEvent | None] = queue.SimpleQueue()
        self._port: Any = None
        self._thread: threading.Thread | None = None
        self.description = ""

    def open(self) -> str:
        import mido

        os.environ.setdefault("JACK_NO_START_SERVER", "1")
        backend_name = choose_backend(self.api)
        backend = mido.Backend(backend_name, load=True)
        try:
            if self.port_name:
                names = backend.get_input_names()
                match = [n for n in names if n == self.port_name] or \
                        [n for n in names if self.port_name in n]
                if not match:
                    raise MidiUnavailable(f"MIDI port {self.port_name!r} not found "
                                          f"(have: {', '.join(names) or 'none'})")
                self._port = backend.open_input(match[0], client_name=self.client_name,
                                                callback=self._callback)
                self.description = f"{match[0]} ({backend_name})"
            else:
                self._port = backend.open_input(self.virtual_name, virtual=True,
                                                client_name=self.client_name,
                                                callback=self._callback)
                self.description = f"virtual {self.client_name}:{self.virtual_name} " \
                                   f"({backend_name})"
        except MidiUnavailable:
            raise
        except Exception as exc:  # rtmidi's errors: no server, port busy, API not compiled
            raise MidiUnavailable(f"cannot open MIDI input via {backend_name}: {exc}") from exc
        self._thread = threading.Thread(target=self._work, name="midi-in", daemon=True)
        self._thread.start()
        return self.description

    def _callback(self, message: Any) -> None:
        # Runs on rtmidi's thread: translate and enqueue only.
        if message.type == "note_on":
            self._queue.put(MidiEvent("note_on", message.channel, message.note, message.velocity))
        elif message.type == "control_change":
            self._queue.put(MidiEvent("control_change", message.channel, message.control,
                                      message.value))

    def _work(self) -> None:
        while True:
            event = self._queue.get()
            if event is None:
                return
            try:
                self._on_event(event)
            except Exception:
                log.exception("MIDI event %s failed", event)

    def close(self) -> None:
        if self._port is not None:
            try:
                self._port.close()
            except Exception as exc:  # closing a port of a vanished JACK server
                log.debug("closing MIDI port: %s", exc)
            self._port = None
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(2.0)
            self._thread = None
