"""Small synthetic inputs for the estimate tests, made in code."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import datetime

from autoclaim.estimate.inputs import ClaimFacts, LabelScore, PhotoEvidence

ACCIDENT = datetime(2026, 5, 1, 8, 0)
REPORTED = datetime(2026, 5, 1, 9, 0)


def photo(
    photo_id: str,
    parts: Mapping[str, float],
    damage: Mapping[str, float],
    severity: Mapping[str, float],
    *,
    uncertainty: float = 0.0,
    threshold: float = 0.5,
    **extra: object,
) -> PhotoEvidence:
    """A photo whose parts/damage types are detected when at or above `threshold`."""
    return PhotoEvidence(
        photo_id=photo_id,
        sha256=hashlib.sha256(photo_id.encode()).hexdigest(),
        parts=tuple(LabelScore(k, v, v >= threshold) for k, v in parts.items()),
        damage_types=tuple(LabelScore(k, v, v >= threshold) for k, v in damage.items()),
        severity=dict(severity),
        uncertainty=uncertainty,
        **extra,  # type: ignore[arg-type]
    )


def sure_photo(
    photo_id: str, part: str, damage: str, severity: str, **extra: object
) -> PhotoEvidence:
    """A photo about which the model is certain: one part, one damage type, one severity."""
    levels = {s: 1.0 if s == severity else 0.0 for s in ("minor", "moderate", "severe")}
    return photo(photo_id, {part: 1.0}, {damage: 1.0}, levels, **extra)  # type: ignore[arg-type]


def facts(**overrides: object) -> ClaimFacts:
    values: dict[str, object] = {
        "claim_id": "c1",
        "policy_no": "PDAA2026000001",
        "plate": "沪A12345",
        "accident_time": ACCIDENT,
        "reported_at": REPORTED,
        "vin": "LSVAU2180N2183294",
        "vehicle_class": "economy",
        "region": "shanghai",
        "stage": "assessed",
    }
    values.update(overrides)
    return ClaimFacts(**values)  # type: ignore[arg-type]
