"""Liveness and versions: what model, OCR engine and database this instance runs with."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response, status
from pydantic import BaseModel, Field
from sqlalchemy.exc import SQLAlchemyError

from autoclaim import __version__
from autoclaim.claims.db import database_info
from autoclaim.models.shipped import shipped_model_info
from autoclaim.ocr.tesseract_info import tesseract_info
from autoclaim.service.deps import EngineDep

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str = Field(examples=["ok"])
    version: str = Field(examples=["0.1.0"])
    model: dict[str, Any] | None = Field(
        description="The shipped vision model, or null when none is installed.",
        examples=[{"name": "damage-lite0", "version": "1", "architecture": "lite0_multitask"}],
    )
    ocr: dict[str, Any] = Field(
        examples=[{"engine": "tesseract", "version": "5.3.0", "languages": ["chi_sim", "eng"]}]
    )
    database: dict[str, Any] = Field(examples=[{"backend": "sqlite", "version": "3.40.1"}])


@router.get("/healthz", response_model=Health)
def healthz(engine: EngineDep, response: Response) -> Health:
    """200 when the database answers; the body names every component's version."""
    tess = tesseract_info()
    ocr: dict[str, Any] = {
        "engine": "tesseract",
        "available": tess.available,
        "version": tess.version,
        "languages": list(tess.languages),
    }
    if tess.error:
        ocr["error"] = tess.error
    try:
        db: dict[str, Any] = database_info(engine)
        state = "ok" if tess.available else "degraded"
    except SQLAlchemyError as exc:
        db = {"backend": engine.dialect.name, "error": str(exc.__class__.__name__)}
        state = "error"
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    return Health(
        status=state, version=__version__, model=shipped_model_info(), ocr=ocr, database=db
    )
