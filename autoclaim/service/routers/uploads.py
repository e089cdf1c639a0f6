"""Photos and documents of a claim: several files per multipart request, all or nothing."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Response, UploadFile, status

from autoclaim.claims.blobs import BlobStore
from autoclaim.claims.errors import InvalidRequestError
from autoclaim.claims.files import check_document, check_size, open_image, safe_filename
from autoclaim.claims.store import NewDocument, NewPhoto
from autoclaim.estimate.phash import dhash
from autoclaim.service.deps import BlobsDep, PrincipalDep, SettingsDep, StoreDep
from autoclaim.service.routers.claims import ERRORS
from autoclaim.service.routers.ids import ClaimId, DocumentId, PhotoId
from autoclaim.service.schemas import ErrorOut, UploadOut

router = APIRouter(prefix="/v1/claims", tags=["evidence"])

MAX_FILES = 20
DeclaredType = Annotated[
    str | None,
    Form(
        description="What the documents are (id_card and accident_report are not read by OCR).",
        pattern="^(vehicle_licence|driver_licence|vat_invoice|repair_invoice|receipt|id_card|"
        "accident_report)$",
    ),
]

UPLOAD_ERRORS: dict[int | str, dict[str, object]] = {
    **ERRORS,
    409: {"model": ErrorOut, "description": "Claim no longer accepts evidence"},
    413: {"model": ErrorOut, "description": "A file is over the size limit"},
    415: {"model": ErrorOut, "description": "A file type that is not accepted"},
    422: {"model": ErrorOut, "description": "A corrupt file or malformed request"},
}


def read_uploads(files: list[UploadFile], max_bytes: int) -> list[tuple[str, bytes]]:
    """(safe file name, bytes) of each file, refusing one over `max_bytes` without reading on."""
    if not files:
        raise InvalidRequestError("no files in the request")
    if len(files) > MAX_FILES:
        raise InvalidRequestError(f"{len(files)} files in one request; at most {MAX_FILES}")
    out = []
    for upload in files:
        name = safe_filename(upload.filename)
        data = upload.file.read(max_bytes + 1)
        check_size(name, len(data), max_bytes)
        out.append((name, data))
    return out


def _store_blobs(blobs: BlobStore, payloads: list[bytes]) -> list[str]:
    return [blobs.put(data) for data in payloads]


@router.post(
    "/{claim_id}/photos",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=UploadOut,
    responses=UPLOAD_ERRORS,
)
def upload_photos(
    claim_id: ClaimId,
    files: Annotated[list[UploadFile], File(description="Damage photos (JPEG, PNG, WebP, HEIC)")],
    principal: PrincipalDep,
    store: StoreDep,
    blobs: BlobsDep,
    settings: SettingsDep,
) -> UploadOut:
    """Add photos; each is checked first (nothing is stored if one fails) and assessed by
    the vision model in the background."""
    store.check_access(principal, claim_id)
    uploads = read_uploads(files, settings.max_upload_bytes)
    photos = []
    for name, data in uploads:
        info = open_image(name, data)
        photos.append((name, data, info, dhash(info.image)))
    digests = _store_blobs(blobs, [data for _, data, _, _ in photos])
    ids = store.add_photos(
        principal,
        claim_id,
        [
            NewPhoto(
                filename=name,
                content_type=info.content_type,
                sha256=digest,
                size=len(data),
                width=info.width,
                height=info.height,
                phash=phash,
                captured_at=info.captured_at,
            )
            for (name, data, info, phash), digest in zip(photos, digests, strict=True)
        ],
    )
    return UploadOut(
        claim_id=claim_id, ids=ids, filenames=[name for name, _ in uploads], queued=len(ids)
    )


@router.post(
    "/{claim_id}/documents",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=UploadOut,
    responses=UPLOAD_ERRORS,
)
def upload_documents(
    claim_id: ClaimId,
    files: Annotated[list[UploadFile], File(description="Licences, invoices (PDF or images)")],
    principal: PrincipalDep,
    store: StoreDep,
    blobs: BlobsDep,
    settings: SettingsDep,
    doc_type: DeclaredType = None,
) -> UploadOut:
    """Add documents; each is checked first and read by OCR in the background."""
    store.check_access(principal, claim_id)
    uploads = read_uploads(files, settings.max_upload_bytes)
    types = [check_document(name, data) for name, data in uploads]
    digests = _store_blobs(blobs, [data for _, data in uploads])
    ids = store.add_documents(
        principal,
        claim_id,
        [
            NewDocument(
                filename=name,
                content_type=content_type,
                sha256=digest,
                size=len(data),
                declared_type=doc_type,
            )
            for (name, data), content_type, digest in zip(uploads, types, digests, strict=True)
        ],
    )
    return UploadOut(
        claim_id=claim_id, ids=ids, filenames=[name for name, _ in uploads], queued=len(ids)
    )


def _file_response(blobs: BlobStore, sha256: str, content_type: str, filename: str) -> Response:
    return Response(
        blobs.get(sha256),
        media_type=content_type,
        headers={
            "ETag": f'"{sha256}"',
            "Cache-Control": "private, max-age=86400, immutable",
            "Content-Disposition": f"inline; filename*=UTF-8''{quote(filename)}",
        },
    )


@router.get(
    "/{claim_id}/photos/{photo_id}/content",
    response_class=Response,
    responses={**ERRORS, 200: {"content": {"image/jpeg": {}}, "description": "The photo"}},
)
def photo_content(
    claim_id: ClaimId, photo_id: PhotoId, principal: PrincipalDep, store: StoreDep, blobs: BlobsDep
) -> Response:
    """The photo as uploaded (for the adjuster's review)."""
    return _file_response(blobs, *store.evidence_file(principal, claim_id, "photo", photo_id))


@router.get(
    "/{claim_id}/documents/{document_id}/content",
    response_class=Response,
    responses={**ERRORS, 200: {"content": {"application/pdf": {}}, "description": "The file"}},
)
def document_content(
    claim_id: ClaimId,
    document_id: DocumentId,
    principal: PrincipalDep,
    store: StoreDep,
    blobs: BlobsDep,
) -> Response:
    """The document as uploaded."""
    return _file_response(blobs, *store.evidence_file(principal, claim_id, "document", document_id))
