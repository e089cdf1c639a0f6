"""What to ask a claimant for after their photos were assessed: photos to take again (the
model's quality warnings: too dark, blurred, …), parts seen from one angle only, and how
many photos are still missing. Pure functions over the claim as the API returns it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from autoclaim.service.schemas import PhotoOut

MIN_PHOTOS = 3
KNOWN_WARNINGS = ("too_dark", "blurred", "too_small", "not_a_car")


@dataclass(frozen=True)
class Retake:
    """A photo to take again, and why (message keys `retake_<reason>`)."""

    photo_id: str
    filename: str
    reasons: list[str]
    details: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PhotoGuidance:
    retakes: list[Retake]
    single_view_parts: list[str]
    parts_seen: list[str]
    more_photos_needed: int
    pending: int

    @property
    def all_good(self) -> bool:
        return not (self.retakes or self.single_view_parts or self.more_photos_needed)


def _detected_parts(photo: PhotoOut) -> list[str]:
    assessment = photo.assessment or {}
    return [str(f["label"]) for f in assessment.get("parts", []) if f.get("detected")]


def _retake(photo: PhotoOut) -> Retake | None:
    if photo.status == "failed":
        return Retake(photo.id, photo.filename, ["failed"], [photo.error or ""])
    if photo.status != "assessed" or photo.assessment is None:
        return None
    warnings = photo.assessment.get("warnings", [])
    codes = [str(w.get("code", "")) for w in warnings]
    reasons = [c for c in codes if c in KNOWN_WARNINGS]
    details = [str(w.get("message", "")) for w in warnings if w.get("code") not in KNOWN_WARNINGS]
    if details and not reasons:
        reasons = ["unclear"]
    if not reasons and not _detected_parts(photo):
        reasons = ["unclear"]
    return Retake(photo.id, photo.filename, reasons, details) if reasons else None


def photo_guidance(photos: Sequence[PhotoOut]) -> PhotoGuidance:
    """The guidance for a claim's photos (only assessed photos count as usable)."""
    retakes = [r for r in (_retake(p) for p in photos) if r is not None]
    retaken = {r.photo_id for r in retakes}
    usable = [p for p in photos if p.status == "assessed" and p.id not in retaken]
    views: dict[str, int] = {}
    for photo in usable:
        for part in _detected_parts(photo):
            views[part] = views.get(part, 0) + 1
    pending = sum(1 for p in photos if p.status == "queued")
    return PhotoGuidance(
        retakes=retakes,
        single_view_parts=sorted(part for part, n in views.items() if n == 1),
        parts_seen=sorted(views),
        more_photos_needed=max(0, MIN_PHOTOS - len(usable) - pending),
        pending=pending,
    )
