"""What the estimate needs to know, as small frozen dataclasses with no torch or SQL in them.

The claims package fills these from the vision `PhotoAssessment` and the OCR
`DocumentReading` (one adapter per type lives in `autoclaim.claims`). Each dataclass checks
its values on construction and raises `EstimateInputError` naming the bad one.

Times: aware datetimes are used as they are; a naive datetime (EXIF times usually are) is read
as China Standard Time (UTC+8), the local time of the claims this service serves.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Literal, get_args

from autoclaim.data.taxonomy import DAMAGE_TYPES, SEVERITIES
from autoclaim.data.taxonomy import PARTS as PART_CLASSES
from autoclaim.estimate.errors import EstimateInputError

Stage = Literal[
    "reported", "surveying", "assessed", "repairing", "under_review", "paid", "rejected", "closed"
]
STAGES: tuple[str, ...] = get_args(Stage)

DocType = Literal[
    "vehicle_licence", "driver_licence", "vat_invoice", "repair_invoice", "receipt", "unknown"
]
DOC_TYPES: tuple[str, ...] = get_args(DocType)

FieldStatus = Literal["valid", "invalid", "unchecked", "missing"]
FIELD_STATUSES: tuple[str, ...] = get_args(FieldStatus)

Material = Literal[
    "photos",
    "driver_licence",
    "vehicle_licence",
    "id_card",
    "bank_account",
    "repair_invoice",
    "accident_report",
]
MATERIALS: tuple[Material, ...] = get_args(Material)

CHINA_STANDARD_TIME = timezone(timedelta(hours=8), "CST")

Region = tuple[float, float, float, float]


def as_aware(moment: datetime, name: str = "time") -> datetime:
    """The same instant as an aware datetime (naive values are read as UTC+8)."""
    if not isinstance(moment, datetime):
        raise EstimateInputError(f"{name} must be a datetime, got {moment!r}")
    if moment.tzinfo is None or moment.tzinfo.utcoffset(moment) is None:
        return moment.replace(tzinfo=CHINA_STANDARD_TIME)
    return moment


def _check_probability(owner: str, name: str, value: float) -> None:
    if not isinstance(value, int | float) or math.isnan(value) or not 0.0 <= value <= 1.0:
        raise EstimateInputError(f"{owner}: {name} must be a probability in [0, 1], got {value!r}")


@dataclass(frozen=True)
class LabelScore:
    """One model output for a label: its calibrated probability and whether it passed the
    class's shipped decision threshold (mirrors `autoclaim.inference.types.Finding`)."""

    label: str
    probability: float
    detected: bool
    region: Region | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "label": self.label,
            "probability": self.probability,
            "detected": self.detected,
            "region": list(self.region) if self.region is not None else None,
        }


@dataclass(frozen=True)
class PhotoEvidence:
    """What the vision model and the upload said about one photo.

    `parts` and `damage_types` hold one `LabelScore` per label the model scored (labels must be
    known part classes / damage types); `severity` maps minor/moderate/severe to probabilities
    summing to 1. `perceptual_hash` is a 64-bit hash as 16 hex digits (see `phash.dhash`).
    `quality_warnings` are the vision warning codes ("too_dark", "blurred", ...).
    """

    photo_id: str
    sha256: str
    parts: tuple[LabelScore, ...]
    damage_types: tuple[LabelScore, ...]
    severity: Mapping[str, float]
    uncertainty: float = 0.0
    perceptual_hash: str | None = None
    captured_at: datetime | None = None
    quality_warnings: tuple[str, ...] = ()
    model_version: str = "unknown"

    def __post_init__(self) -> None:
        owner = f"photo {self.photo_id!r}"
        if not self.photo_id:
            raise EstimateInputError("photo: photo_id must not be empty")
        for score in self.parts:
            if score.label not in PART_CLASSES:
                raise EstimateInputError(f"{owner}: unknown part class {score.label!r}")
            _check_probability(owner, f"part {score.label}", score.probability)
        for score in self.damage_types:
            if score.label not in DAMAGE_TYPES:
                raise EstimateInputError(f"{owner}: unknown damage type {score.label!r}")
            _check_probability(owner, f"damage type {score.label}", score.probability)
        for name in ("parts", "damage_types"):
            labels = [s.label for s in getattr(self, name)]
            if len(labels) != len(set(labels)):
                raise EstimateInputError(f"{owner}: {name} repeats a label: {labels}")
        unknown = set(self.severity) - set(SEVERITIES)
        if unknown:
            raise EstimateInputError(f"{owner}: unknown severity level(s) {sorted(unknown)}")
        for level, p in self.severity.items():
            _check_probability(owner, f"severity {level}", p)
        total = sum(self.severity.values())
        if self.severity and abs(total - 1.0) > 1e-3:
            raise EstimateInputError(f"{owner}: severity probabilities sum to {total:.4f}, not 1")
        _check_probability(owner, "uncertainty", self.uncertainty)
        if self.perceptual_hash is not None:
            try:
                int(self.perceptual_hash, 16)
            except ValueError:
                raise EstimateInputError(
                    f"{owner}: perceptual_hash {self.perceptual_hash!r} is not hexadecimal"
                ) from None
        if self.captured_at is not None:
            object.__setattr__(
                self, "captured_at", as_aware(self.captured_at, f"{owner}: captured_at")
            )
        object.__setattr__(self, "severity", dict(self.severity))

    def part(self, label: str) -> LabelScore | None:
        """The score for one part class, or None if the model did not score it."""
        return next((s for s in self.parts if s.label == label), None)

    def to_dict(self) -> dict[str, object]:
        return {
            "photo_id": self.photo_id,
            "sha256": self.sha256,
            "parts": [s.to_dict() for s in self.parts],
            "damage_types": [s.to_dict() for s in self.damage_types],
            "severity": dict(self.severity),
            "uncertainty": self.uncertainty,
            "perceptual_hash": self.perceptual_hash,
            "captured_at": self.captured_at.isoformat() if self.captured_at else None,
            "quality_warnings": list(self.quality_warnings),
            "model_version": self.model_version,
        }


