"""The Shotcaller daemon: a warm engine, a slot bank, a render worker, repitch and presets,
driven over OSC and MIDI by the transports in ``bridge``."""
