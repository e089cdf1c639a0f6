"""Adjuster pages: the claim queue and the workbench (photos with the model's regions,
estimate lines with evidence and overrides, documents with their fields, flags, timeline,
and the decision). Reads and actions go through the JSON API's endpoint functions."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError

from autoclaim.claims.errors import ClaimsError
from autoclaim.claims.principals import Principal
from autoclaim.claims.workflow import ACCEPTS_EVIDENCE, ClaimStatus
from autoclaim.estimate.inputs import MATERIALS
from autoclaim.service.deps import StoreDep
from autoclaim.service.pages import api
from autoclaim.service.pages.common import load_claim, require_principal
from autoclaim.service.pages.i18n import choose_lang, message
from autoclaim.service.pages.rendering import error_page, error_status, render
from autoclaim.service.schemas import (
    ApproveAction,
    ClaimOut,
    CorrectionIn,
    LineOverrideIn,
    OverrideAction,
    RejectAction,
    RequestEvidenceAction,
    ReviewAction,
    SortKey,
)

router = APIRouter(prefix="/adjuster", include_in_schema=False)

PAGE_SIZE = 20
# The queue page's orders, as the API's `sort` and `order`.
SORTS: dict[str, tuple[SortKey, Literal["asc", "desc"]]] = {
    "newest": ("created", "desc"),
    "age": ("age", "desc"),
    "amount": ("amount", "desc"),
    "flags": ("flags", "desc"),
    "status": ("status", "asc"),
}
OVERRIDE_FIELDS = ("part_cost", "labour_hours", "paint_cost", "total")
DECISIONS = ("approve", "request_evidence", "reject")


def _staff(request: Request, store: StoreDep) -> Principal | HTMLResponse:
    principal = require_principal(request, store)
    if isinstance(principal, HTMLResponse):
        return principal
    if not principal.is_staff:
        lang = choose_lang(request)
        return error_page(request, 403, message("need_adjuster", lang), principal, sign_in=True)
    return principal


def _tristate(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


@router.get("", response_class=HTMLResponse)
def queue(
    request: Request,
    store: StoreDep,
    status: str = "",
    fast_track: str = "",
    flags: str = "",
    sort: str = "newest",
    page: int = 1,
) -> HTMLResponse:
    """Claims through `GET /v1/claims`: filtered, sorted and paged by the API, so the order
    holds across pages."""
    principal = _staff(request, store)
    if isinstance(principal, HTMLResponse):
        return principal
    status_filter = ClaimStatus(status) if status in ClaimStatus.__members__.values() else None
    sort = sort if sort in SORTS else "newest"
    api_sort, order = SORTS[sort]
    page = max(1, min(page, 50_000))
    result = api.list_claims(
        principal,
        store,
        status=status_filter,
        fast_track=_tristate(fast_track),
        has_flags=_tristate(flags),
        limit=PAGE_SIZE,
        offset=(page - 1) * PAGE_SIZE,
        sort=api_sort,
        order=order,
    )
    pages = max(1, -(-result.total // PAGE_SIZE))
    filters = {"status": status, "fast_track": fast_track, "flags": flags, "sort": sort}
    return render(
        request,
        "queue.html",
        {
            "rows": result.items,
            "total": result.total,
            "page": page,
            "pages": pages,
            "filters": filters,
            "statuses": [s.value for s in ClaimStatus],
            "sorts": list(SORTS),
            "now": datetime.now(UTC),
            "page_url": lambda n: str(request.url.include_query_params(page=n)),
        },
        principal,
    )


def _workbench(
    request: Request,
    principal: Principal,
    claim: ClaimOut,
    status_code: int = 200,
    problem: str | None = None,
    correcting: str | None = None,
) -> HTMLResponse:
    estimate = claim.estimate
    effective = estimate.effective if estimate is not None else {}
    model_lines = {
        str(line.get("part")): line
        for line in (estimate.model.get("lines", []) if estimate is not None else [])
    }
    fast_track = (estimate.model.get("fast_track") if estimate is not None else None) or {}
    photo_names = {p.id: p.filename for p in claim.photos}
    damages = {d.photo_id: d for d in claim.damages}
    return render(
        request,
        "workbench.html",
        {
            "claim": claim,
            "estimate": estimate,
            "effective": effective,
            "lines": effective.get("lines", []),
            "model_lines": model_lines,
            "fast_track": fast_track,
            "damages": damages,
            "photo_names": photo_names,
            "problem": problem,
            "done": request.query_params.get("done") == "1",
            "can_approve": claim.status in ("assessed", "under_review"),
            "can_request": "surveying" in claim.allowed_next,
            "can_reject": "rejected" in claim.allowed_next,
            "materials": MATERIALS,
            "pending": claim.pending_work > 0,
            "can_correct": ClaimStatus(claim.status) in ACCEPTS_EVIDENCE,
            "correcting": correcting,
        },
        principal,
        status_code,
    )


@router.get("/claims/{claim_id}", response_class=HTMLResponse)
def workbench(request: Request, store: StoreDep, claim_id: str) -> HTMLResponse:
    loaded = load_claim(request, store, claim_id, _staff(request, store))
    if isinstance(loaded, HTMLResponse):
        return loaded
    return _workbench(request, *loaded)


def _optional(form: dict[str, Any], name: str) -> str | None:
    value = str(form.get(name, "")).strip()
    return value or None


def _version(form: dict[str, Any]) -> int | None:
    value = _optional(form, "expected_version")
    return int(value) if value and value.isdigit() else None


def override_action(form: dict[str, Any]) -> OverrideAction:
    """The `override` review action from the override form (blank figures stay as they are)."""
    line = LineOverrideIn.model_validate(
        {
            "line": _optional(form, "line") or "",
            "reason": _optional(form, "reason") or "",
            **{name: _optional(form, name) for name in OVERRIDE_FIELDS if _optional(form, name)},
        }
    )
    return OverrideAction(action="override", lines=[line], expected_version=_version(form))


def decision_action(form: dict[str, Any], materials: list[str]) -> ReviewAction:
    """The approve / request_evidence / reject review action from a decision form."""
    action = _optional(form, "action")
    reason = _optional(form, "reason")
    version = _version(form)
    if action == "approve":
        return ApproveAction(action="approve", reason=reason, expected_version=version)
    if action == "request_evidence":
        return RequestEvidenceAction.model_validate(
            {
                "action": "request_evidence",
                "reason": reason or "",
                "materials": materials,
                "expected_version": version,
            }
        )
    return RejectAction.model_validate(
        {"action": "reject", "reason": reason or "", "expected_version": version}
    )


def _validation_text(exc: ValidationError) -> str:
    parts = []
    for e in exc.errors():
        where = ".".join(str(p) for p in e["loc"]) or "form"
        parts.append(f"{where}: {str(e['msg']).removeprefix('Value error, ')}")
    return "; ".join(parts)


async def _review(request: Request, store: StoreDep, claim_id: str, kind: str) -> Response:
    loaded = load_claim(request, store, claim_id, _staff(request, store))
    if isinstance(loaded, HTMLResponse):
        return loaded
    principal, claim = loaded
    form_data = await request.form()
    form = {k: v for k, v in form_data.items() if isinstance(v, str)}
    materials = [str(v) for v in form_data.getlist("materials") if isinstance(v, str)]
    try:
        action: ReviewAction
        if kind == "override":
            action = override_action(form)
        else:
            if form.get("action") not in DECISIONS:
                return _workbench(request, principal, claim, 422, "unknown decision")
            action = decision_action(form, materials)
    except ValidationError as exc:
        return _workbench(request, principal, claim, 422, _validation_text(exc))
    try:
        await run_in_threadpool(api.review, claim_id, action, principal, store)
    except ClaimsError as exc:
        return _workbench(request, principal, claim, error_status(exc), str(exc))
    anchor = "#estimate" if kind == "override" else "#decision"
    return RedirectResponse(f"/adjuster/claims/{claim_id}?done=1{anchor}", status_code=303)


@router.post("/claims/{claim_id}/override", response_model=None)
async def override(request: Request, store: StoreDep, claim_id: str) -> Response:
    """One line's new figures with the required reason, through `POST .../review`."""
    return await _review(request, store, claim_id, "override")


