"""Claimant progress by an unguessable tracking token (no API key, no personal data)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from autoclaim.claims.principals import SYSTEM
from autoclaim.service.deps import StoreDep
from autoclaim.service.schemas import ErrorOut, TrackingOut
from autoclaim.service.views import tracking_out

router = APIRouter(prefix="/v1/track", tags=["tracking"])


@router.get(
    "/{token}",
    response_model=TrackingOut,
    responses={404: {"model": ErrorOut, "description": "Unknown token"}},
)
def track_claim(
    token: Annotated[str, Path(min_length=16, max_length=64)], store: StoreDep
) -> TrackingOut:
    """Status, timeline and missing materials of the claim behind `token`, masked."""
    claim_id = store.claim_id_for_token(token)
    return tracking_out(store.get_claim(SYSTEM, claim_id))
