"""Adjuster corrections of extracted document fields (the OCR reading is kept beside them)."""

from __future__ import annotations

from fastapi import APIRouter, status

from autoclaim.claims.store import FieldFix
from autoclaim.service.deps import StaffDep, StoreDep
from autoclaim.service.routers.claims import ERRORS
from autoclaim.service.routers.ids import ClaimId, DocumentId
from autoclaim.service.schemas import CorrectionCreated, CorrectionIn, ErrorOut
from autoclaim.service.views import correction_out

router = APIRouter(prefix="/v1/claims", tags=["review"])


@router.post(
    "/{claim_id}/documents/{document_id}/corrections",
    status_code=status.HTTP_201_CREATED,
    response_model=CorrectionCreated,
    responses={
        **ERRORS,
        404: {"model": ErrorOut, "description": "Unknown claim or document"},
        409: {"model": ErrorOut, "description": "Document not read yet, claim closed, or stale"},
        422: {"model": ErrorOut, "description": "Unknown field or malformed body"},
    },
)
def correct_field(
    claim_id: ClaimId,
    document_id: DocumentId,
    body: CorrectionIn,
    principal: StaffDep,
    store: StoreDep,
) -> CorrectionCreated:
    """Set one extracted field to the adjuster's value, with the required reason. Recorded
    as a `field_corrected` event; the OCR's value, raw text and confidence stay beside it, and
    a new estimate is queued so its checks see the corrected value."""
    correction_id = store.correct_field(
        principal,
        claim_id,
        document_id,
        FieldFix(field=body.field, value=body.value, reason=body.reason),
        body.expected_version,
    )
    record = store.get_claim(principal, claim_id)
    row = next(c for c in record.corrections if c.id == correction_id)
    return CorrectionCreated(
        **correction_out(row, masked=False).model_dump(),
        claim_version=record.claim.version,
        estimate_queued=True,
    )
