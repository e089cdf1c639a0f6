"""The torch network behind the Predictor's numpy interface (imports torch; the ONNX path
does not)."""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from autoclaim.inference.backend import ArrayModel


class TorchModel(ArrayModel):
    """A DamageNet-like module in eval mode, channels-last, without autograd."""

    name = "torch"

    def __init__(self, module: nn.Module) -> None:
        self.module = module.eval().to(memory_format=torch.channels_last)

    @torch.inference_mode()
    def __call__(self, pixels: np.ndarray) -> dict[str, np.ndarray]:
        x = torch.from_numpy(pixels).contiguous(memory_format=torch.channels_last)
        out = self.module(x)
        return {name: value.float().numpy() for name, value in out.items()}
