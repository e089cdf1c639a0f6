"""From stored model and OCR output (JSON dicts) to the estimate's input dataclasses."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, cast

from autoclaim.claims.corrections import apply_corrections
from autoclaim.claims.models import Claim, Document, FieldCorrection, Photo
from autoclaim.estimate.inputs import (
    DOC_TYPES,
    FIELD_STATUSES,
    ClaimFacts,
    DocType,
    DocumentEvidence,
    FieldStatus,
    FieldValue,
    KnownPhoto,
    LabelScore,
    PhotoEvidence,
    Stage,
)
from autoclaim.estimate.materials import DOC_TYPE_MATERIAL


def _region(value: Any) -> tuple[float, float, float, float] | None:
    if not value or len(value) != 4:
        return None
    x0, y0, x1, y1 = (float(v) for v in value)
    return (x0, y0, x1, y1)


def _scores(findings: Iterable[dict[str, Any]]) -> tuple[LabelScore, ...]:
    return tuple(
        LabelScore(
            label=str(f["label"]),
            probability=float(f["probability"]),
            detected=bool(f["detected"]),
            region=_region(f.get("region")),
        )
        for f in findings
    )


def photo_evidence(photo: Photo) -> PhotoEvidence:
    """A stored photo and its PhotoAssessment-shaped result as estimate input."""
    if photo.assessment is None:
        raise ValueError(f"photo {photo.id!r} has no assessment yet")
    a = photo.assessment
    return PhotoEvidence(
        photo_id=photo.id,
        sha256=photo.sha256,
        parts=_scores(a.get("parts", [])),
        damage_types=_scores(a.get("damage_types", [])),
        severity={str(k): float(v) for k, v in a.get("severity", {}).items()},
        uncertainty=float(a.get("uncertainty", 0.0)),
        perceptual_hash=photo.phash,
        captured_at=photo.captured_at,
        quality_warnings=tuple(str(w["code"]) for w in a.get("warnings", [])),
        model_version=str(a.get("model_version", "unknown")),
    )


def document_evidence(
    document: Document, corrections: Sequence[FieldCorrection] = ()
) -> DocumentEvidence:
    """A stored document and its DocumentReading-shaped result as estimate input, with the
    adjuster's field corrections applied."""
    if document.reading is None:
        raise ValueError(f"document {document.id!r} has not been read yet")
    r = apply_corrections(document.reading, corrections)
    doc_type = str(r.get("doc_type", "unknown"))
    fields: dict[str, FieldValue] = {}
    for name, reading in r.get("fields", {}).items():
        status = str(reading.get("status", "unchecked"))
        fields[str(name)] = FieldValue(
            value=reading.get("value"),
            status=cast(FieldStatus, status if status in FIELD_STATUSES else "unchecked"),
            confidence=min(1.0, max(0.0, float(reading.get("confidence", 1.0)))),
        )
    failed = tuple(str(c["name"]) for c in r.get("checks", []) if not c.get("passed", True))
    return DocumentEvidence(
        document_id=document.id,
        doc_type=cast(DocType, doc_type if doc_type in DOC_TYPES else "unknown"),
        fields=fields,
        failed_checks=failed,
    )


def declared_materials(claim: Claim, documents: Iterable[Document]) -> frozenset[str]:
    """Materials that arrived outside OCR: a bank account in the payee, and documents the
    claimant declared as an ID card or accident report."""
    arrived = {
        doc.declared_type
        for doc in documents
        if doc.declared_type in ("id_card", "accident_report")
    }
    if claim.payee.get("account_no"):
        arrived.add("bank_account")
    return frozenset(str(m) for m in arrived)


def received_materials(
    claim: Claim, photos: Iterable[Photo], documents: Iterable[Document]
) -> frozenset[str]:
    """Everything that arrived: declared materials, photos, documents OCR recognised."""
    docs = list(documents)
    arrived = set(declared_materials(claim, docs))
    if any(True for _ in photos):
        arrived.add("photos")
    arrived.update(
        DOC_TYPE_MATERIAL[str(d.doc_type)] for d in docs if d.doc_type in DOC_TYPE_MATERIAL
    )
    return frozenset(arrived)


def payee_is_claimant(claim: Claim) -> bool:
    return bool(claim.payee.get("kind", "claimant_account") == "claimant_account")


def claim_facts(claim: Claim, materials_received: Iterable[str] = ()) -> ClaimFacts:
    """The claim record's own facts as estimate input."""
    return ClaimFacts(
        third_parties=bool(claim.third_parties),
        payee_is_claimant=payee_is_claimant(claim),
        claim_id=claim.id,
        policy_no=claim.policy_number,
        plate=claim.plate,
        vin=claim.vin,
        accident_time=claim.accident_at,
        reported_at=claim.created_at,
        vehicle_class=claim.vehicle_class,
        region=claim.region,
        injury=claim.injury,
        stage=cast(Stage, claim.status),
        materials_received=frozenset(materials_received),
    )


def known_photos(photos: Iterable[Photo]) -> list[KnownPhoto]:
    """Photos of other claims, for the duplicate-photo check."""
    return [
        KnownPhoto(claim_id=p.claim_id, photo_id=p.id, sha256=p.sha256, perceptual_hash=p.phash)
        for p in photos
    ]
