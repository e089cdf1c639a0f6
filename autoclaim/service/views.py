"""Claim records as API bodies; the claimant's view is masked (ID and phone numbers)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from autoclaim.claims import adapters
from autoclaim.claims.corrections import apply_corrections
from autoclaim.claims.masking import mask_phone, mask_value
from autoclaim.claims.models import Document, Event, FieldCorrection, Photo
from autoclaim.claims.overrides import apply_overrides
from autoclaim.claims.store import ClaimRecord
from autoclaim.claims.workflow import ACCEPTS_EVIDENCE, ClaimStatus, allowed_targets
from autoclaim.estimate.inputs import Stage
from autoclaim.estimate.materials import MaterialItem, materials_checklist, missing_materials
from autoclaim.service.schemas import (
    ClaimOut,
    CorrectionOut,
    DamageOut,
    DocumentOut,
    EstimateOut,
    EventOut,
    FailureOut,
    MaterialOut,
    OverrideOut,
    PhotoOut,
    PlainLine,
    TrackedDocument,
    TrackingOut,
)

STATUS_TEXT = {
    "reported": "Reported: upload photos of the damage and your licences.",
    "surveying": "Evidence received: the damage is being assessed.",
    "assessed": "Preliminary estimate ready: waiting for the adjuster.",
    "repairing": "Estimate approved: the vehicle can be repaired.",
    "under_review": "Repair invoice received: the claim is being reviewed for payment.",
    "paid": "Paid.",
    "rejected": "The claim was rejected; see the reason in the timeline.",
    "closed": "Closed.",
}


# The estimate is shown to the claimant once an adjuster approved it.
RELEASED = ("repairing", "under_review", "paid", "closed")


def _mask_account(value: Any) -> Any:
    if not isinstance(value, str) or len(value) <= 4:
        return value
    return "*" * (len(value) - 4) + value[-4:]


def event_out(event: Event, masked: bool) -> EventOut:
    return EventOut(
        id=event.id,
        at=event.at,
        kind=event.kind,
        role=event.role,
        actor=None if masked else event.actor,
        from_status=event.from_status,
        to_status=event.to_status,
        reason=mask_value(event.reason) if masked else event.reason,
        detail=mask_value(event.detail) if masked else event.detail,
    )


def damage_out(photo: Photo) -> DamageOut | None:
    a = photo.assessment
    if a is None:
        return None
    return DamageOut(
        photo_id=photo.id,
        parts=[
            {"label": f["label"], "probability": f["probability"], "region": f.get("region")}
            for f in a.get("parts", [])
            if f.get("detected")
        ],
        damage_types=[
            {"label": f["label"], "probability": f["probability"]}
            for f in a.get("damage_types", [])
            if f.get("detected")
        ],
        severity=dict(a.get("severity", {})),
        uncertainty=float(a.get("uncertainty", 0.0)),
        warnings=list(a.get("warnings", [])),
    )


def photo_out(photo: Photo) -> PhotoOut:
    return PhotoOut(
        id=photo.id,
        filename=photo.filename,
        content_type=photo.content_type,
        size=photo.size,
        width=photo.width,
        height=photo.height,
        sha256=photo.sha256,
        captured_at=photo.captured_at,
        uploaded_at=photo.uploaded_at,
        status=photo.status,  # type: ignore[arg-type]
        error=photo.error,
        assessment=photo.assessment,
    )


def correction_out(c: FieldCorrection, masked: bool) -> CorrectionOut:
    return CorrectionOut(
        id=c.id,
        document_id=c.document_id,
        field=c.field,
        value=mask_value(c.value) if masked else c.value,
        original=mask_value(c.original) if masked else c.original,
        reason=mask_value(c.reason) if masked else c.reason,
        role=c.role,
        at=c.created_at,
    )


def document_out(
    doc: Document, masked: bool, corrections: Sequence[FieldCorrection] = ()
) -> DocumentOut:
    """The document with its fields in force (corrections applied, OCR reading kept)."""
    reading = apply_corrections(doc.reading, corrections) if doc.reading is not None else {}
    fields = reading.get("fields") if doc.reading is not None else None
    return DocumentOut(
        id=doc.id,
        filename=doc.filename,
        content_type=doc.content_type,
        size=doc.size,
        declared_type=doc.declared_type,
        doc_type=doc.doc_type,
        uploaded_at=doc.uploaded_at,
        status=doc.status,  # type: ignore[arg-type]
        error=doc.error,
        fields=mask_value(fields) if masked else fields,
        line_items=list(reading.get("line_items", [])),
        checks=list(reading.get("checks", [])),
        corrections=[correction_out(c, masked) for c in corrections],
    )


def estimate_out(record: ClaimRecord) -> EstimateOut | None:
    estimate = record.estimate
    if estimate is None:
        return None
    effective = apply_overrides(estimate.body, record.overrides)
    return EstimateOut(
        id=estimate.id,
        created_at=estimate.created_at,
        total=str(effective.get("total", estimate.total)),
        fast_track=estimate.fast_track,
        adjusted=bool(effective.get("adjusted", False)),
        effective=effective,
        model=estimate.body,
        overrides=[
            OverrideOut(
                id=o.id,
                line=o.line_key,
                changes=o.changes,
                original=o.original,
                reason=o.reason,
                role=o.role,
                at=o.created_at,
            )
            for o in record.overrides
        ],
    )


def checklist(record: ClaimRecord) -> list[MaterialItem]:
    """The materials the claim's stage needs, and which have arrived."""
    claim = record.claim
    return materials_checklist(
        cast(Stage, claim.status),
        adapters.received_materials(claim, record.photos, record.documents),
        injury=claim.injury,
        third_parties=bool(claim.third_parties),
        payee_is_claimant=adapters.payee_is_claimant(claim),
    )


