"""Transports and protocol: the OSC address space (spec + doc), the OSC server and replies,
MIDI input and keymaps."""
