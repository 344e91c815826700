"""MIDI input with python-rtmidi + mido: a virtual port (``Shotcaller``) or a named port.

The backend API is chosen by name (``jack``, ``alsa``) or ``auto`` (JACK when a JACK server
answers, else ALSA where ``/dev/snd`` exists). rtmidi calls back on its own thread (JACK's
process thread for JACK), so no Python runs there: a reader thread polls rtmidi's queue.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
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
    """Opens the port and hands note-ons and CCs to ``on_event`` on a reader thread.

    The port is a python-rtmidi ``MidiIn`` *without* a Python callback: rtmidi queues incoming
    bytes in C++ (for JACK, inside the process callback, which must never wait for Python's
    GIL or JACK drops the client when the period is short), and the reader thread polls that
    queue every ``poll_s`` and parses the bytes with mido.
    """

    API_NUMBERS = {BACKENDS["jack"]: "API_UNIX_JACK", BACKENDS["alsa"]: "API_LINUX_ALSA"}

    def __init__(self, on_event: Callable[[MidiEvent], None], *, api: str = "auto",
                 port_name: str | None = None, virtual_name: str = "Shotcaller",
                 client_name: str = "shotcaller", poll_s: float = 0.0005) -> None:
        self._on_event = on_event
        self.api = api
        self.port_name = port_name
        self.virtual_name = virtual_name
        self.client_name = client_name
        self.poll_s = poll_s
        self._midi_in: Any = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.description = ""

    def open(self) -> str:
        import rtmidi

        os.environ.setdefault("JACK_NO_START_SERVER", "1")
        backend_name = choose_backend(self.api)
        api = getattr(rtmidi, self.API_NUMBERS[backend_name])
        if api not in rtmidi.get_compiled_api():
            raise MidiUnavailable(f"python-rtmidi was built without {backend_name}")
        try:
            midi_in = rtmidi.MidiIn(api, name=self.client_name)
            if self.port_name:
                names = midi_in.get_ports()
                match = [i for i, n in enumerate(names) if n == self.port_name] or \
                        [i for i, n in enumerate(names) if self.port_name in n]
                if not match:
                    midi_in.delete()
                    raise MidiUnavailable(f"MIDI port {self.port_name!r} not found "
                                          f"(have: {', '.join(names) or 'none'})")
                midi_in.open_port(match[0], name="in")
                self.description = f"{names[match[0]]} ({backend_name})"
            else:
                midi_in.open_virtual_port(self.virtual_name)
                self.description = f"virtual {self.client_name}:{self.virtual_name} " \
                                   f"({backend_name})"
            midi_in.ignore_types(sysex=True, timing=True, active_sense=True)
        except MidiUnavailable:
            raise
        except Exception as exc:  # rtmidi's errors: no server, port busy
            raise MidiUnavailable(f"cannot open MIDI input via {backend_name}: {exc}") from exc
        self._midi_in = midi_in
        self._thread = threading.Thread(target=self._read, name="midi-in", daemon=True)
        self._thread.start()
        return self.description

    def _read(self) -> None:
        import mido

        while not self._stop.is_set():
            item = self._midi_in.get_message()
            if item is None:
                time.sleep(self.poll_s)
                continue
            try:
                message = mido.Message.from_bytes(item[0])
            except (ValueError, TypeError) as exc:
                log.warning("ignoring malformed MIDI bytes %s: %s", item[0], exc)
                continue
            event = to_event(message)
            if event is None:
                continue
            try:
                self._on_event(event)
            except Exception:
                log.exception("MIDI event %s failed", event)

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(2.0)
            self._thread = None
        if self._midi_in is not None:
            try:
                self._midi_in.close_port()
                self._midi_in.delete()
            except Exception as exc:  # closing a port of a vanished JACK server
                log.debug("closing MIDI port: %s", exc)
            self._midi_in = None


def to_event(message: Any) -> MidiEvent | None:
    """Note-ons and control changes as MidiEvents; everything else (note-offs too) → None."""
    if message.type == "note_on":
        return MidiEvent("note_on", message.channel, message.note, message.velocity)
    if message.type == "control_change":
        return MidiEvent("control_change", message.channel, message.control, message.value)
    return None
