"""Shotcaller: text prompt → one-shot sample → sampler slot."""

__version__ = "0.1.0"
