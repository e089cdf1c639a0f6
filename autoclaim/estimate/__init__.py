"""Estimate rules, the price book and consistency checks (no HTTP, no SQL, no torch).

Entry point for the claims package: `assess_claim(facts, photos, documents, book,
known_photos)` -> `ClaimAssessment` (estimate with lines and range, flags, fast-track
decision, materials checklist), all JSON-serialisable through `to_dict()`.
"""

from autoclaim.estimate.assessment import ClaimAssessment, assess_claim
from autoclaim.estimate.checks import Flag, run_checks
from autoclaim.estimate.errors import (
    EstimateError,
    EstimateInputError,
    PriceBookError,
    UnknownVehicleClassError,
)
from autoclaim.estimate.estimate import Estimate, EstimateLine, build_estimate
from autoclaim.estimate.fast_track import FastTrackDecision, decide_fast_track
from autoclaim.estimate.inputs import (
    ClaimFacts,
    DocumentEvidence,
    FieldValue,
    KnownPhoto,
    LabelScore,
    PhotoEvidence,
)
from autoclaim.estimate.materials import materials_checklist, required_materials
from autoclaim.estimate.price_book import (
    PriceBook,
    configured_price_book,
    default_price_book,
    load_price_book,
)

__all__ = [
    "ClaimAssessment",
    "ClaimFacts",
    "DocumentEvidence",
    "Estimate",
    "EstimateError",
    "EstimateInputError",
    "EstimateLine",
    "FastTrackDecision",
    "FieldValue",
    "Flag",
    "KnownPhoto",
    "LabelScore",
    "PhotoEvidence",
    "PriceBook",
    "PriceBookError",
    "UnknownVehicleClassError",
    "assess_claim",
    "build_estimate",
    "configured_price_book",
    "decide_fast_track",
    "default_price_book",
    "load_price_book",
    "materials_checklist",
    "required_materials",
    "run_checks",
]
