"""Photo-quality checks that warn (never fail): too dark or bright, blurred, too small.

They run on the photo scaled to at most 256 px a side, the pixels the Predictor already has
for the model, so they cost well under a millisecond.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

from autoclaim.inference.types import QualityWarning

MIN_SIDE = 224
DARK_MEAN = 45.0
BRIGHT_MEAN = 235.0
QUALITY_SIDE = 256  # the checks look at the photo scaled to fit this square
# Variance of the 4-neighbour Laplacian at QUALITY_SIDE: 35 flags 8 of the 359 shared val
# photos (2.2%); 6 of them were also flagged by the former 512-px measure (threshold 25).
BLUR_VARIANCE = 35.0
# ITU-R 601-2 luma, as PIL's convert("L").
_LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float32)


def laplacian_variance(gray: np.ndarray) -> float:
    """Focus measure: variance of a discrete Laplacian (low means few sharp edges)."""
    g = gray.astype(np.float32)
    lap = g[1:-1, :-2] + g[1:-1, 2:] + g[:-2, 1:-1] + g[2:, 1:-1] - 4.0 * g[1:-1, 1:-1]
    return float(lap.var()) if lap.size else 0.0


def pixel_warnings(small: np.ndarray, width: int, height: int) -> list[QualityWarning]:
    """Warnings from `small`, the (h, w, 3) uint8 photo scaled to fit QUALITY_SIDE, for a
    photo of `width` x `height` pixels."""
    warnings: list[QualityWarning] = []
    if min(width, height) < MIN_SIDE:
        warnings.append(
            QualityWarning(
                "too_small", f"photo is {width}x{height}; at least {MIN_SIDE} px a side helps"
            )
        )
    gray = small.astype(np.float32) @ _LUMA
    mean = float(gray.mean())
    if mean < DARK_MEAN:
        warnings.append(QualityWarning("too_dark", f"photo is dark (mean brightness {mean:.0f})"))
    elif mean > BRIGHT_MEAN:
        warnings.append(
            QualityWarning("too_bright", f"photo is washed out (mean brightness {mean:.0f})")
        )
    sharpness = laplacian_variance(gray)
    if sharpness < BLUR_VARIANCE and min(width, height) >= 32:
        warnings.append(
            QualityWarning("blurred", f"photo looks blurred (sharpness {sharpness:.0f})")
        )
    return warnings


def quality_pixels(image: Image.Image) -> np.ndarray:
    """An RGB image scaled to fit QUALITY_SIDE, as the (h, w, 3) uint8 the checks read."""
    small = image.copy()
    small.thumbnail((QUALITY_SIDE, QUALITY_SIDE), Image.Resampling.BILINEAR)
    return np.asarray(small, dtype=np.uint8)


def quality_warnings(image: Image.Image) -> list[QualityWarning]:
    """Warnings about an upright RGB photo."""
    return pixel_warnings(quality_pixels(image), image.width, image.height)
