"""Checks on uploaded files before anything is stored: size, type by content, decodability.

File names are reduced to their last component (paths a client sends are ignored), and the
type comes from the bytes, never from the name or the client's content type.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import datetime

from PIL import Image, UnidentifiedImageError

from autoclaim.claims.errors import CorruptFileError, FileTooLargeError, UnsupportedFileError
from autoclaim.estimate.inputs import as_aware
from autoclaim.estimate.photo_meta import capture_time

IMAGE_TYPES = ("image/jpeg", "image/png", "image/webp", "image/heic", "image/tiff", "image/bmp")
DOCUMENT_TYPES = (*IMAGE_TYPES, "application/pdf")


def safe_filename(name: str | None) -> str:
    """The last path component of a client's file name, without control characters."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = re.sub(r"[\x00-\x1f\x7f]", "", base).strip().lstrip(".")
    return base[:255] or "upload"


def sniff_type(data: bytes) -> str | None:
    """The media type the leading bytes announce, or None when not one we accept."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[4:8] == b"ftyp" and data[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"heim"):
        return "image/heic"
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return "image/tiff"
    if data.startswith(b"BM"):
        return "image/bmp"
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def check_size(filename: str, size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise FileTooLargeError(filename, f"larger than the upload limit of {max_bytes} bytes")


@dataclass(frozen=True)
class ImageInfo:
    content_type: str
    width: int
    height: int
    captured_at: datetime | None
    image: Image.Image


def _capture_time(image: Image.Image) -> datetime | None:
    """EXIF capture time as an aware datetime (naive EXIF times read as UTC+8), or None."""
    try:
        moment = capture_time(image)
    except Exception:  # malformed EXIF must not reject an otherwise good photo
        return None
    return as_aware(moment) if moment is not None else None


def _register_heif() -> None:
    try:
        import pillow_heif

        pillow_heif.register_heif_opener()
    except ImportError:  # HEIC photos then fail as corrupt with the decoder's message
        pass


def open_image(filename: str, data: bytes, accepted: tuple[str, ...] = IMAGE_TYPES) -> ImageInfo:
    """Decode an uploaded image fully; precise errors for unsupported and corrupt files."""
    content_type = sniff_type(data)
    if content_type is None or content_type not in accepted:
        found = content_type or "unknown content"
        raise UnsupportedFileError(
            filename, f"{found} is not accepted here; accepted: {', '.join(accepted)}"
        )
    if content_type == "image/heic":
        _register_heif()
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise CorruptFileError(filename, f"cannot decode {content_type}: {exc}") from exc
    if image.width < 1 or image.height < 1:
        raise CorruptFileError(filename, f"empty image ({image.width}x{image.height})")
    return ImageInfo(content_type, image.width, image.height, _capture_time(image), image)


def check_document(filename: str, data: bytes) -> str:
    """The media type of a document upload, after checking it can be opened."""
    content_type = sniff_type(data)
    if content_type is None:
        raise UnsupportedFileError(
            filename, f"unknown content; accepted: {', '.join(DOCUMENT_TYPES)}"
        )
    if content_type != "application/pdf":
        open_image(filename, data, DOCUMENT_TYPES)
        return content_type
    import pypdfium2

    try:
        pdf = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as exc:
        raise CorruptFileError(filename, f"cannot open PDF: {exc}") from exc
    try:
        if len(pdf) < 1:
            raise CorruptFileError(filename, "PDF has no pages")
    finally:
        pdf.close()
    return content_type
