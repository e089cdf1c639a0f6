"""Request and response bodies of the claim API, with the examples OpenAPI shows."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, HttpUrl, model_validator

Cause = Literal[
    "collision",
    "scrape",
    "single_vehicle",
    "weather",
    "flood",
    "fire",
    "theft",
    "vandalism",
    "other",
]
ShortText = Annotated[str, Field(min_length=1, max_length=200)]


class Reporter(BaseModel):
    """Who reported the loss and how to reach them."""

    name: ShortText
    phone: str = Field(pattern=r"^\+?[0-9][0-9 \-]{4,19}$", examples=["13812345678"])
    id_number: str | None = Field(
        default=None, pattern=r"^[0-9]{17}[0-9Xx]$", examples=["110101199003074578"]
    )


class ThirdParty(BaseModel):
    name: str | None = Field(default=None, max_length=200)
    plate: str | None = Field(default=None, max_length=16)
    phone: str | None = Field(default=None, max_length=20)
    insurer: str | None = Field(default=None, max_length=200)


class Payee(BaseModel):
    """Who is paid: the claimant's account, or a partner repair shop (直赔 direct settlement)."""

    kind: Literal["claimant_account", "repair_shop"]
    account_name: str | None = Field(default=None, max_length=200)
    bank: str | None = Field(default=None, max_length=200)
    account_no: str | None = Field(default=None, pattern=r"^[0-9]{8,30}$")
    shop_name: str | None = Field(default=None, max_length=200)
    shop_id: str | None = Field(default=None, max_length=64)

    @model_validator(mode="after")
    def _shop_named(self) -> Payee:
        if self.kind == "repair_shop" and not self.shop_id:
            raise ValueError("a repair-shop payee needs shop_id (the partner shop's id)")
        return self


FNOL_EXAMPLE: dict[str, Any] = {
    "policy_number": "PDAA202431010000123456",
    "plate": "沪A12345",
    "vin": "LSVAU2180N2123456",
    "vehicle_class": "midsize",
    "accident_at": "2026-11-20T08:30:00+08:00",
    "place": "上海市浦东新区世纪大道100号",
    "cause": "collision",
    "description": "Rear-ended at a traffic light; rear bumper dented.",
    "injury": False,
    "third_parties": [{"name": "李四", "plate": "沪B54321"}],
    "reporter": {"name": "张三", "phone": "13812345678"},
    "payee": {"kind": "repair_shop", "shop_name": "浦东汽修", "shop_id": "SHOP-001"},
    "region": "shanghai",
}


class ClaimCreate(BaseModel):
    """First notice of loss (报案)."""

    model_config = ConfigDict(json_schema_extra={"examples": [FNOL_EXAMPLE]})

    policy_number: str = Field(min_length=1, max_length=64)
    plate: str = Field(min_length=2, max_length=16)
    vin: str | None = Field(default=None, pattern=r"^[A-HJ-NPR-Za-hj-npr-z0-9]{17}$")
    vehicle_class: str | None = Field(default=None, max_length=32)
    accident_at: AwareDatetime
    place: str = Field(min_length=1, max_length=500)
    cause: Cause
    description: str = Field(default="", max_length=4000)
    injury: bool = False
    third_parties: list[ThirdParty] = Field(default_factory=list, max_length=20)
    reporter: Reporter
    payee: Payee
    region: str = Field(min_length=1, max_length=64)


class EventOut(BaseModel):
    id: int
    at: datetime
    kind: str = Field(examples=["status_changed"])
    role: str = Field(examples=["adjuster"])
    actor: str | None = Field(description="Key id of who acted (staff view only).")
    from_status: str | None
    to_status: str | None
    reason: str | None
    detail: dict[str, Any]


class PhotoOut(BaseModel):
    id: str
    filename: str
    content_type: str
    size: int
    width: int
    height: int
    sha256: str
    captured_at: datetime | None
    uploaded_at: datetime
    status: Literal["queued", "assessed", "failed"]
    error: str | None
    assessment: dict[str, Any] | None


class DamageOut(BaseModel):
    """What the model saw on one photo: parts and damage types over their thresholds."""

    photo_id: str
    parts: list[dict[str, Any]] = Field(examples=[[{"label": "Bumper", "probability": 0.91}]])
    damage_types: list[dict[str, Any]]
    severity: dict[str, float]
    uncertainty: float
    warnings: list[dict[str, Any]]


class CorrectionOut(BaseModel):
    """An adjuster's value for one extracted field, beside the OCR's reading it replaced."""

    id: str
    document_id: str
    field: str = Field(examples=["vin"])
    value: str = Field(examples=["LSVAU2180N2123456"])
    original: dict[str, Any] = Field(
        description="The OCR's reading: value, raw text, confidence, status, reasons.",
        examples=[{"value": "LSVAU218ON2123456", "raw": "LSVAU218ON2123456", "confidence": 0.41}],
    )
    reason: str
    role: str
    at: datetime


