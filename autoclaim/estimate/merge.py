"""Merge per-photo model outputs into one damage finding per part.

A claim usually has several photos, some of the same part from different angles. For each
part class the photos in which the model *detected* that part (probability at or above the
class's shipped threshold) are its views; photos where it was not detected say nothing about
it (they usually show another side of the car) and are ignored for that part.

- Part probability: noisy-OR over the views, ``1 - prod(1 - p_i)``: each view is treated as
  independent evidence that the part is damaged, so two views at 0.8 give 0.96.
- Damage-type probabilities, severity distribution and uncertainty: the average over the
  views weighted by each view's part probability (a photo that clearly shows the part counts
  more than one where it is marginal). The vision model scores damage type and severity per
  photo, so a photo's scores are attributed to every part detected in it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from autoclaim.data.taxonomy import DAMAGE_TYPES, SEVERITIES
from autoclaim.data.taxonomy import PARTS as PART_CLASSES
from autoclaim.estimate.inputs import PhotoEvidence, Region

# Ties between equally probable outcomes go to the costlier reading (conservative).
DAMAGE_TIE_ORDER: tuple[str, ...] = ("broken", "dent", "scratch")
SEVERITY_TIE_ORDER: tuple[str, ...] = ("severe", "moderate", "minor")


@dataclass(frozen=True)
class PartEvidence:
    """Everything the photos say about one part, merged across its views."""

    part: str
    probability: float
    photo_probabilities: dict[str, float]
    damage_types: dict[str, float]
    severity: dict[str, float]
    uncertainty: float
    regions: dict[str, Region]
    model_versions: tuple[str, ...]

    @property
    def photo_ids(self) -> tuple[str, ...]:
        return tuple(self.photo_probabilities)

    @property
    def likely_damage_type(self) -> str:
        """The most probable damage type (ties to the costlier type)."""
        return max(
            DAMAGE_TIE_ORDER,
            key=lambda t: (self.damage_types[t], -DAMAGE_TIE_ORDER.index(t)),
        )

    @property
    def likely_severity(self) -> str:
        """The most probable severity (ties to the more severe level)."""
        return max(
            SEVERITY_TIE_ORDER,
            key=lambda s: (self.severity[s], -SEVERITY_TIE_ORDER.index(s)),
        )


def noisy_or(probabilities: Sequence[float]) -> float:
    """Probability that at least one of several independent pieces of evidence is right."""
    return 1.0 - math.prod(1.0 - p for p in probabilities)


def _weighted_mean(
    views: Sequence[tuple[float, dict[str, float]]], labels: tuple[str, ...]
) -> dict[str, float]:
    """Per-label weighted mean of the views that scored any label (uniform if none did)."""
    scored = [(w, scores) for w, scores in views if scores]
    total_weight = sum(w for w, _ in scored)
    if not scored:
        return {label: 1.0 / len(labels) for label in labels}
    if total_weight <= 0.0:
        scored = [(1.0, scores) for _, scores in scored]
        total_weight = float(len(scored))
    return {
        label: sum(w * scores.get(label, 0.0) for w, scores in scored) / total_weight
        for label in labels
    }


def merge_photos(photos: Sequence[PhotoEvidence]) -> list[PartEvidence]:
    """One `PartEvidence` per part detected in at least one photo, in part-class order."""
    merged: list[PartEvidence] = []
    for part in PART_CLASSES:
        views = [
            (photo, score)
            for photo in photos
            if (score := photo.part(part)) is not None and score.detected
        ]
        if not views:
            continue
        weights = [score.probability for _, score in views]
        damage = _weighted_mean(
            [
                (w, {s.label: s.probability for s in photo.damage_types})
                for w, (photo, _) in zip(weights, views, strict=True)
            ],
            DAMAGE_TYPES,
        )
        severity = _weighted_mean(
            [(w, dict(photo.severity)) for w, (photo, _) in zip(weights, views, strict=True)],
            SEVERITIES,
        )
        uncertainty = _weighted_mean(
            [(w, {"u": photo.uncertainty}) for w, (photo, _) in zip(weights, views, strict=True)],
            ("u",),
        )["u"]
        merged.append(
            PartEvidence(
                part=part,
                probability=noisy_or(weights),
                photo_probabilities={photo.photo_id: s.probability for photo, s in views},
                damage_types=damage,
                severity=severity,
                uncertainty=uncertainty,
                regions={photo.photo_id: s.region for photo, s in views if s.region is not None},
                model_versions=tuple(sorted({photo.model_version for photo, _ in views})),
            )
        )
    return merged
