"""Claimant pages, mobile first: report a claim (FNOL), the claim's checklist with photo and
document upload and photo guidance, and the progress page reached by the tracking link.

Every action calls the JSON API's own endpoint functions with the same request models, so a
page can do nothing an integrator's request could not.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, cast, get_args

from fastapi import APIRouter, Request, Response, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError
from starlette.datastructures import UploadFile as StarletteUploadFile

from autoclaim.claims.errors import ClaimsError, NotFoundError
from autoclaim.claims.principals import PUBLIC, Principal
from autoclaim.estimate.errors import EstimateError
from autoclaim.service.deps import BlobsDep, EstimatorDep, SettingsDep, StoreDep
from autoclaim.service.pages import api
from autoclaim.service.pages.auth import principal_from_cookie
from autoclaim.service.pages.common import load_claim, require_principal
from autoclaim.service.pages.guidance import photo_guidance
from autoclaim.service.pages.i18n import choose_lang, message
from autoclaim.service.pages.rendering import CHINA_TIME, error_page, error_status, render
from autoclaim.service.schemas import Cause, ClaimCreate, ClaimOut

router = APIRouter(include_in_schema=False)

CAUSES: tuple[str, ...] = get_args(Cause)
REGIONS = ("beijing", "shanghai", "guangdong", "zhejiang", "jiangsu", "sichuan")
# What a claimant may declare an upload to be (the API's `doc_type` form field).
DOC_TYPES = (
    "vehicle_licence",
    "driver_licence",
    "repair_invoice",
    "vat_invoice",
    "receipt",
    "id_card",
    "accident_report",
)


def _text(form: dict[str, Any], name: str) -> str | None:
    value = str(form.get(name, "")).strip()
    return value or None


def fnol_body(form: dict[str, Any]) -> dict[str, Any]:
    """The JSON body of `POST /v1/claims` from the FNOL form's fields.

    The accident time comes from a `datetime-local` field and is read as China time (UTC+8).
    """
    accident = _text(form, "accident_at")
    accident_at: Any = accident
    if accident:
        try:
            accident_at = datetime.fromisoformat(accident).replace(tzinfo=CHINA_TIME)
        except ValueError:
            accident_at = accident
    payee_kind = _text(form, "payee_kind") or "claimant_account"
    payee: dict[str, Any] = {"kind": payee_kind}
    names = (
        ("shop_name", "shop_id")
        if payee_kind == "repair_shop"
        else (
            "account_name",
            "bank",
            "account_no",
        )
    )
    for name in names:
        if _text(form, name):
            payee[name] = _text(form, name)
    third = _text(form, "third_party_plate")
    return {
        "policy_number": _text(form, "policy_number") or "",
        "plate": (_text(form, "plate") or "").upper(),
        "vin": (_text(form, "vin") or "").upper() or None,
        "vehicle_class": _text(form, "vehicle_class"),
        "accident_at": accident_at,
        "place": _text(form, "place") or "",
        "cause": _text(form, "cause") or "",
        "description": _text(form, "description") or "",
        "injury": form.get("injury") == "yes",
        "third_parties": [{"plate": third.upper()}] if third else [],
        "reporter": {
            "name": _text(form, "reporter_name") or "",
            "phone": _text(form, "reporter_phone") or "",
        },
        "payee": payee,
        "region": _text(form, "region") or "",
    }


def field_errors(exc: ValidationError) -> dict[str, str]:
    """Validation messages by form field name (`reporter.phone` → `reporter_phone`)."""
    errors: dict[str, str] = {}
    for error in exc.errors():
        loc = [str(part) for part in error["loc"] if not isinstance(part, int)]
        name = "_".join(loc[:2]) if loc[:1] == ["reporter"] else (loc[-1] if loc else "")
        if loc[:1] == ["payee"] and len(loc) == 1:
            name = "shop_id"
        if loc[:1] == ["third_parties"]:
            name = "third_party_plate"
        errors.setdefault(name, str(error["msg"]).removeprefix("Value error, "))
    return errors


def _fnol_page(
    request: Request,
    estimator: EstimatorDep,
    principal: Principal | None,
    form: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
    problem: str | None = None,
) -> HTMLResponse:
    return render(
        request,
        "fnol.html",
        {
            "form": form,
            "errors": errors,
            "problem": problem,
            "causes": CAUSES,
            "regions": REGIONS,
            "vehicle_classes": estimator.book.vehicle_classes,
            "idempotency_key": form.get("idempotency_key") or uuid.uuid4().hex,
        },
        principal,
        status_code,
    )


@router.get("/report", response_class=HTMLResponse)
def fnol_form(request: Request, store: StoreDep, estimator: EstimatorDep) -> HTMLResponse:
    """The FNOL form; no sign-in needed (a claimant on a phone has no key)."""
    principal = principal_from_cookie(request, store)
    return _fnol_page(request, estimator, principal, {"region": "shanghai"}, {})


@router.post("/report", response_model=None)
async def report(request: Request, store: StoreDep, estimator: EstimatorDep) -> Response:
    """FNOL through `POST /v1/claims` (with the form's Idempotency-Key: a double submit
    opens one claim). Signed in: on to the claim's page; otherwise a public report, on to
    the tracking-link page, which is the claimant's way back to the claim."""
    principal = principal_from_cookie(request, store)
    reporter = principal or PUBLIC
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    try:
        body = ClaimCreate.model_validate(fnol_body(form))
    except ValidationError as exc:
        return _fnol_page(request, estimator, principal, form, field_errors(exc), 422)
    try:
        created = await run_in_threadpool(
            api.report_claim,
            body,
            reporter,
            store,
            estimator,
            form.get("idempotency_key") or None,
        )
    except (ClaimsError, EstimateError) as exc:
        return _fnol_page(request, estimator, principal, form, {}, error_status(exc), str(exc))
    if principal is None:
        return RedirectResponse(f"/track/{created.tracking_token}?reported=1", status_code=303)
    return RedirectResponse(f"/my/claims/{created.id}?reported=1", status_code=303)


