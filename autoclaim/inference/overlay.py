"""Render where the model looked: detected findings' maps blended over the photo, with boxes."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from autoclaim.inference.predictor import Explanation

PALETTE = [
    (230, 25, 75),
    (60, 180, 75),
    (255, 225, 25),
    (0, 130, 200),
    (245, 130, 48),
    (145, 30, 180),
    (70, 240, 240),
    (240, 50, 230),
    (210, 245, 60),
    (250, 190, 212),
]


def render_overlay(explanation: Explanation, max_side: int = 800) -> Image.Image:
    """The photo with a heat map of detected findings and a labelled box per finding."""
    image = explanation.image.copy()
    image.thumbnail((max_side, max_side))
    w, h = image.size
    a = explanation.assessment
    detected = [f for f in a.parts + a.damage_types if f.detected]
    heat = np.zeros((h, w), dtype=np.float32)
    for finding in detected:
        m = explanation.heatmaps[finding.label]
        up = Image.fromarray((m * 255).astype(np.uint8)).resize((w, h), Image.Resampling.BILINEAR)
        heat = np.maximum(heat, np.asarray(up, dtype=np.float32) / 255.0)
    red = np.zeros((h, w, 3), dtype=np.float32)
    red[..., 0] = 255.0
    red[..., 1] = 80.0 * (1 - heat)
    alpha = (0.55 * heat)[..., None]
    blended = np.asarray(image, dtype=np.float32) * (1 - alpha) + red * alpha
    out = Image.fromarray(blended.clip(0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(out)
    labels = [f.label for f in a.parts + a.damage_types]
    for finding in detected:
        if finding.region is None:
            continue
        color = PALETTE[labels.index(finding.label) % len(PALETTE)]
        x0, y0, x1, y1 = finding.region
        box = (x0 * w, y0 * h, x1 * w - 1, y1 * h - 1)
        draw.rectangle(box, outline=color, width=3)
        draw.text(
            (box[0] + 4, box[1] + 2), f"{finding.label} {finding.probability:.2f}", fill=color
        )
    return out
