"""Render and import one-shot corpora: audio files plus NSynth-style JSON Lines metadata."""
