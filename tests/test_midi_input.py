"""bridge.midi_in against a real JACK server: virtual and named ports, event filtering."""

from __future__ import annotations

import threading
import time

import pytest

from bridge.midi_in import BACKENDS, MidiEvent, MidiInput, MidiUnavailable, choose_backend

pytestmark = pytest.mark.integration


class Collector:
    def __init__(self) -> None:
        self.events: list[MidiEvent] = []
        self.changed = threading.Event()

    def __call__(self, event: MidiEvent) -> None:
        self.events.append(event)
        self.changed.set()

    def wait(self, count: int, timeout: float = 20.0) -> list[MidiEvent]:
        deadline = time.monotonic() + timeout
        while len(self.events) < count and time.monotonic() < deadline:
            self.changed.wait(0.1)
            self.changed.clear()
        return self.events


def connect_output(client: str, port_suffix: str):
    import rtmidi

    out = rtmidi.MidiOut(rtmidi.API_UNIX_JACK, name=client)
    deadline = time.monotonic() + 20
    while True:
        ports = out.get_ports()
        match = [i for i, n in enumerate(ports) if n.endswith(port_suffix)]
        if match:
            break
        assert time.monotonic() < deadline, ports
        time.sleep(0.1)
    out.open_port(match[0], name="out")
    time.sleep(0.3)
    return out


def test_auto_picks_jack_when_a_server_runs(jack_server: dict) -> None:
    assert choose_backend("auto") == BACKENDS["jack"]


def test_virtual_port_delivers_note_ons_and_ccs_but_not_note_offs(jack_server: dict) -> None:
    got = Collector()
    midi = MidiInput(got, api="jack", virtual_name="UnitIn", client_name="unit-daemon")
    assert "unit-daemon:UnitIn" in midi.open()
    out = connect_output("unit-keyboard", "unit-daemon:UnitIn")
    try:
        out.send_message([0x90, 60, 90])
        out.send_message([0x80, 60, 0])  # note-off: not an event for one-shots
        out.send_message([0xF8])  # MIDI clock: ignored
        out.send_message([0xB3, 7, 100])
        events = got.wait(2)
        time.sleep(0.3)
        assert events == [MidiEvent("note_on", 0, 60, 90),
                          MidiEvent("control_change", 3, 7, 100)]
    finally:
        out.close_port()
        out.delete()
        midi.close()


def test_named_port_is_opened_and_connected(jack_server: dict) -> None:
    import rtmidi

    keyboard = rtmidi.MidiOut(rtmidi.API_UNIX_JACK, name="named-keyboard")
    keyboard.open_virtual_port("keys")
    got = Collector()
    midi = MidiInput(got, api="jack", port_name="named-keyboard:keys", client_name="unit-named")
    try:
        assert midi.open().startswith("named-keyboard:keys")
        time.sleep(0.3)
        keyboard.send_message([0x91, 64, 127])
        assert got.wait(1) == [MidiEvent("note_on", 1, 64, 127)]
    finally:
        midi.close()
        keyboard.close_port()
        keyboard.delete()


def test_missing_named_port_is_a_clear_error(jack_server: dict) -> None:
    midi = MidiInput(lambda e: None, api="jack", port_name="No Such Keyboard")
    with pytest.raises(MidiUnavailable, match="'No Such Keyboard' not found"):
        midi.open()
