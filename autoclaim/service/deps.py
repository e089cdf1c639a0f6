"""Request dependencies as `Annotated` aliases, so routers stay declarative."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request, Security, status
from fastapi.security import APIKeyHeader
from sqlalchemy import Engine

from autoclaim.claims.analysers import DocumentReader, PhotoAssessor
from autoclaim.claims.blobs import BlobStore
from autoclaim.claims.errors import PermissionDeniedError
from autoclaim.claims.estimating import ClaimEstimator
from autoclaim.claims.principals import PUBLIC, Principal, Role
from autoclaim.claims.store import ClaimStore
from autoclaim.config import Settings


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def _store(request: Request) -> ClaimStore:
    store: ClaimStore = request.app.state.store
    return store


def _blobs(request: Request) -> BlobStore:
    blobs: BlobStore = request.app.state.blobs
    return blobs


def _assessor(request: Request) -> PhotoAssessor:
    assessor: PhotoAssessor = request.app.state.assessor
    return assessor


def _estimator(request: Request) -> ClaimEstimator:
    estimator: ClaimEstimator = request.app.state.estimator
    return estimator


def _reader(request: Request) -> DocumentReader:
    reader: DocumentReader = request.app.state.reader
    return reader


SettingsDep = Annotated[Settings, Depends(_settings)]
EngineDep = Annotated[Engine, Depends(_engine)]
StoreDep = Annotated[ClaimStore, Depends(_store)]
BlobsDep = Annotated[BlobStore, Depends(_blobs)]
AssessorDep = Annotated[PhotoAssessor, Depends(_assessor)]
ReaderDep = Annotated[DocumentReader, Depends(_reader)]
EstimatorDep = Annotated[ClaimEstimator, Depends(_estimator)]

api_key_header = APIKeyHeader(
    name="X-API-Key", auto_error=False, description="An API key from `autoclaim keys create`."
)


def _principal(store: StoreDep, key: Annotated[str | None, Security(api_key_header)]) -> Principal:
    if not key:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "missing X-API-Key header",
            headers={"WWW-Authenticate": "ApiKey"},
        )
    principal = store.authenticate(key)
    if principal is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "unknown or revoked API key",
            headers={"WWW-Authenticate": "ApiKey"},
        )
    return principal


PrincipalDep = Annotated[Principal, Depends(_principal)]


def _reporter(store: StoreDep, key: Annotated[str | None, Security(api_key_header)]) -> Principal:
    """The key's principal, or the public when no key is sent (a wrong key is still refused)."""
    return PUBLIC if not key else _principal(store, key)


ReporterDep = Annotated[Principal, Depends(_reporter)]


def _staff(principal: PrincipalDep) -> Principal:
    if principal.role not in (Role.ADJUSTER, Role.ADMIN):
        raise PermissionDeniedError(
            f"role {principal.role.value!r} may not do this; adjuster needed"
        )
    return principal


def _admin(principal: PrincipalDep) -> Principal:
    if principal.role != Role.ADMIN:
        raise PermissionDeniedError(f"role {principal.role.value!r} may not do this; admin needed")
    return principal


StaffDep = Annotated[Principal, Depends(_staff)]
AdminDep = Annotated[Principal, Depends(_admin)]
