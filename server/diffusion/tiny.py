"""Tiny random pipelines for tests and benchmarks of plumbing (see factory.make_tiny_pipeline)."""

from .factory import make_tiny_pipeline

__all__ = ["make_tiny_pipeline"]
