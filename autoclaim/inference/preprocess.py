"""Pre-processing shared by training and inference: letterbox to a square, then normalise.

Both the training cache and the Predictor call `letterbox`, so photos are resized one way.
Only `to_tensor` (training) needs torch; the Predictor normalises with numpy (`normalise`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from PIL import Image

if TYPE_CHECKING:
    import torch


@dataclass(frozen=True)
class Placement:
    """Where the photo sits inside the square canvas (to map regions back to the photo)."""

    scale: float
    offset_x: int
    offset_y: int
    width: int  # resized photo width inside the canvas
    height: int


def letterbox(image: Image.Image, size: int, pad_value: int = 127) -> tuple[np.ndarray, Placement]:
    """RGB `image` resized to fit `size`x`size` keeping its aspect ratio, padded; uint8 HWC."""
    w, h = image.size
    scale = size / max(w, h)
    new_w, new_h = max(1, round(w * scale)), max(1, round(h * scale))
    resized = image.resize((new_w, new_h), Image.Resampling.BILINEAR, reducing_gap=3.0)
    canvas = np.full((size, size, 3), pad_value, dtype=np.uint8)
    ox, oy = (size - new_w) // 2, (size - new_h) // 2
    canvas[oy : oy + new_h, ox : ox + new_w] = np.asarray(resized, dtype=np.uint8)
    return canvas, Placement(scale, ox, oy, new_w, new_h)


def to_tensor(
    batch: np.ndarray | torch.Tensor, mean: Sequence[float], std: Sequence[float]
) -> torch.Tensor:
    """uint8 NHWC pixels to a normalised float NCHW tensor."""
    import torch

    x = torch.as_tensor(batch).permute(0, 3, 1, 2).float()
    m = torch.tensor(mean, dtype=torch.float32).view(1, 3, 1, 1)
    s = torch.tensor(std, dtype=torch.float32).view(1, 3, 1, 1)
    return (x - m) / s


def normalise(batch: np.ndarray, mean: Sequence[float], std: Sequence[float]) -> np.ndarray:
    """uint8 NHWC pixels to a normalised float32 NCHW array (the same values as `to_tensor`)."""
    x = batch.astype(np.float32).transpose(0, 3, 1, 2)
    m = np.asarray(mean, dtype=np.float32).reshape(1, 3, 1, 1)
    s = np.asarray(std, dtype=np.float32).reshape(1, 3, 1, 1)
    return np.ascontiguousarray((x - m) / s)