class DocumentOut(BaseModel):
    """A document with its fields in force: a corrected field says `corrected: true` and
    keeps the OCR's reading under `original`."""

    id: str
    filename: str
    content_type: str
    size: int
    declared_type: str | None
    doc_type: str | None
    uploaded_at: datetime
    status: Literal["queued", "read", "failed"]
    error: str | None
    fields: dict[str, Any] | None
    line_items: list[dict[str, Any]]
    checks: list[dict[str, Any]]
    corrections: list[CorrectionOut] = Field(default_factory=list)


class OverrideOut(BaseModel):
    id: str
    line: str
    changes: dict[str, Any]
    original: dict[str, Any]
    reason: str
    role: str
    at: datetime


class EstimateOut(BaseModel):
    """The model's estimate (`model`, never edited) and the one in force (`effective`)."""

    id: str
    created_at: datetime
    total: str = Field(examples=["2350.00"])
    fast_track: bool | None
    adjusted: bool
    effective: dict[str, Any]
    model: dict[str, Any]
    overrides: list[OverrideOut]


class MaterialOut(BaseModel):
    name: str = Field(examples=["driver_licence"])
    required: bool
    received: bool
    description: str
    description_zh: str


class FailureOut(BaseModel):
    work_item: int
    kind: str
    target_id: str | None
    error: str | None


class ClaimOut(BaseModel):
    id: str
    version: int = Field(description="Optimistic-locking version; send it as expected_version.")
    status: str = Field(examples=["assessed"])
    allowed_next: list[str]
    created_at: datetime
    updated_at: datetime
    tracking_token: str | None = Field(description="For the claimant progress page.")
    policy_number: str
    plate: str
    vin: str | None
    vehicle_class: str | None
    accident_at: datetime
    place: str
    cause: str
    description: str
    injury: bool
    third_parties: list[dict[str, Any]]
    reporter: dict[str, Any]
    payee: dict[str, Any]
    region: str
    fast_track: bool | None
    flags: list[Any]
    damages: list[DamageOut]
    photos: list[PhotoOut]
    documents: list[DocumentOut]
    estimate: EstimateOut | None
    materials: list[MaterialOut]
    timeline: list[EventOut]
    failures: list[FailureOut]
    pending_work: int


class ClaimSummary(BaseModel):
    """One row of the claim queue."""

    id: str
    status: str
    plate: str
    created_at: datetime
    updated_at: datetime
    age_seconds: int = Field(description="Seconds since the claim was reported.")
    amount: str | None = Field(
        description="The estimate total in force (overrides applied); null before an estimate.",
        examples=["2350.00"],
    )
    fast_track: bool | None = Field(description="The fast-track verdict; null before one.")
    flag_count: int


SortKey = Literal["created", "age", "amount", "flags", "status"]


class ClaimPage(BaseModel):
    items: list[ClaimSummary]
    total: int
    limit: int
    offset: int
    sort: SortKey
    order: Literal["asc", "desc"]


class ClaimCreated(BaseModel):
    id: str
    status: str
    version: int
    tracking_token: str
    created: bool = Field(description="False when an Idempotency-Key replay returned it.")
    next_steps: list[str]


class UploadOut(BaseModel):
    claim_id: str
    ids: list[str]
    filenames: list[str]
    queued: int


class RecomputeOut(BaseModel):
    claim_id: str
    queued: bool
    retried_failed_work: int


Money = Annotated[Decimal, Field(ge=0, le=10_000_000, max_digits=12, decimal_places=2)]


class LineOverrideIn(BaseModel):
    """New figures for one estimate line (by part), with the reason."""

    line: str = Field(min_length=1, max_length=100, examples=["Bumper"])
    reason: str = Field(min_length=3, max_length=2000, examples=["Shop quote is lower"])
    operations: list[Literal["repair", "replace", "paint"]] | None = None
    part_cost: Money | None = None
    labour_hours: Annotated[Decimal, Field(ge=0, le=1000, decimal_places=2)] | None = None
    labour_cost: Money | None = None
    paint_cost: Money | None = None
    total: Money | None = None

    def changes(self) -> dict[str, Any]:
        values = self.model_dump(exclude={"line", "reason"}, exclude_none=True)
        return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in values.items()}

    @model_validator(mode="after")
    def _something_changes(self) -> LineOverrideIn:
        if not self.changes():
            raise ValueError("an override must change at least one figure")
        return self


class OverrideAction(BaseModel):
    action: Literal["override"]
    lines: list[LineOverrideIn] = Field(min_length=1, max_length=50)
    expected_version: int | None = None


class ApproveAction(BaseModel):
    """assessed → repairing (estimate approved); under_review → paid."""

    action: Literal["approve"]
    reason: str | None = Field(default=None, max_length=2000)
    expected_version: int | None = None


