"""What the Predictor needs from a network: normalised NCHW float32 pixels in, named numpy
arrays out. ONNX Runtime and torch both provide it, so pre/post-processing is shared."""

from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np

OUTPUT_NAMES = ["parts", "damage_types", "severity", "regions", "features"]


class ArrayModel(ABC):
    """A loaded network called on a batch of pixels."""

    name: str  # "onnx", "int8", "torch": which runtime answers (for logs and benchmarks)

    @abstractmethod
    def __call__(self, pixels: np.ndarray) -> dict[str, np.ndarray]:
        """Outputs named as OUTPUT_NAMES, each with the batch as first axis."""
