"""The denoiser: a UNet2DConditionModel over a sequence of latent frames.

The codec's latent is a sequence of principal-component vectors, one per patch of frames.
Shown to a 2-D UNet as an image of component groups × time, a 3×3 kernel shares its weights
across components that mean different things, so the network can barely tell them apart
(the v2 model's loss stalled at 0.71 and its tonal renders all sounded alike). Here every
component is a channel of a one-row image [components, 1, patches], and the 3×3 kernels
become 1×3: they convolve over time only, where weight sharing is right, and don't store
two rows of weights that would only ever meet zero padding.
"""

from __future__ import annotations

import inspect

from diffusers import UNet2DConditionModel
from torch import nn


def _rows_only(conv: nn.Conv2d) -> nn.Conv2d:
    """The same convolution with its kernel cut to the middle row (height-1 inputs)."""
    if conv.kernel_size[0] == 1:
        return conv
    row = nn.Conv2d(conv.in_channels, conv.out_channels, (1, conv.kernel_size[1]),
                    stride=(1, conv.stride[1]), padding=(0, conv.padding[1]),
                    bias=conv.bias is not None)
    return row


class FrameUNet(UNet2DConditionModel):
    """UNet2DConditionModel for latents [batch, components, 1, patches]; same config keys.

    Saved and loaded with ``save_pretrained``/``from_pretrained`` like its parent; the config's
    ``_class_name`` says which of the two a folder holds.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.config.sample_size[0] != 1:
            raise ValueError(f"FrameUNet wants latents one row high, got sample_size "
                             f"{self.config.sample_size}")
        replaced: dict[nn.Module, nn.Conv2d] = {}
        for parent in list(self.modules()):
            # _modules, not named_children(): Downsample2D holds one conv under two names.
            for name, child in list(parent._modules.items()):
                if isinstance(child, nn.Conv2d) and child.kernel_size[0] > 1:
                    if child not in replaced:
                        replaced[child] = _rows_only(child)
                    setattr(parent, name, replaced[child])


# ConfigMixin reads the accepted config keys from the __init__ signature.
FrameUNet.__init__.__signature__ = inspect.signature(UNet2DConditionModel.__init__)
