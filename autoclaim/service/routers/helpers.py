"""Stateless helpers for integrators: assess photos, read one document; nothing is stored."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile

from autoclaim.claims.files import check_document, open_image
from autoclaim.service.deps import AssessorDep, PrincipalDep, ReaderDep, SettingsDep
from autoclaim.service.routers.uploads import UPLOAD_ERRORS, read_uploads
from autoclaim.service.schemas import AssessedPhoto, AssessOut, DocumentReadOut, ErrorOut

router = APIRouter(prefix="/v1", tags=["helpers"])

HELPER_ERRORS: dict[int | str, dict[str, object]] = {
    **UPLOAD_ERRORS,
    503: {"model": ErrorOut, "description": "Vision model or OCR not installed"},
}


@router.post("/assess", response_model=AssessOut, responses=HELPER_ERRORS)
def assess_photos(
    files: Annotated[list[UploadFile], File(description="Damage photos")],
    _principal: PrincipalDep,
    assessor: AssessorDep,
    settings: SettingsDep,
) -> AssessOut:
    """Damaged parts, damage types and severity per photo, in one model batch."""
    uploads = read_uploads(files, settings.max_upload_bytes)
    for name, data in uploads:
        open_image(name, data)
    results = assessor.assess([data for _, data in uploads])
    return AssessOut(
        results=[
            AssessedPhoto(filename=name, assessment=result)
            for (name, _), result in zip(uploads, results, strict=True)
        ]
    )


@router.post("/documents/read", response_model=DocumentReadOut, responses=HELPER_ERRORS)
def read_document(
    file: Annotated[UploadFile, File(description="A licence, invoice or receipt")],
    _principal: PrincipalDep,
    reader: ReaderDep,
    settings: SettingsDep,
    doc_type: Annotated[
        str | None,
        Form(pattern="^(vehicle_licence|driver_licence|vat_invoice|repair_invoice|receipt)$"),
    ] = None,
) -> DocumentReadOut:
    """The document's type, validated fields, line items and checks."""
    ((name, data),) = read_uploads([file], settings.max_upload_bytes)
    check_document(name, data)
    return DocumentReadOut(filename=name, reading=reader.read(data, name, doc_type))