class RejectAction(BaseModel):
    action: Literal["reject"]
    reason: str = Field(min_length=3, max_length=2000)
    expected_version: int | None = None


class RequestEvidenceAction(BaseModel):
    """Back to surveying, naming what is needed."""

    action: Literal["request_evidence"]
    reason: str = Field(min_length=3, max_length=2000)
    materials: list[str] = Field(default_factory=list, max_length=20)
    expected_version: int | None = None


class SubmitAction(BaseModel):
    """repairing → under_review, once the repair is done and invoiced."""

    action: Literal["submit_for_review"]
    reason: str | None = Field(default=None, max_length=2000)
    expected_version: int | None = None


class CloseAction(BaseModel):
    action: Literal["close"]
    reason: str = Field(min_length=3, max_length=2000)
    expected_version: int | None = None


ReviewAction = Annotated[
    OverrideAction
    | ApproveAction
    | RejectAction
    | RequestEvidenceAction
    | SubmitAction
    | CloseAction,
    Field(discriminator="action"),
]

REVIEW_EXAMPLES: dict[str, Any] = {
    "override": {
        "summary": "Override a line",
        "value": {
            "action": "override",
            "lines": [{"line": "Bumper", "part_cost": "650.00", "reason": "Shop quote is lower"}],
        },
    },
    "approve": {"summary": "Approve", "value": {"action": "approve", "reason": "Photos clear"}},
    "reject": {"summary": "Reject", "value": {"action": "reject", "reason": "Not covered"}},
    "request_evidence": {
        "summary": "Ask for more evidence",
        "value": {
            "action": "request_evidence",
            "reason": "Rear photos are blurred",
            "materials": ["photos"],
        },
    },
}


class CorrectionIn(BaseModel):
    """An adjuster's value for one extracted document field, with the reason."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "field": "vin",
                    "value": "LSVAU2180N2123456",
                    "reason": "OCR read O for 0; checked against the licence photo",
                }
            ]
        }
    )

    field: str = Field(min_length=1, max_length=100)
    value: str = Field(min_length=1, max_length=500)
    reason: str = Field(min_length=3, max_length=2000)
    expected_version: int | None = None


class CorrectionCreated(CorrectionOut):
    claim_version: int = Field(description="The claim's version after the correction.")
    estimate_queued: bool = Field(description="A new estimate will use the corrected value.")


class ReviewOut(BaseModel):
    claim_id: str
    status: str
    version: int
    override_ids: list[str] = Field(default_factory=list)


class TrackedDocument(BaseModel):
    id: str
    filename: str
    declared_type: str | None
    doc_type: str | None
    status: Literal["queued", "read", "failed"]


class PlainLine(BaseModel):
    """One repair in plain words: the part, what is done to it, what it costs."""

    part: str = Field(examples=["Bumper"])
    operations: list[str] = Field(examples=[["repair", "paint"]])
    total: str = Field(examples=["850.00"])


class TrackingOut(BaseModel):
    """What the claimant sees by tracking token: progress, their uploads, no personal data."""

    status: str
    status_text: str
    plate: str
    updated_at: datetime
    accepts_evidence: bool = Field(description="Photos and documents can still be added.")
    estimate_total: str | None
    estimate_range: dict[str, Any] | None
    estimate_released: bool = Field(description="An adjuster approved the estimate.")
    estimate_lines: list[PlainLine] = Field(
        description="The approved estimate's repairs (empty until released)."
    )
    materials: list[MaterialOut]
    missing_materials: list[str]
    photos: list[PhotoOut]
    documents: list[TrackedDocument]
    pending_work: int
    timeline: list[EventOut]


class WebhookCreate(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"url": "https://insurer.example/hooks/autoclaim"}]}
    )

    url: HttpUrl


class WebhookOut(BaseModel):
    id: str
    url: str
    active: bool
    created_at: datetime
    secret: str | None = Field(
        default=None, description="HMAC secret; returned once, when the subscription is created."
    )


class DeliveryOut(BaseModel):
    id: int
    event_id: int
    status: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    delivered_at: datetime | None


class KeyCreate(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"role": "adjuster", "name": "claims desk 1"}]}
    )

    role: Literal["claimant", "adjuster", "admin"]
    name: str = Field(default="", max_length=200, examples=["claims desk 1"])


class KeyCreated(BaseModel):
    id: str
    role: str
    key: str = Field(description="Shown once; only its hash is stored.")


class AssessedPhoto(BaseModel):
    filename: str
    assessment: dict[str, Any]


class AssessOut(BaseModel):
    results: list[AssessedPhoto]


class DocumentReadOut(BaseModel):
    filename: str
    reading: dict[str, Any]


class ErrorBody(BaseModel):
    code: str = Field(examples=["invalid_transition"])
    message: str = Field(examples=["cannot move a claim from 'reported' to 'paid'"])
    detail: Any = None


class ErrorOut(BaseModel):
    error: ErrorBody