def _claim_page(
    request: Request,
    principal: Principal,
    claim: ClaimOut,
    status_code: int = 200,
    problem: str | None = None,
) -> HTMLResponse:
    guidance = photo_guidance(claim.photos)
    return render(
        request,
        "claimant_claim.html",
        {
            "claim": claim,
            "guidance": guidance,
            "doc_types": DOC_TYPES,
            "problem": problem,
            "reported": request.query_params.get("reported") == "1",
            "uploaded": request.query_params.get("uploaded"),
            "tracking_url": str(request.url_for("track", token=claim.tracking_token or "-")),
            "pending": claim.pending_work > 0,
        },
        principal,
        status_code,
    )


@router.get("/my/claims/{claim_id}", response_class=HTMLResponse)
def claim_page(request: Request, store: StoreDep, claim_id: str) -> HTMLResponse:
    loaded = load_claim(request, store, claim_id, require_principal(request, store))
    if isinstance(loaded, HTMLResponse):
        return loaded
    return _claim_page(request, *loaded)


async def _files(request: Request, field: str) -> tuple[list[UploadFile], dict[str, str]]:
    """The chosen files of a multipart form (an empty file input sends a nameless part)."""
    form = await request.form()
    files = [
        v
        for v in form.getlist(field)
        if isinstance(v, StarletteUploadFile) and v.filename and v.size != 0
    ]
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    return cast(list[UploadFile], files), fields


async def _upload(
    request: Request,
    store: StoreDep,
    blobs: BlobsDep,
    settings: SettingsDep,
    claim_id: str,
    kind: str,
) -> Response:
    loaded = load_claim(request, store, claim_id, require_principal(request, store))
    if isinstance(loaded, HTMLResponse):
        return loaded
    principal, claim = loaded
    lang = choose_lang(request)
    files, fields = await _files(request, "files")
    if not files:
        return _claim_page(request, principal, claim, 422, message("no_files", lang))
    try:
        if kind == "photos":
            out = await run_in_threadpool(
                api.upload, "photos", claim_id, files, principal, store, blobs, settings
            )
        else:
            doc_type = fields.get("doc_type") or None
            if doc_type is not None and doc_type not in DOC_TYPES:
                return _claim_page(
                    request, principal, claim, 422, f"unknown document type {doc_type!r}"
                )
            out = await run_in_threadpool(
                api.upload,
                "documents",
                claim_id,
                files,
                principal,
                store,
                blobs,
                settings,
                doc_type,
            )
    except ClaimsError as exc:
        return _claim_page(request, principal, claim, error_status(exc), str(exc))
    return RedirectResponse(f"/my/claims/{claim_id}?uploaded={out.queued}", status_code=303)


