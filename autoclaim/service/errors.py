"""The one place where domain errors become HTTP status codes, as `{"error": {...}}` bodies."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from autoclaim.claims.errors import (
    AnalyserUnavailableError,
    ClaimsError,
    CorruptFileError,
    FileTooLargeError,
    IdempotencyConflictError,
    InvalidRequestError,
    InvalidTransitionError,
    NotFoundError,
    PermissionDeniedError,
    StateConflictError,
    UnsupportedFileError,
    VersionConflictError,
)
from autoclaim.claims.masking import mask_value
from autoclaim.estimate.errors import EstimateError

log = logging.getLogger(__name__)

STATUS_BY_ERROR: list[tuple[type[Exception], int, str]] = [
    (NotFoundError, status.HTTP_404_NOT_FOUND, "not_found"),
    (PermissionDeniedError, status.HTTP_403_FORBIDDEN, "forbidden"),
    (InvalidTransitionError, status.HTTP_409_CONFLICT, "invalid_transition"),
    (VersionConflictError, status.HTTP_409_CONFLICT, "version_conflict"),
    (IdempotencyConflictError, status.HTTP_409_CONFLICT, "idempotency_conflict"),
    (StateConflictError, status.HTTP_409_CONFLICT, "state_conflict"),
    (FileTooLargeError, status.HTTP_413_CONTENT_TOO_LARGE, "file_too_large"),
    (UnsupportedFileError, status.HTTP_415_UNSUPPORTED_MEDIA_TYPE, "unsupported_file"),
    (CorruptFileError, status.HTTP_422_UNPROCESSABLE_CONTENT, "corrupt_file"),
    (InvalidRequestError, status.HTTP_422_UNPROCESSABLE_CONTENT, "invalid_request"),
    (AnalyserUnavailableError, status.HTTP_503_SERVICE_UNAVAILABLE, "analyser_unavailable"),
    (EstimateError, status.HTTP_422_UNPROCESSABLE_CONTENT, "estimate_error"),
]


def error_response(code: int, name: str, message: str, detail: object = None) -> JSONResponse:
    body: dict[str, object] = {"code": name, "message": message}
    if detail is not None:
        body["detail"] = detail
    return JSONResponse(status_code=code, content={"error": body})


def install_error_handlers(app: FastAPI) -> None:
    async def domain_error(_request: Request, exc: Exception) -> JSONResponse:
        for error_type, code, name in STATUS_BY_ERROR:
            if isinstance(exc, error_type):
                return error_response(code, name, str(exc))
        log.error("unmapped domain error: %s", exc)
        return error_response(500, "internal_error", "internal error")

    async def stale(_request: Request, exc: Exception) -> JSONResponse:
        return error_response(
            status.HTTP_409_CONFLICT,
            "version_conflict",
            "the claim kept changing under this request; read it again and retry",
        )

    async def invalid(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        errors = [
            {"loc": list(e.get("loc", [])), "msg": str(e.get("msg", "")), "type": e.get("type")}
            for e in exc.errors()
        ]
        first = errors[0] if errors else {"loc": [], "msg": "invalid request"}
        where = ".".join(str(part) for part in first["loc"])
        return error_response(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            "invalid_request",
            f"{where}: {first['msg']}",
            mask_value(errors),
        )

    async def http_error(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        names = {401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed"}
        response = error_response(
            exc.status_code, names.get(exc.status_code, "http_error"), str(exc.detail)
        )
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    app.add_exception_handler(ClaimsError, domain_error)
    app.add_exception_handler(EstimateError, domain_error)
    app.add_exception_handler(StaleDataError, stale)
    app.add_exception_handler(RequestValidationError, invalid)
    app.add_exception_handler(StarletteHTTPException, http_error)
