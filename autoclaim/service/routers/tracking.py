"""The claimant's way back to a claim by its unguessable tracking token (no API key): progress
without personal data, and photo and document uploads to that claim and no other."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Path, UploadFile, status

from autoclaim.claims.principals import SYSTEM, tracking_link_holder
from autoclaim.service.deps import BlobsDep, SettingsDep, StoreDep
from autoclaim.service.routers import uploads
from autoclaim.service.schemas import ErrorOut, TrackingOut, UploadOut
from autoclaim.service.views import tracking_out

router = APIRouter(prefix="/v1/track", tags=["tracking"])

Token = Annotated[
    str,
    Path(
        min_length=16,
        max_length=64,
        description="The claim's tracking token, from `POST /v1/claims`.",
        examples=["Q2x1ZS1mb3ItdGhlLWNsYWltYW50LTAx"],
    ),
]
TOKEN_UPLOAD_ERRORS: dict[int | str, dict[str, object]] = {
    **{k: v for k, v in uploads.UPLOAD_ERRORS.items() if k not in (401, 403)},
    404: {"model": ErrorOut, "description": "Unknown token"},
}


@router.get(
    "/{token}",
    response_model=TrackingOut,
    responses={404: {"model": ErrorOut, "description": "Unknown token"}},
)
def track_claim(token: Token, store: StoreDep) -> TrackingOut:
    """Status, timeline, materials and uploads of the claim behind `token`, masked."""
    claim_id = store.claim_id_for_token(token)
    return tracking_out(store.get_claim(SYSTEM, claim_id))


@router.post(
    "/{token}/photos",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=UploadOut,
    responses=TOKEN_UPLOAD_ERRORS,
)
def upload_photos(
    token: Token,
    files: Annotated[list[UploadFile], File(description="Damage photos (JPEG, PNG, WebP, HEIC)")],
    store: StoreDep,
    blobs: BlobsDep,
    settings: SettingsDep,
) -> UploadOut:
    """Add photos to the claim behind `token`, as `POST /v1/claims/{id}/photos` does."""
    claim_id = store.claim_id_for_token(token)
    return uploads.upload_photos(
        claim_id=claim_id,
        files=files,
        principal=tracking_link_holder(claim_id),
        store=store,
        blobs=blobs,
        settings=settings,
    )


@router.post(
    "/{token}/documents",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=UploadOut,
    responses=TOKEN_UPLOAD_ERRORS,
)
def upload_documents(
    token: Token,
    files: Annotated[list[UploadFile], File(description="Licences, invoices (PDF or images)")],
    store: StoreDep,
    blobs: BlobsDep,
    settings: SettingsDep,
    doc_type: uploads.DeclaredType = None,
) -> UploadOut:
    """Add documents to the claim behind `token`, as `POST /v1/claims/{id}/documents` does."""
    claim_id = store.claim_id_for_token(token)
    return uploads.upload_documents(
        claim_id=claim_id,
        files=files,
        principal=tracking_link_holder(claim_id),
        store=store,
        blobs=blobs,
        settings=settings,
        doc_type=doc_type,
    )