@router.post("/my/claims/{claim_id}/photos", response_model=None)
async def add_photos(
    request: Request, store: StoreDep, blobs: BlobsDep, settings: SettingsDep, claim_id: str
) -> Response:
    """Photos through the API's `upload_photos` (checked, stored, queued for the model)."""
    return await _upload(request, store, blobs, settings, claim_id, "photos")


@router.post("/my/claims/{claim_id}/documents", response_model=None)
async def add_documents(
    request: Request, store: StoreDep, blobs: BlobsDep, settings: SettingsDep, claim_id: str
) -> Response:
    """Documents through the API's `upload_documents` (read by OCR in the background)."""
    return await _upload(request, store, blobs, settings, claim_id, "documents")


def _track_page(
    request: Request,
    store: StoreDep,
    token: str,
    status_code: int = 200,
    problem: str | None = None,
) -> HTMLResponse:
    """Progress, checklist, photo guidance and uploads by tracking token, through
    `GET /v1/track/{token}` (no key needed). A signed-in owner also gets a link to the
    claim's own page."""
    principal = principal_from_cookie(request, store)
    lang = choose_lang(request)
    if not 16 <= len(token) <= 64:
        return error_page(request, 404, message("not_found", lang), principal)
    try:
        progress = api.track(token, store)
    except NotFoundError:
        return error_page(request, 404, message("not_found", lang), principal)
    claim: ClaimOut | None = None
    if principal is not None:
        try:
            claim = api.read_claim(principal, store, store.claim_id_for_token(token))
        except ClaimsError:
            claim = None
    return render(
        request,
        "track.html",
        {
            "progress": progress,
            "token": token,
            "claim": claim,
            "released": progress.estimate_released and progress.estimate_total is not None,
            "illustrative": bool(claim.estimate.effective.get("illustrative"))
            if claim is not None and claim.estimate is not None
            else False,
            "guidance": photo_guidance(progress.photos),
            "doc_types": DOC_TYPES,
            "pending": progress.pending_work > 0,
            "reported": request.query_params.get("reported") == "1",
            "uploaded": request.query_params.get("uploaded"),
            "problem": problem,
            "tracking_url": str(request.url_for("track", token=token)),
        },
        principal,
        status_code,
    )


@router.get("/track/{token}", response_class=HTMLResponse, name="track")
def track(request: Request, store: StoreDep, token: str) -> HTMLResponse:
    return _track_page(request, store, token)


async def _track_upload(
    request: Request,
    store: StoreDep,
    blobs: BlobsDep,
    settings: SettingsDep,
    token: str,
    kind: str,
) -> Response:
    """Uploads through `POST /v1/track/{token}/photos` or `.../documents`: the token reaches
    its own claim only."""
    lang = choose_lang(request)
    files, fields = await _files(request, "files")
    if not files:
        return _track_page(request, store, token, 422, message("no_files", lang))
    doc_type = fields.get("doc_type") or None
    if kind == "documents" and doc_type is not None and doc_type not in DOC_TYPES:
        return _track_page(request, store, token, 422, f"unknown document type {doc_type!r}")
    try:
        out = await run_in_threadpool(
            api.track_upload, kind, token, files, store, blobs, settings, doc_type
        )
    except NotFoundError:
        return error_page(
            request, 404, message("not_found", lang), principal_from_cookie(request, store)
        )
    except ClaimsError as exc:
        return _track_page(request, store, token, error_status(exc), str(exc))
    return RedirectResponse(f"/track/{token}?uploaded={out.queued}", status_code=303)


@router.post("/track/{token}/photos", response_model=None)
async def track_photos(
    request: Request, store: StoreDep, blobs: BlobsDep, settings: SettingsDep, token: str
) -> Response:
    """Photos by tracking link (checked, stored, queued for the model)."""
    return await _track_upload(request, store, blobs, settings, token, "photos")


@router.post("/track/{token}/documents", response_model=None)
async def track_documents(
    request: Request, store: StoreDep, blobs: BlobsDep, settings: SettingsDep, token: str
) -> Response:
    """Documents by tracking link (read by OCR in the background)."""
    return await _track_upload(request, store, blobs, settings, token, "documents")