@router.post("/claims/{claim_id}/decision", response_model=None)
async def decide(request: Request, store: StoreDep, claim_id: str) -> Response:
    """Approve, ask for more evidence or reject, through `POST .../review`."""
    return await _review(request, store, claim_id, "decision")


@router.post("/claims/{claim_id}/documents/{document_id}/corrections", response_model=None)
async def correct_field(
    request: Request, store: StoreDep, claim_id: str, document_id: str
) -> Response:
    """One extracted field's correct value with the required reason, through
    `POST /v1/claims/{id}/documents/{document}/corrections`."""
    loaded = load_claim(request, store, claim_id, _staff(request, store))
    if isinstance(loaded, HTMLResponse):
        return loaded
    principal, claim = loaded
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    field = _optional(form, "field") or ""
    correcting = f"{document_id}/{field}"
    try:
        body = CorrectionIn.model_validate(
            {
                "field": field,
                "value": _optional(form, "value") or "",
                "reason": _optional(form, "reason") or "",
                "expected_version": _version(form),
            }
        )
    except ValidationError as exc:
        return _workbench(request, principal, claim, 422, _validation_text(exc), correcting)
    try:
        await run_in_threadpool(api.correct_field, claim_id, document_id, body, principal, store)
    except ClaimsError as exc:
        return _workbench(request, principal, claim, error_status(exc), str(exc), correcting)
    return RedirectResponse(
        f"/adjuster/claims/{claim_id}?done=1#doc-{document_id}", status_code=303
    )