def materials_out(record: ClaimRecord) -> list[MaterialOut]:
    return [MaterialOut(**item.to_dict()) for item in checklist(record)]  # type: ignore[arg-type]


def claim_out(record: ClaimRecord, masked: bool) -> ClaimOut:
    """The full claim; `masked` for claimants (ID, phone and account numbers hidden)."""
    claim = record.claim
    reporter = dict(claim.reporter)
    payee = dict(claim.payee)
    third_parties = [dict(p) for p in claim.third_parties]
    if masked:
        reporter["phone"] = mask_phone(reporter.get("phone"))
        reporter = mask_value(reporter)
        payee["account_no"] = _mask_account(payee.get("account_no"))
        third_parties = [
            {**mask_value(p), "phone": mask_phone(p.get("phone"))} for p in third_parties
        ]
    body = record.estimate.body if record.estimate is not None else {}
    damages = [d for d in (damage_out(p) for p in record.photos) if d is not None]
    return ClaimOut(
        id=claim.id,
        version=claim.version,
        status=claim.status,
        allowed_next=allowed_targets(ClaimStatus(claim.status)),
        created_at=claim.created_at,
        updated_at=claim.updated_at,
        tracking_token=claim.tracking_token,
        policy_number=claim.policy_number,
        plate=claim.plate,
        vin=claim.vin,
        vehicle_class=claim.vehicle_class,
        accident_at=claim.accident_at,
        place=claim.place,
        cause=claim.cause,
        description=mask_value(claim.description) if masked else claim.description,
        injury=claim.injury,
        third_parties=third_parties,
        reporter=reporter,
        payee=payee,
        region=claim.region,
        fast_track=claim.fast_track,
        flags=list(body.get("flags", [])),
        damages=damages,
        photos=[photo_out(p) for p in record.photos],
        documents=[document_out(d, masked, record.corrections_for(d.id)) for d in record.documents],
        estimate=estimate_out(record),
        materials=materials_out(record),
        timeline=[event_out(e, masked) for e in record.events],
        failures=[
            FailureOut(work_item=w.id, kind=w.kind, target_id=w.target_id, error=w.error)
            for w in record.failed_work
        ],
        pending_work=record.pending_work,
    )


def tracking_out(record: ClaimRecord) -> TrackingOut:
    """Progress for the claimant by tracking token: status, timeline, what is missing, what
    was uploaded, and the estimate's repairs once an adjuster approved it."""
    items = checklist(record)
    estimate = estimate_out(record)
    plate = record.claim.plate
    released = estimate is not None and record.claim.status in RELEASED
    lines = estimate.effective.get("lines", []) if estimate is not None and released else []
    return TrackingOut(
        status=record.claim.status,
        status_text=STATUS_TEXT[record.claim.status],
        plate=plate[:2] + "*" * max(0, len(plate) - 4) + plate[-2:],
        updated_at=record.claim.updated_at,
        accepts_evidence=ClaimStatus(record.claim.status) in ACCEPTS_EVIDENCE,
        estimate_total=estimate.total if estimate is not None else None,
        estimate_range=estimate.effective.get("range") if estimate is not None else None,
        estimate_released=released,
        estimate_lines=[
            PlainLine(
                part=str(line.get("part")),
                operations=[str(op) for op in line.get("operations", [])],
                total=str(line.get("total")),
            )
            for line in lines
        ],
        materials=materials_out(record),
        missing_materials=list(missing_materials(items)),
        photos=[photo_out(p) for p in record.photos],
        documents=[
            TrackedDocument(
                id=d.id,
                filename=d.filename,
                declared_type=d.declared_type,
                doc_type=d.doc_type,
                status=d.status,  # type: ignore[arg-type]
            )
            for d in record.documents
        ],
        pending_work=record.pending_work,
        timeline=[event_out(e, masked=True) for e in record.events],
    )


def next_steps(status: str, missing: Sequence[str]) -> list[str]:
    """What the claimant should do now, in plain words."""
    steps = [STATUS_TEXT.get(status, status)]
    if missing:
        steps.append("Still needed: " + ", ".join(missing) + ".")
    return steps
