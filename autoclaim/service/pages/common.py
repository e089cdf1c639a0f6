"""Pages every visitor uses: home, sign-in / sign-out, static files, photo and scan bytes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse

from autoclaim.claims.errors import ClaimsError
from autoclaim.claims.principals import Principal
from autoclaim.service.deps import BlobsDep, StoreDep
from autoclaim.service.pages import api
from autoclaim.service.pages.auth import forget_key, principal_from_cookie, remember_key
from autoclaim.service.pages.i18n import choose_lang, message
from autoclaim.service.pages.rendering import HERE, error_page, error_status, render
from autoclaim.service.schemas import ClaimOut

router = APIRouter(include_in_schema=False)

STATIC_FILES = {"pages.css": "text/css", "pages.js": "text/javascript"}


def safe_next(target: str | None, default: str) -> str:
    """Only same-site paths are followed after sign-in (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return default


def landing_for(principal: Principal) -> str:
    return "/adjuster" if principal.is_staff else "/report"


@router.get("/", response_class=HTMLResponse)
def home(request: Request, store: StoreDep) -> HTMLResponse:
    return render(request, "home.html", {}, principal_from_cookie(request, store))


@router.get("/static/{name}")
def static_file(name: str) -> Response:
    if name not in STATIC_FILES:
        return Response(status_code=404)
    return FileResponse(
        HERE / "static" / name,
        media_type=STATIC_FILES[name],
        headers={"Cache-Control": "public, max-age=300"},
    )


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_form(request: Request, store: StoreDep, next: str | None = None) -> HTMLResponse:
    return render(
        request,
        "sign_in.html",
        {"next": safe_next(next, ""), "error": None},
        principal_from_cookie(request, store),
    )


@router.post("/sign-in", response_model=None)
def sign_in(
    request: Request,
    store: StoreDep,
    key: Annotated[str, Form(max_length=200)],
    next: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    principal = store.authenticate(key.strip())
    if principal is None:
        return render(
            request,
            "sign_in.html",
            {"next": safe_next(next, ""), "error": message("bad_key", choose_lang(request))},
            status_code=401,
        )
    response = RedirectResponse(safe_next(next, landing_for(principal)), status_code=303)
    remember_key(response, request, key.strip())
    return response


@router.post("/sign-out")
def sign_out() -> RedirectResponse:
    response = RedirectResponse("/", status_code=303)
    forget_key(response)
    return response


def _file(
    request: Request,
    store: StoreDep,
    blobs: BlobsDep,
    claim_id: str,
    kind: str,
    file_id: str,
) -> Response:
    """The API's evidence content endpoint, for a browser that carries its key in the cookie
    (an `<img>` cannot send the `X-API-Key` header)."""
    principal = principal_from_cookie(request, store)
    if principal is None:
        return Response(status_code=401)
    try:
        response = api.evidence_file(kind, claim_id, file_id, principal, store, blobs)
    except ClaimsError as exc:
        return Response(status_code=error_status(exc))
    except KeyError:  # the blob is gone from the store
        return Response(status_code=404)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@router.get("/files/claims/{claim_id}/photos/{photo_id}")
def photo_file(
    request: Request, store: StoreDep, blobs: BlobsDep, claim_id: str, photo_id: str
) -> Response:
    """A photo's bytes for the pages' galleries (same access rule as reading the claim)."""
    return _file(request, store, blobs, claim_id, "photos", photo_id)


@router.get("/files/claims/{claim_id}/documents/{document_id}")
def document_file(
    request: Request, store: StoreDep, blobs: BlobsDep, claim_id: str, document_id: str
) -> Response:
    """A document scan's bytes, shown beside its fields."""
    return _file(request, store, blobs, claim_id, "documents", document_id)


def require_principal(request: Request, store: StoreDep) -> Principal | HTMLResponse:
    """The signed-in principal, or a page asking to sign in."""
    principal = principal_from_cookie(request, store)
    if principal is None:
        return error_page(request, 401, message("need_sign_in", choose_lang(request)), sign_in=True)
    return principal


def load_claim(
    request: Request, store: StoreDep, claim_id: str, principal: Principal | HTMLResponse
) -> tuple[Principal, ClaimOut] | HTMLResponse:
    """The claim as `principal` sees it through the API, or the page that says why not."""
    if isinstance(principal, HTMLResponse):
        return principal
    try:
        return principal, api.read_claim(principal, store, claim_id)
    except ClaimsError as exc:
        return error_page(request, error_status(exc), str(exc), principal)
