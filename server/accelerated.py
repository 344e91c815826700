"""The Accelerator every training loop runs on (the codec's decoder, the UNet)."""

from __future__ import annotations


def make_accelerator(device: str, mixed_precision: str | None = None):
    """An ``accelerate.Accelerator`` on ``device`` ("cpu", "cuda", "mps"), in
    ``mixed_precision`` (None: bf16 on a GPU, none elsewhere).

    Accelerate keeps one state per process; it is reset here so that a second run in one
    process (a test, a resume, a fit then its decoder) gets its own device and precision."""
    from accelerate import Accelerator
    from accelerate.state import AcceleratorState

    AcceleratorState._reset_state(reset_partial_state=True)
    precision = mixed_precision or ("bf16" if str(device).startswith("cuda") else "no")
    return Accelerator(cpu=str(device) == "cpu", mixed_precision=precision)
