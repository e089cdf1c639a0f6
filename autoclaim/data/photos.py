"""One labelled photo as read from either dataset, with masks for what that set does not label."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

Polygon = tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class Region:
    """Where one label sits in the photo: a polygon in normalised 0..1 coordinates."""

    channel: int  # index into taxonomy.REGION_CLASSES
    polygon: Polygon


@dataclass(frozen=True)
class LabelledPhoto:
    """Photo-level targets; None means "this set does not label that head" (loss is masked)."""

    path: Path
    group: str
    source: str  # "severity" (COCO set) or "parts" (YOLO set)
    parts: tuple[int, ...] | None = None  # indices of damaged parts
    damage_types: tuple[int, ...] | None = None  # indices of damage types present
    severity: int | None = None  # index of the worst severity in the photo
    severity_is_weak: bool = False  # True when only implied by the file name
    regions: tuple[Region, ...] = field(default_factory=tuple)
