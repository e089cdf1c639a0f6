"""Adjuster review: override estimate lines, approve, reject, ask for more evidence."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body

from autoclaim.claims.errors import InvalidTransitionError, PermissionDeniedError
from autoclaim.claims.principals import Principal
from autoclaim.claims.store import ClaimStore, LineOverride
from autoclaim.claims.workflow import ClaimStatus, allowed_targets
from autoclaim.service.deps import PrincipalDep, StoreDep
from autoclaim.service.routers.claims import ERRORS
from autoclaim.service.routers.ids import ClaimId
from autoclaim.service.schemas import (
    REVIEW_EXAMPLES,
    ApproveAction,
    CloseAction,
    ErrorOut,
    OverrideAction,
    RejectAction,
    RequestEvidenceAction,
    ReviewAction,
    ReviewOut,
    SubmitAction,
)

router = APIRouter(prefix="/v1/claims", tags=["review"])

APPROVE_TARGET = {
    ClaimStatus.ASSESSED: (ClaimStatus.REPAIRING, "estimate_approved"),
    ClaimStatus.UNDER_REVIEW: (ClaimStatus.PAID, "paid"),
}


def _require_staff(principal: Principal, action: str) -> None:
    if not principal.is_staff:
        raise PermissionDeniedError(
            f"role {principal.role.value!r} may not {action}; an adjuster key is needed"
        )


def _approve(store: ClaimStore, principal: Principal, claim_id: str, a: ApproveAction) -> None:
    current = ClaimStatus(store.check_access(principal, claim_id))
    if current not in APPROVE_TARGET:
        raise InvalidTransitionError(current.value, "approved", allowed_targets(current))
    target, kind = APPROVE_TARGET[current]
    store.change_status(principal, claim_id, target, a.reason, kind, a.expected_version)


@router.post(
    "/{claim_id}/review",
    response_model=ReviewOut,
    responses={**ERRORS, 409: {"model": ErrorOut, "description": "Invalid state change"}},
)
def review_claim(
    claim_id: ClaimId,
    action: Annotated[ReviewAction, Body(openapi_examples=REVIEW_EXAMPLES)],
    principal: PrincipalDep,
    store: StoreDep,
) -> ReviewOut:
    """One review action. `approve` moves assessed → repairing and under_review → paid;
    `submit_for_review` (claimant or adjuster) moves repairing → under_review."""
    override_ids: list[str] = []
    if isinstance(action, SubmitAction):
        store.change_status(
            principal,
            claim_id,
            ClaimStatus.UNDER_REVIEW,
            action.reason,
            "submitted_for_review",
            action.expected_version,
        )
    else:
        _require_staff(principal, action.action.replace("_", " "))
        if isinstance(action, OverrideAction):
            override_ids = store.override_lines(
                principal,
                claim_id,
                [LineOverride(line.line, line.changes(), line.reason) for line in action.lines],
                action.expected_version,
            )
        elif isinstance(action, ApproveAction):
            _approve(store, principal, claim_id, action)
        elif isinstance(action, RejectAction):
            store.change_status(
                principal,
                claim_id,
                ClaimStatus.REJECTED,
                action.reason,
                "rejected",
                action.expected_version,
            )
        elif isinstance(action, RequestEvidenceAction):
            store.change_status(
                principal,
                claim_id,
                ClaimStatus.SURVEYING,
                action.reason,
                "evidence_requested",
                action.expected_version,
                detail={"materials": action.materials},
            )
        elif isinstance(action, CloseAction):
            store.change_status(
                principal,
                claim_id,
                ClaimStatus.CLOSED,
                action.reason,
                "closed",
                action.expected_version,
            )
    record = store.get_claim(principal, claim_id)
    return ReviewOut(
        claim_id=claim_id,
        status=record.claim.status,
        version=record.claim.version,
        override_ids=override_ids,
    )