@dataclass(frozen=True)
class FieldValue:
    """One OCR field: its normalised value (ISO dates, "1234.50" amounts, upper-case plate and
    VIN), its validation status and confidence (mirrors `autoclaim.ocr.types.FieldReading`)."""

    value: str | None
    status: FieldStatus = "unchecked"
    confidence: float = 1.0

    def __post_init__(self) -> None:
        if self.status not in FIELD_STATUSES:
            raise EstimateInputError(f"field status {self.status!r} not in {FIELD_STATUSES}")
        _check_probability("field", "confidence", self.confidence)

    @property
    def usable(self) -> bool:
        """True when the value is present and was not found invalid."""
        return self.value is not None and self.status in ("valid", "unchecked")

    def to_dict(self) -> dict[str, object]:
        return {"value": self.value, "status": self.status, "confidence": self.confidence}


@dataclass(frozen=True)
class DocumentEvidence:
    """What OCR read from one uploaded document.

    `failed_checks` names the document's own cross-field checks that failed
    (e.g. "amount_plus_tax_equals_total"); they make the document inconsistent.
    """

    document_id: str
    doc_type: DocType
    fields: Mapping[str, FieldValue] = field(default_factory=dict)
    failed_checks: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.doc_type not in DOC_TYPES:
            raise EstimateInputError(
                f"document {self.document_id!r}: doc_type {self.doc_type!r} not in {DOC_TYPES}"
            )
        object.__setattr__(self, "fields", dict(self.fields))

    def value(self, name: str) -> str | None:
        """The field's value when usable (present and not invalid), else None."""
        reading = self.fields.get(name)
        return reading.value if reading is not None and reading.usable else None

    def date_value(self, name: str) -> date | None:
        """A usable ISO-date field as a `date`, or None if absent or not an ISO date."""
        text = self.value(name)
        if text is None:
            return None
        try:
            return date.fromisoformat(text)
        except ValueError:
            return None

    def to_dict(self) -> dict[str, object]:
        return {
            "document_id": self.document_id,
            "doc_type": self.doc_type,
            "fields": {k: v.to_dict() for k, v in self.fields.items()},
            "failed_checks": list(self.failed_checks),
        }


@dataclass(frozen=True)
class ClaimFacts:
    """The claim record's own facts (from FNOL and later steps).

    `vehicle_class` selects the parts prices (a class of the price book, e.g. "economy",
    "midsize", "premium", "suv", "new_energy"; None = the price book's default class).
    `region` selects the labour rate (a price-book region key such as "shanghai";
    None or unknown = the default rate). `vehicle_type` is the licence's vehicle type text
    (e.g. "小型轿车"), used when no vehicle licence was read. `materials_received` lists
    materials that arrived outside OCR (e.g. "bank_account" entered in a form); photos and
    read documents count on their own. `third_parties` (another party involved) and
    `payee_is_claimant` (paid to the claimant's account rather than a repair shop, 直赔) decide
    which materials the stage requires.
    """

    claim_id: str
    policy_no: str | None
    plate: str | None
    accident_time: datetime
    reported_at: datetime
    vin: str | None = None
    vehicle_class: str | None = None
    vehicle_type: str | None = None
    region: str | None = None
    injury: bool = False
    stage: Stage = "reported"
    materials_received: frozenset[str] = frozenset()
    third_parties: bool = False
    payee_is_claimant: bool = True

    def __post_init__(self) -> None:
        if self.stage not in STAGES:
            raise EstimateInputError(
                f"claim {self.claim_id!r}: stage {self.stage!r} not in {STAGES}"
            )
        unknown = set(self.materials_received) - set(MATERIALS)
        if unknown:
            raise EstimateInputError(
                f"claim {self.claim_id!r}: unknown material(s) {sorted(unknown)}; "
                f"known: {MATERIALS}"
            )
        object.__setattr__(self, "accident_time", as_aware(self.accident_time, "accident_time"))
        object.__setattr__(self, "reported_at", as_aware(self.reported_at, "reported_at"))
        object.__setattr__(self, "materials_received", frozenset(self.materials_received))

    def to_dict(self) -> dict[str, object]:
        return {
            "claim_id": self.claim_id,
            "policy_no": self.policy_no,
            "plate": self.plate,
            "vin": self.vin,
            "vehicle_class": self.vehicle_class,
            "vehicle_type": self.vehicle_type,
            "region": self.region,
            "accident_time": self.accident_time.isoformat(),
            "reported_at": self.reported_at.isoformat(),
            "injury": self.injury,
            "stage": self.stage,
            "materials_received": sorted(self.materials_received),
            "third_parties": self.third_parties,
            "payee_is_claimant": self.payee_is_claimant,
        }


@dataclass(frozen=True)
class KnownPhoto:
    """A photo already stored in ANOTHER claim, passed in for the duplicate-photo check."""

    claim_id: str
    photo_id: str
    sha256: str | None = None
    perceptual_hash: str | None = None

    def __post_init__(self) -> None:
        if self.perceptual_hash is not None:
            try:
                int(self.perceptual_hash, 16)
            except ValueError:
                raise EstimateInputError(
                    f"known photo {self.photo_id!r} of claim {self.claim_id!r}: "
                    f"perceptual_hash {self.perceptual_hash!r} is not hexadecimal"
                ) from None
