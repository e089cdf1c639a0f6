"""One call for the claims package: estimate, checks, fast-track decision and checklist."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from autoclaim.estimate.checks import CheckContext, Flag, run_checks
from autoclaim.estimate.estimate import Estimate, build_estimate
from autoclaim.estimate.fast_track import FastTrackDecision, decide_fast_track
from autoclaim.estimate.inputs import ClaimFacts, DocumentEvidence, KnownPhoto, PhotoEvidence
from autoclaim.estimate.materials import MaterialItem, claim_checklist
from autoclaim.estimate.price_book import PriceBook


@dataclass(frozen=True)
class ClaimAssessment:
    """Everything the rules conclude about a claim at one moment."""

    estimate: Estimate
    flags: tuple[Flag, ...]
    fast_track: FastTrackDecision
    materials: tuple[MaterialItem, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "estimate": self.estimate.to_dict(),
            "flags": [f.to_dict() for f in self.flags],
            "fast_track": self.fast_track.to_dict(),
            "materials": [m.to_dict() for m in self.materials],
        }


def assess_claim(
    facts: ClaimFacts,
    photos: Sequence[PhotoEvidence],
    documents: Sequence[DocumentEvidence],
    book: PriceBook,
    known_photos: Sequence[KnownPhoto] = (),
) -> ClaimAssessment:
    """Estimate the claim, run every check and decide the fast track.

    `known_photos` are photos stored in OTHER claims (for the duplicate-photo check).
    """
    estimate = build_estimate(facts, photos, book)
    flags = run_checks(CheckContext(facts, photos, documents, estimate, book, known_photos))
    return ClaimAssessment(
        estimate=estimate,
        flags=tuple(flags),
        fast_track=decide_fast_track(facts, photos, estimate, flags, book),
        materials=tuple(claim_checklist(facts, photos, documents)),
    )
