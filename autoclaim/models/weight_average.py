"""An exponential moving average of a network's weights during training.

On a small, noisy training set the last step's weights follow the last few batches; the
average over the last epoch or two is a flatter, steadier solution that costs nothing at
inference (it is the same network with other numbers).
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn


class WeightAverage:
    """Keeps `decay * average + (1 - decay) * weights` after every optimiser step.

    The decay ramps up from about 0.1 over the first steps, so the early random-head weights
    are forgotten quickly. Integer buffers (BatchNorm's step counters) are copied as they are.
    """

    def __init__(self, model: nn.Module, decay: float) -> None:
        if not 0.0 < decay < 1.0:
            raise ValueError(f"weight-average decay must be in (0, 1), got {decay}")
        self.decay = decay
        self.updates = 0
        self.state = {k: v.detach().clone() for k, v in model.state_dict().items()}

    def current_decay(self) -> float:
        return min(self.decay, (1 + self.updates) / (10 + self.updates))

    @torch.no_grad()
    def update(self, model: nn.Module) -> None:
        self.updates += 1
        d = self.current_decay()
        for key, value in model.state_dict().items():
            average = self.state[key]
            if value.dtype.is_floating_point:
                average.mul_(d).add_(value.detach(), alpha=1.0 - d)
            else:
                average.copy_(value)

    def copy_to(self, model: nn.Module) -> None:
        """Load the averaged weights into `model`."""
        model.load_state_dict(self.state)

    def state_dict(self) -> dict[str, Any]:
        return {"updates": self.updates, "state": self.state}

    def load_state_dict(self, saved: dict[str, Any]) -> None:
        self.updates = int(saved["updates"])
        self.state = {k: v.clone() for k, v in saved["state"].items()}
