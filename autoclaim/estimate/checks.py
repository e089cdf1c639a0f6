"""Consistency and risk checks: each a named rule that returns the flags it raises.

Severity: ``high`` is a risk an adjuster must clear (possible fraud or no cover), ``warning``
needs a look (something missing or inconsistent), ``info`` is noted only. Any ``warning`` or
``high`` flag keeps a claim off the fast track. Tolerances come from the price book's
``checks`` section. The checks read only their inputs (other claims' photo hashes are passed
in); they never touch a database.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Literal

from autoclaim.estimate.estimate import Estimate
from autoclaim.estimate.inputs import (
    CHINA_STANDARD_TIME,
    ClaimFacts,
    DocumentEvidence,
    KnownPhoto,
    PhotoEvidence,
)
from autoclaim.estimate.materials import claim_checklist, missing_materials
from autoclaim.estimate.phash import hamming
from autoclaim.estimate.price_book import PriceBook
from autoclaim.ocr.validators import (
    InvalidValueError,
    licence_allows_vehicle,
    parse_licence_classes,
)

FlagSeverity = Literal["info", "warning", "high"]
INVOICE_TYPES = ("repair_invoice", "vat_invoice", "receipt")


@dataclass(frozen=True)
class Flag:
    """One finding of a check, with the evidence behind it (JSON-serialisable values)."""

    code: str
    severity: FlagSeverity
    message: str
    message_zh: str
    evidence: dict[str, object] = field(default_factory=dict)

    @property
    def blocks_fast_track(self) -> bool:
        return self.severity != "info"

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "message_zh": self.message_zh,
            "evidence": self.evidence,
        }


@dataclass(frozen=True)
class CheckContext:
    """Everything the checks may look at."""

    facts: ClaimFacts
    photos: Sequence[PhotoEvidence]
    documents: Sequence[DocumentEvidence]
    estimate: Estimate
    book: PriceBook
    known_photos: Sequence[KnownPhoto] = ()

    def accident_date(self) -> date:
        return self.facts.accident_time.astimezone(CHINA_STANDARD_TIME).date()

    def documents_of(self, *doc_types: str) -> list[DocumentEvidence]:
        return [doc for doc in self.documents if doc.doc_type in doc_types]


def check_duplicate_photos(ctx: CheckContext) -> list[Flag]:
    """The same photo (same bytes, or perceptual hash within the book's distance) is already
    stored in another claim."""
    limit = ctx.book.checks.duplicate_photo_max_distance
    flags: list[Flag] = []
    for photo in ctx.photos:
        for known in ctx.known_photos:
            if known.claim_id == ctx.facts.claim_id:
                continue
            distance: int | None = None
            if known.sha256 is not None and known.sha256 == photo.sha256:
                distance = 0
            elif (
                photo.perceptual_hash is not None
                and known.perceptual_hash is not None
                and len(photo.perceptual_hash) == len(known.perceptual_hash)
            ):
                distance = hamming(photo.perceptual_hash, known.perceptual_hash)
            if distance is None or distance > limit:
                continue
            flags.append(
                Flag(
                    "duplicate_photo",
                    "high",
                    f"Photo {photo.photo_id} matches photo {known.photo_id} of claim "
                    f"{known.claim_id} (hash distance {distance}, limit {limit}).",
                    f"照片 {photo.photo_id} 与案件 {known.claim_id} 的照片 {known.photo_id} 相同"
                    f"（哈希距离 {distance}）。",
                    {
                        "photo_id": photo.photo_id,
                        "other_claim_id": known.claim_id,
                        "other_photo_id": known.photo_id,
                        "distance": distance,
                        "max_distance": limit,
                    },
                )
            )
    return flags


def check_photo_times(ctx: CheckContext) -> list[Flag]:
    """EXIF capture time long after the report, or long before the accident (the damage may
    predate it); photos without a capture time are noted."""
    policy = ctx.book.checks
    latest = ctx.facts.reported_at + timedelta(hours=policy.photo_max_hours_after_report)
    earliest = ctx.facts.accident_time - timedelta(hours=policy.photo_max_hours_before_accident)
    flags: list[Flag] = []
    untimed: list[str] = []
    for photo in ctx.photos:
        taken = photo.captured_at
        if taken is None:
            untimed.append(photo.photo_id)
            continue
        evidence: dict[str, object] = {
            "photo_id": photo.photo_id,
            "captured_at": taken.isoformat(),
            "accident_time": ctx.facts.accident_time.isoformat(),
            "reported_at": ctx.facts.reported_at.isoformat(),
        }
        if taken > latest:
            hours = (taken - ctx.facts.reported_at).total_seconds() / 3600
            flags.append(
                Flag(
                    "photo_taken_after_report",
                    "warning",
                    f"Photo {photo.photo_id} was taken {hours:.0f} h after the claim was "
                    f"reported (allowed: {policy.photo_max_hours_after_report:g} h).",
                    f"照片 {photo.photo_id} 拍摄于报案后 {hours:.0f} 小时。",
                    evidence,
                )
            )
        elif taken < earliest:
            hours = (ctx.facts.accident_time - taken).total_seconds() / 3600
            flags.append(
                Flag(
                    "photo_taken_before_accident",
                    "high",
                    f"Photo {photo.photo_id} was taken {hours:.0f} h before the accident: "
                    f"the damage may predate it "
                    f"(allowed: {policy.photo_max_hours_before_accident:g} h).",
                    f"照片 {photo.photo_id} 拍摄于事故发生前 {hours:.0f} 小时，损失可能早于事故。",
                    evidence,
                )
            )
    if untimed:
        flags.append(
            Flag(
                "photo_time_missing",
                "info",
                f"{len(untimed)} photo(s) carry no EXIF capture time: {', '.join(untimed)}.",
                f"{len(untimed)} 张照片没有拍摄时间信息。",
                {"photo_ids": untimed},
            )
        )
    return flags


def _normalise_identifier(value: str) -> str:
    return re.sub(r"[\s·•\-.]", "", value).upper()


def _identifier_flag(ctx: CheckContext, name: str, label: str, label_zh: str) -> list[Flag]:
    sources: dict[str, str] = {}
    claim_value = getattr(ctx.facts, name)
    if claim_value:
        sources["claim"] = claim_value
    for doc in ctx.documents_of("vehicle_licence", *INVOICE_TYPES):
        value = doc.value(name)
        if value:
            sources[f"{doc.doc_type}:{doc.document_id}"] = value
    distinct = {_normalise_identifier(v) for v in sources.values()}
    if len(distinct) <= 1:
        return []
    listed = "; ".join(f"{k} = {v}" for k, v in sources.items())
    return [
        Flag(
            f"{name}_mismatch",
            "high",
            f"The {label} differs between sources: {listed}.",
            f"{label_zh}不一致：{listed}。",
            {"values": sources},
        )
    ]


def check_plate(ctx: CheckContext) -> list[Flag]:
    """The plate differs between the claim, the vehicle licence and the invoices."""
    return _identifier_flag(ctx, "plate", "plate number", "号牌号码")


def check_vin(ctx: CheckContext) -> list[Flag]:
    """The VIN differs between the claim, the vehicle licence and the invoices."""
    return _identifier_flag(ctx, "vin", "VIN", "车辆识别代号")


def check_driver_licence(ctx: CheckContext) -> list[Flag]:
    """The driver licence was not valid on the accident date, or its class does not cover the
    vehicle type (from the vehicle licence, else the claim)."""
    accident = ctx.accident_date()
    vehicle_type = next(
        (v for d in ctx.documents_of("vehicle_licence") if (v := d.value("vehicle_type"))),
        ctx.facts.vehicle_type,
    )
    flags: list[Flag] = []
    for doc in ctx.documents_of("driver_licence"):
        ref: dict[str, object] = {
            "document_id": doc.document_id,
            "accident_date": accident.isoformat(),
        }
        valid_until, valid_from = doc.date_value("valid_until"), doc.date_value("valid_from")
        if valid_until is not None and valid_until < accident:
            flags.append(
                Flag(
                    "driver_licence_expired",
                    "high",
                    f"The driver licence expired on {valid_until} before the accident on "
                    f"{accident}.",
                    f"驾驶证已于 {valid_until} 过期，早于事故日期 {accident}。",
                    {**ref, "valid_until": valid_until.isoformat()},
                )
            )
        if valid_from is not None and valid_from > accident:
            flags.append(
                Flag(
                    "driver_licence_not_yet_valid",
                    "high",
                    f"The driver licence is valid only from {valid_from}, after the accident "
                    f"on {accident}.",
                    f"驾驶证有效期起始 {valid_from} 晚于事故日期 {accident}。",
                    {**ref, "valid_from": valid_from.isoformat()},
                )
            )
        licence_class = doc.value("licence_class")
        if licence_class is None:
            continue
        if vehicle_type is None:
            covers: bool | None = None
        else:
            try:
                parse_licence_classes(licence_class)
            except InvalidValueError as exc:
                flags.append(
                    Flag(
                        "licence_class_unreadable",
                        "warning",
                        f"The driver licence class could not be read: {exc}",
                        f"无法识别准驾车型 {licence_class}。",
                        {**ref, "licence_class": licence_class},
                    )
                )
                continue
            covers = licence_allows_vehicle(licence_class, vehicle_type)
        class_ref: dict[str, object] = {
            **ref,
            "licence_class": licence_class,
            "vehicle_type": vehicle_type,
        }
        if covers is False:
            flags.append(
                Flag(
                    "licence_class_not_covering",
                    "high",
                    f"Licence class {licence_class} does not cover a {vehicle_type}.",
                    f"准驾车型 {licence_class} 与车辆类型 {vehicle_type} 不符。",
                    class_ref,
                )
            )
        elif covers is None:
            flags.append(
                Flag(
                    "licence_class_unverified",
                    "info",
                    f"Licence class {licence_class} could not be checked against the vehicle "
                    f"type {vehicle_type or '(unknown)'}.",
                    "无法核对准驾车型与车辆类型。",
                    class_ref,
                )
            )
    return flags


def _invoice_total(doc: DocumentEvidence) -> Decimal | None:
    text = doc.value("total")
    if text is None:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def check_invoice_dates(ctx: CheckContext) -> list[Flag]:
    """A repair invoice dated before the accident cannot be for its repair."""
    accident = ctx.accident_date()
    flags: list[Flag] = []
    for doc in ctx.documents_of(*INVOICE_TYPES):
        issued = doc.date_value("date")
        if issued is not None and issued < accident:
            flags.append(
                Flag(
                    "invoice_before_accident",
                    "high",
                    f"Invoice {doc.document_id} is dated {issued}, before the accident on "
                    f"{accident}.",
                    f"发票日期 {issued} 早于事故日期 {accident}。",
                    {
                        "document_id": doc.document_id,
                        "invoice_date": issued.isoformat(),
                        "accident_date": accident.isoformat(),
                    },
                )
            )
    return flags


def check_invoice_total(ctx: CheckContext) -> list[Flag]:
    """The invoices' total lies outside the estimate's range and further from the estimate
    than the book's relative tolerance."""
    invoiced = [
        (doc.document_id, amount)
        for doc in ctx.documents_of(*INVOICE_TYPES)
        if (amount := _invoice_total(doc)) is not None
    ]
    if not invoiced:
        return []
    invoice_total = sum((a for _, a in invoiced), Decimal(0))
    estimate = ctx.estimate
    limit = Decimal(str(ctx.book.checks.invoice_max_relative_deviation))
    inside = estimate.range.low <= invoice_total <= estimate.range.high
    if estimate.total > 0:
        deviation = abs(invoice_total - estimate.total) / estimate.total
        far = deviation > limit
    else:
        deviation, far = None, invoice_total > 0
    if inside or not far:
        return []
    shown = f"{deviation:.0%}" if deviation is not None else "no estimate"
    return [
        Flag(
            "invoice_total_far_from_estimate",
            "warning",
            f"Invoiced {invoice_total} CNY against an estimate of {estimate.total} "
            f"(range {estimate.range.low}–{estimate.range.high}); off by {shown}, "
            f"allowed {limit:.0%}.",
            f"发票金额 {invoice_total} 元与估损 {estimate.total} 元相差 {shown}。",
            {
                "invoice_total": str(invoice_total),
                "documents": [doc_id for doc_id, _ in invoiced],
                "estimate_total": str(estimate.total),
                "estimate_low": str(estimate.range.low),
                "estimate_high": str(estimate.range.high),
                "relative_deviation": float(deviation) if deviation is not None else None,
            },
        )
    ]


# Key fields per document type: invalid ones make the document unreliable.
KEY_FIELDS: dict[str, tuple[str, ...]] = {
    "vehicle_licence": ("plate", "vin", "vehicle_type"),
    "driver_licence": ("licence_no", "licence_class", "valid_until"),
    "repair_invoice": ("date", "total"),
    "vat_invoice": ("date", "total"),
    "receipt": ("date", "total"),
}


def check_documents(ctx: CheckContext) -> list[Flag]:
    """A document's own cross-field checks failed, or a key field was read as invalid."""
    flags: list[Flag] = []
    for doc in ctx.documents:
        invalid = [
            name
            for name in KEY_FIELDS.get(doc.doc_type, ())
            if (reading := doc.fields.get(name)) is not None and reading.status == "invalid"
        ]
        if not invalid and not doc.failed_checks:
            continue
        problems = [f"invalid {name}" for name in invalid] + [
            f"failed check {name}" for name in doc.failed_checks
        ]
        flags.append(
            Flag(
                "document_inconsistent",
                "warning",
                f"Document {doc.document_id} ({doc.doc_type}) is inconsistent: "
                f"{', '.join(problems)}.",
                f"单证 {doc.document_id} 信息不一致或无效。",
                {
                    "document_id": doc.document_id,
                    "doc_type": doc.doc_type,
                    "invalid_fields": invalid,
                    "failed_checks": list(doc.failed_checks),
                },
            )
        )
    return flags


def check_materials(ctx: CheckContext) -> list[Flag]:
    """Materials the claim's stage requires have not arrived."""
    missing = missing_materials(claim_checklist(ctx.facts, ctx.photos, ctx.documents))
    if not missing:
        return []
    return [
        Flag(
            "materials_missing",
            "warning",
            f"Missing for stage {ctx.facts.stage}: {', '.join(missing)}.",
            f"当前阶段缺少材料：{', '.join(missing)}。",
            {"stage": ctx.facts.stage, "missing": list(missing)},
        )
    ]


CHECKS: tuple[Callable[[CheckContext], list[Flag]], ...] = (
    check_duplicate_photos,
    check_photo_times,
    check_plate,
    check_vin,
    check_driver_licence,
    check_invoice_dates,
    check_invoice_total,
    check_documents,
    check_materials,
)


def run_checks(ctx: CheckContext) -> list[Flag]:
    """Every check's flags, high severity first (stable within a severity)."""
    order = {"high": 0, "warning": 1, "info": 2}
    flags = [flag for check in CHECKS for flag in check(ctx)]
    return sorted(flags, key=lambda f: order[f.severity])
