"""Claims: first notice of loss, reading, listing, estimate recompute."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Header, Query, Response, status

from autoclaim.claims.principals import tracking_link_holder
from autoclaim.claims.store import ClaimFilter, ClaimSort, NewClaim
from autoclaim.claims.workflow import ClaimStatus
from autoclaim.service.deps import (
    EstimatorDep,
    PrincipalDep,
    ReporterDep,
    StaffDep,
    StoreDep,
)
from autoclaim.service.routers.ids import ClaimId
from autoclaim.service.schemas import (
    ClaimCreate,
    ClaimCreated,
    ClaimOut,
    ClaimPage,
    ClaimSummary,
    ErrorOut,
    RecomputeOut,
    SortKey,
)
from autoclaim.service.views import checklist, claim_out, next_steps

router = APIRouter(prefix="/v1/claims", tags=["claims"])

ERRORS: dict[int | str, dict[str, object]] = {
    401: {"model": ErrorOut, "description": "Missing or unknown API key"},
    403: {"model": ErrorOut, "description": "Role not allowed / not your claim"},
    404: {"model": ErrorOut, "description": "Unknown claim"},
}

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=255,
        description="Repeat a request safely: the same key and body return the same claim.",
        examples=["fnol-2026-11-20-0001"],
    ),
]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=ClaimCreated,
    responses={
        **ERRORS,
        401: {"model": ErrorOut, "description": "Unknown or revoked API key (none is fine)"},
        409: {"model": ErrorOut, "description": "Key reused, other body"},
        422: {"model": ErrorOut, "description": "Malformed body or unknown vehicle class"},
    },
)
def report_claim(
    body: ClaimCreate,
    principal: ReporterDep,
    store: StoreDep,
    estimator: EstimatorDep,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> ClaimCreated:
    """First notice of loss (报案): opens a claim and says what to send next. An unknown
    `vehicle_class` is refused (422) with the price book's classes.

    Without an `X-API-Key` this is a public report (a claimant on a phone): the claim has no
    owner key, and its `tracking_token` is the only way back to it — it reaches that claim's
    progress and evidence uploads under `/v1/track/{token}` and nothing else."""
    estimator.book.resolve_vehicle_class(body.vehicle_class)
    new = NewClaim(
        **body.model_dump(exclude={"reporter", "payee", "third_parties"}),
        reporter=body.reporter.model_dump(exclude_none=True),
        payee=body.payee.model_dump(exclude_none=True),
        third_parties=[p.model_dump(exclude_none=True) for p in body.third_parties],
    )
    claim_id, created = store.create_claim(principal, new, idempotency_key)
    if not created:
        response.status_code = status.HTTP_200_OK
    reader = tracking_link_holder(claim_id) if principal.keyless else principal
    record = store.get_claim(reader, claim_id)
    missing = [i.name for i in checklist(record) if i.required and not i.received]
    return ClaimCreated(
        id=claim_id,
        status=record.claim.status,
        version=record.claim.version,
        tracking_token=record.claim.tracking_token,
        created=created,
        next_steps=next_steps(record.claim.status, missing),
    )


@router.get("", response_model=ClaimPage, responses=ERRORS)
def list_claims(
    principal: PrincipalDep,
    store: StoreDep,
    status_: Annotated[ClaimStatus | None, Query(alias="status")] = None,
    fast_track: bool | None = None,
    has_flags: bool | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    sort: Annotated[
        SortKey,
        Query(
            description="created (report time), age (time since report; desc = oldest "
            "first), amount (estimate total in force; claims without one last), flags "
            "(flag count), status (workflow order)."
        ),
    ] = "created",
    order: Annotated[Literal["asc", "desc"], Query(description="desc: largest first.")] = "desc",
) -> ClaimPage:
    """One page of the claim queue (default newest first), filtered and sorted by the
    database, so every page follows the same order; claimants see only their own."""
    filters = ClaimFilter(
        status=status_.value if status_ else None, fast_track=fast_track, has_flags=has_flags
    )
    rows, total = store.list_claims(
        principal, filters, limit, offset, ClaimSort(sort, order == "desc")
    )
    now = datetime.now(UTC)
    return ClaimPage(
        items=[
            ClaimSummary(
                id=c.id,
                status=c.status,
                plate=c.plate,
                created_at=c.created_at,
                updated_at=c.updated_at,
                age_seconds=max(0, int((now - c.created_at).total_seconds())),
                amount=f"{c.amount:.2f}" if c.amount is not None else None,
                fast_track=c.fast_track,
                flag_count=c.flag_count,
            )
            for c in rows
        ],
        total=total,
        limit=limit,
        offset=offset,
        sort=sort,
        order=order,
    )


@router.get("/{claim_id}", response_model=ClaimOut, responses=ERRORS)
def get_claim(claim_id: ClaimId, principal: PrincipalDep, store: StoreDep) -> Response:
    """The claim with damages, document fields, estimate, flags, materials and timeline."""
    record = store.get_claim(principal, claim_id)
    body = claim_out(record, masked=not principal.is_staff)
    # Serialised once here: the body is already a validated ClaimOut (the hot read path).
    return Response(body.model_dump_json(), media_type="application/json")


@router.post(
    "/{claim_id}/estimate",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=RecomputeOut,
    responses={**ERRORS, 409: {"model": ErrorOut, "description": "Claim closed"}},
)
def recompute_estimate(claim_id: ClaimId, principal: StaffDep, store: StoreDep) -> RecomputeOut:
    """Queue a new estimate; failed photo or document work is retried first."""
    retried = store.request_estimate(principal, claim_id)
    return RecomputeOut(claim_id=claim_id, queued=True, retried_failed_work=retried)
