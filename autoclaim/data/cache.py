"""Decode and letterbox every photo once into uint8 arrays, so training epochs decode nothing."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from autoclaim.data.photos import LabelledPhoto
from autoclaim.data.taxonomy import DAMAGE_TYPES, PARTS, REGION_CLASSES, SEVERITIES
from autoclaim.inference.preprocess import Placement, letterbox

log = logging.getLogger(__name__)

MASK_SIZE = 32


@dataclass
class PhotoArrays:
    """Pixels, region masks and targets of a list of photos, as arrays."""

    images: np.ndarray  # (N, S, S, 3) uint8, letterboxed
    masks: np.ndarray  # (N, R, MASK_SIZE, MASK_SIZE) uint8 0/255 per region class
    parts: np.ndarray  # (N, 7) float32 0/1
    parts_known: np.ndarray  # (N,) bool
    types: np.ndarray  # (N, 3)
    types_known: np.ndarray  # (N,)
    severity: np.ndarray  # (N,) int64, -1 when unknown
    severity_weight: np.ndarray  # (N,) float32: 1 strong label, <1 weak, 0 unknown
    groups: list[str]

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez(
            path,
            images=self.images,
            masks=self.masks,
            parts=self.parts,
            parts_known=self.parts_known,
            types=self.types,
            types_known=self.types_known,
            severity=self.severity,
            severity_weight=self.severity_weight,
            groups=np.array(self.groups),
        )

    @classmethod
    def load(cls, path: Path) -> PhotoArrays:
        with np.load(path, allow_pickle=False) as z:
            return cls(
                images=z["images"],
                masks=z["masks"],
                parts=z["parts"],
                parts_known=z["parts_known"],
                types=z["types"],
                types_known=z["types_known"],
                severity=z["severity"],
                severity_weight=z["severity_weight"],
                groups=[str(g) for g in z["groups"]],
            )


def region_masks(photo: LabelledPhoto, placement: Placement, canvas: int) -> np.ndarray:
    """Rasterise the photo's polygons into per-class masks on the letterboxed canvas."""
    scale = MASK_SIZE / canvas
    layers = [Image.new("L", (MASK_SIZE, MASK_SIZE), 0) for _ in REGION_CLASSES]
    for region in photo.regions:
        points = [
            (
                (placement.offset_x + x * placement.width) * scale,
                (placement.offset_y + y * placement.height) * scale,
            )
            for x, y in region.polygon
        ]
        ImageDraw.Draw(layers[region.channel]).polygon(points, fill=255)
    return np.stack([np.asarray(layer) for layer in layers])


def build_arrays(photos: list[LabelledPhoto], size: int, weak_weight: float = 0.3) -> PhotoArrays:
    """Decode, letterbox and rasterise `photos`."""
    n = len(photos)
    arrays = PhotoArrays(
        images=np.zeros((n, size, size, 3), np.uint8),
        masks=np.zeros((n, len(REGION_CLASSES), MASK_SIZE, MASK_SIZE), np.uint8),
        parts=np.zeros((n, len(PARTS)), np.float32),
        parts_known=np.zeros(n, bool),
        types=np.zeros((n, len(DAMAGE_TYPES)), np.float32),
        types_known=np.zeros(n, bool),
        severity=np.full(n, -1, np.int64),
        severity_weight=np.zeros(n, np.float32),
        groups=[p.group for p in photos],
    )
    for i, photo in enumerate(photos):
        with Image.open(photo.path) as raw:
            image = raw.convert("RGB")
        arrays.images[i], placement = letterbox(image, size)
        arrays.masks[i] = region_masks(photo, placement, size)
        if photo.parts is not None:
            arrays.parts_known[i] = True
            arrays.parts[i, list(photo.parts)] = 1.0
        if photo.damage_types is not None:
            arrays.types_known[i] = True
            arrays.types[i, list(photo.damage_types)] = 1.0
        if photo.severity is not None:
            assert 0 <= photo.severity < len(SEVERITIES)
            arrays.severity[i] = photo.severity
            arrays.severity_weight[i] = weak_weight if photo.severity_is_weak else 1.0
        if (i + 1) % 500 == 0:
            log.info("cached %d/%d photos", i + 1, n)
    return arrays
