"""What the vision model says about one photo (the interface other areas code against)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    label: str  # a part ("Bumper") or damage type ("dent")
    probability: float  # calibrated, 0..1
    detected: bool  # probability >= the class's shipped decision threshold
    region: tuple[float, float, float, float] | None  # normalised x0,y0,x1,y1 where it looked


@dataclass(frozen=True)
class QualityWarning:
    code: str  # "too_dark" | "too_bright" | "blurred" | "too_small" | "not_a_car"
    message: str


@dataclass(frozen=True)
class PhotoAssessment:
    parts: list[Finding]  # every part class, highest probability first
    damage_types: list[Finding]  # dent, scratch, broken
    severity: dict[str, float]  # {"minor": p, "moderate": p, "severe": p}, sums to 1
    uncertainty: float  # 0 (sure) .. 1 (unsure)
    warnings: list[QualityWarning]
    width: int
    height: int
    model_version: str
