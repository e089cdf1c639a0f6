"""The JSON API endpoints the pages call, by keyword, returning their response models.

Pages never reach past these into the store for an action: what a page does is what the
same request to the API does (same validation, same permissions, same events).
"""

from __future__ import annotations

from typing import Literal

from fastapi import Response, UploadFile

from autoclaim.claims.blobs import BlobStore
from autoclaim.claims.estimating import ClaimEstimator
from autoclaim.claims.principals import Principal
from autoclaim.claims.store import ClaimStore
from autoclaim.claims.workflow import ClaimStatus
from autoclaim.config import Settings
from autoclaim.service.routers import claims as claims_api
from autoclaim.service.routers import corrections as corrections_api
from autoclaim.service.routers import review as review_api
from autoclaim.service.routers import tracking as tracking_api
from autoclaim.service.routers import uploads as uploads_api
from autoclaim.service.schemas import (
    ClaimCreate,
    ClaimCreated,
    ClaimOut,
    ClaimPage,
    CorrectionCreated,
    CorrectionIn,
    ReviewAction,
    ReviewOut,
    SortKey,
    TrackingOut,
    UploadOut,
)


def read_claim(principal: Principal, store: ClaimStore, claim_id: str) -> ClaimOut:
    """`GET /v1/claims/{id}` (masked for claimants, as the API masks it)."""
    answer = claims_api.get_claim(claim_id=claim_id, principal=principal, store=store)
    if isinstance(answer, Response):  # the endpoint serialises its ClaimOut itself
        return ClaimOut.model_validate_json(bytes(answer.body))
    return answer


def list_claims(
    principal: Principal,
    store: ClaimStore,
    status: ClaimStatus | None,
    fast_track: bool | None,
    has_flags: bool | None,
    limit: int,
    offset: int,
    sort: SortKey = "created",
    order: Literal["asc", "desc"] = "desc",
) -> ClaimPage:
    """`GET /v1/claims` with its filters, order and pagination."""
    return claims_api.list_claims(
        principal=principal,
        store=store,
        status_=status,
        fast_track=fast_track,
        has_flags=has_flags,
        limit=limit,
        offset=offset,
        sort=sort,
        order=order,
    )


def report_claim(
    body: ClaimCreate,
    principal: Principal,
    store: ClaimStore,
    estimator: ClaimEstimator,
    idempotency_key: str | None,
) -> ClaimCreated:
    """`POST /v1/claims` with an `Idempotency-Key`."""
    return claims_api.report_claim(
        body=body,
        principal=principal,
        store=store,
        estimator=estimator,
        response=Response(),
        idempotency_key=idempotency_key,
    )


def upload(
    kind: str,
    claim_id: str,
    files: list[UploadFile],
    principal: Principal,
    store: ClaimStore,
    blobs: BlobStore,
    settings: Settings,
    doc_type: str | None = None,
) -> UploadOut:
    """`POST /v1/claims/{id}/photos` or `.../documents`."""
    if kind == "photos":
        return uploads_api.upload_photos(
            claim_id=claim_id,
            files=files,
            principal=principal,
            store=store,
            blobs=blobs,
            settings=settings,
        )
    return uploads_api.upload_documents(
        claim_id=claim_id,
        files=files,
        principal=principal,
        store=store,
        blobs=blobs,
        settings=settings,
        doc_type=doc_type,
    )


def evidence_file(
    kind: str,
    claim_id: str,
    file_id: str,
    principal: Principal,
    store: ClaimStore,
    blobs: BlobStore,
) -> Response:
    """`GET /v1/claims/{id}/photos/{photo}/content` or `.../documents/{document}/content`."""
    if kind == "photos":
        return uploads_api.photo_content(
            claim_id=claim_id, photo_id=file_id, principal=principal, store=store, blobs=blobs
        )
    return uploads_api.document_content(
        claim_id=claim_id, document_id=file_id, principal=principal, store=store, blobs=blobs
    )


def review(
    claim_id: str, action: ReviewAction, principal: Principal, store: ClaimStore
) -> ReviewOut:
    """`POST /v1/claims/{id}/review`."""
    return review_api.review_claim(
        claim_id=claim_id, action=action, principal=principal, store=store
    )


def correct_field(
    claim_id: str,
    document_id: str,
    body: CorrectionIn,
    principal: Principal,
    store: ClaimStore,
) -> CorrectionCreated:
    """`POST /v1/claims/{id}/documents/{document}/corrections`."""
    return corrections_api.correct_field(
        claim_id=claim_id, document_id=document_id, body=body, principal=principal, store=store
    )


def track(token: str, store: ClaimStore) -> TrackingOut:
    """`GET /v1/track/{token}`."""
    return tracking_api.track_claim(token=token, store=store)


def track_upload(
    kind: str,
    token: str,
    files: list[UploadFile],
    store: ClaimStore,
    blobs: BlobStore,
    settings: Settings,
    doc_type: str | None = None,
) -> UploadOut:
    """`POST /v1/track/{token}/photos` or `.../documents`."""
    if kind == "photos":
        return tracking_api.upload_photos(
            token=token, files=files, store=store, blobs=blobs, settings=settings
        )
    return tracking_api.upload_documents(
        token=token, files=files, store=store, blobs=blobs, settings=settings, doc_type=doc_type
    )
