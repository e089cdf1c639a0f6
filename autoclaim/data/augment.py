"""Batch augmentation for car photos, applied to pixels and region masks together.

Mild geometry (zoom, shift, small tilt, horizontal flip: parts have no left/right classes)
and photometric jitter (phone cameras, daylight vs garage light). Crops stay mild so that
labelled damage rarely leaves the frame.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F


def augment_batch(
    images: torch.Tensor,
    masks: torch.Tensor,
    generator: torch.Generator,
    max_zoom: float = 1.3,
    max_shift: float = 0.08,
    max_degrees: float = 8.0,
) -> tuple[torch.Tensor, torch.Tensor]:
    """(B,3,S,S) float pixels 0..255 and (B,R,M,M) masks 0..1 -> augmented copies.

    Areas moved in from outside the canvas get the letterbox grey (127).
    """
    b = images.shape[0]

    def uniform(low: float, high: float) -> torch.Tensor:
        return low + (high - low) * torch.rand(b, generator=generator)

    zoom = uniform(1.0, max_zoom)
    angle = uniform(-max_degrees, max_degrees) * math.pi / 180
    flip = torch.where(torch.rand(b, generator=generator) < 0.5, -1.0, 1.0)
    tx, ty = uniform(-max_shift, max_shift), uniform(-max_shift, max_shift)
    cos, sin = torch.cos(angle) / zoom, torch.sin(angle) / zoom
    theta = torch.stack(
        [torch.stack([cos * flip, -sin, tx], 1), torch.stack([sin * flip, cos, ty], 1)], 1
    )
    grid = F.affine_grid(theta, list(images.shape), align_corners=False)
    out = F.grid_sample(images - 127.0, grid, mode="bilinear", align_corners=False) + 127.0
    mask_grid = F.affine_grid(theta, list(masks.shape), align_corners=False)
    out_masks = F.grid_sample(masks, mask_grid, mode="bilinear", align_corners=False)

    brightness = uniform(0.75, 1.25).view(b, 1, 1, 1)
    contrast = uniform(0.75, 1.25).view(b, 1, 1, 1)
    saturation = uniform(0.7, 1.3).view(b, 1, 1, 1)
    out = out * brightness
    mean = out.mean(dim=(1, 2, 3), keepdim=True)
    out = (out - mean) * contrast + mean
    gray = out.mean(dim=1, keepdim=True)
    out = (out - gray) * saturation + gray
    return out.clamp(0.0, 255.0), out_masks
