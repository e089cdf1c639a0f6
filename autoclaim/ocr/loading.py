"""Turn uploaded bytes into page images (or PDF text-layer lines), safely and in bounded time.

Images: JPEG, PNG, WebP, turned upright by their EXIF orientation. Huge JPEGs are decoded
at a reduced scale (libjpeg's draft mode, so memory stays small); other formats above the
pixel limit are refused. PDFs: pypdfium2; pages with a text layer give their text lines
directly, others are rendered. Encrypted and corrupt files raise a precise `DocumentError`.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass, field

import pypdfium2 as pdfium
from PIL import Image, ImageOps, UnidentifiedImageError

from autoclaim.ocr.engines import OcrLine
from autoclaim.ocr.errors import (
    DocumentTooLargeError,
    EncryptedPdfError,
    UnreadableDocumentError,
    UnsupportedDocumentError,
)

MAX_BYTES = 50 * 1024 * 1024
MAX_PIXELS = 60_000_000  # decoded pixels we accept before scaling (a 20000x20000 PNG is refused)
MAX_PAGES = 10  # PDF pages read; later pages are reported in a warning, not read
PAGE_MAX_SIDE = 2000  # pages are scaled down to this before OCR (resolution normalisation)
PAGE_MIN_SIDE = 600  # and tiny images scaled up to this
PDF_RENDER_DPI = 200
IMAGE_FORMATS = {"JPEG", "PNG", "WEBP"}


@dataclass(frozen=True)
class Page:
    """One page: its image (always), and its text lines when the PDF had a text layer."""

    image: Image.Image
    text_lines: list[OcrLine] | None = None  # in `image` pixels


@dataclass(frozen=True)
class LoadedDocument:
    pages: list[Page]
    source_format: str  # "JPEG", "PNG", "WEBP" or "PDF"
    page_count: int  # pages in the file (may exceed len(pages))
    warnings: list[str] = field(default_factory=list)


def sniff_format(data: bytes) -> str | None:
    """The container format from the first bytes, or None."""
    if data.startswith(b"%PDF") or b"%PDF-" in data[:1024]:
        return "PDF"
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None


def load_document(data: bytes, filename: str | None = None) -> LoadedDocument:
    """Pages of an uploaded image or PDF, normalised in size; raises `DocumentError` subclasses."""
    name = filename or "document"
    if not data:
        raise UnreadableDocumentError(f"{name} is empty (0 bytes)")
    if len(data) > MAX_BYTES:
        raise DocumentTooLargeError(
            f"{name} is {len(data) / 1e6:.1f} MB; the limit is {MAX_BYTES / 1e6:.0f} MB"
        )
    kind = sniff_format(data)
    if kind is None:
        raise UnsupportedDocumentError(
            f"{name} is not a JPEG, PNG, WebP or PDF file (starts with {data[:8]!r})"
        )
    if kind == "PDF":
        return _load_pdf(data, name)
    image = _load_image(data, name)
    return LoadedDocument([Page(normalise_size(image))], kind, 1)


def _load_image(data: bytes, name: str) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # checked below
            image: Image.Image = Image.open(io.BytesIO(data))
            if image.format not in IMAGE_FORMATS:
                raise UnsupportedDocumentError(
                    f"{name} is a {image.format} image; send JPEG/PNG/WebP"
                )
            pixels = image.width * image.height
            if pixels > MAX_PIXELS:
                if image.format != "JPEG":
                    raise DocumentTooLargeError(
                        f"{name} is {image.width}x{image.height} pixels; the limit is "
                        f"{MAX_PIXELS / 1e6:.0f} megapixels for {image.format} images"
                    )
                # libjpeg decodes at 1/2, 1/4 or 1/8 scale directly: cheap and small.
                image.draft("RGB", (PAGE_MAX_SIDE, PAGE_MAX_SIDE))
                if image.width * image.height > MAX_PIXELS:
                    raise DocumentTooLargeError(
                        f"{name} is too large to decode ({image.width}x{image.height} pixels)"
                    )
            image.load()
            image = ImageOps.exif_transpose(image)
    except Image.DecompressionBombError as exc:
        raise DocumentTooLargeError(
            f"{name} is too large to decode safely (limit {MAX_PIXELS / 1e6:.0f} megapixels): {exc}"
        ) from exc
    except UnidentifiedImageError as exc:
        raise UnreadableDocumentError(f"{name} could not be decoded as an image: {exc}") from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise UnreadableDocumentError(f"{name} is a corrupt or truncated image: {exc}") from exc
    if image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    return image


def normalise_size(image: Image.Image) -> Image.Image:
    """Scale so the long side is at most PAGE_MAX_SIDE and the short side at least PAGE_MIN_SIDE."""
    long_side, short_side = max(image.size), min(image.size)
    scale = 1.0
    if long_side > PAGE_MAX_SIDE:
        scale = PAGE_MAX_SIDE / long_side
    elif short_side < PAGE_MIN_SIDE and long_side * PAGE_MIN_SIDE / short_side <= PAGE_MAX_SIDE:
        scale = PAGE_MIN_SIDE / short_side
    if scale == 1.0:
        return image
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    if scale < 0.5:
        image = image.reduce(max(1, int(0.5 / scale)))
    return image.resize(size, Image.Resampling.LANCZOS)


def _load_pdf(data: bytes, name: str) -> LoadedDocument:
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise EncryptedPdfError(
                f"{name} is a password-protected PDF; send an unprotected copy"
            ) from exc
        raise UnreadableDocumentError(f"{name} is a corrupt PDF: {exc}") from exc
    try:
        page_count = len(pdf)
        if page_count == 0:
            raise UnreadableDocumentError(f"{name} is a PDF with no pages")
        notes = []
        if page_count > MAX_PAGES:
            notes.append(f"{name} has {page_count} pages; only the first {MAX_PAGES} were read")
        pages = [_pdf_page(pdf, i, name) for i in range(min(page_count, MAX_PAGES))]
    finally:
        pdf.close()
    return LoadedDocument(pages, "PDF", page_count, notes)


def _pdf_page(pdf: pdfium.PdfDocument, index: int, name: str) -> Page:
    try:
        page = pdf[index]
        width_pt, height_pt = page.get_size()
        scale = PDF_RENDER_DPI / 72
        if max(width_pt, height_pt) * scale > PAGE_MAX_SIDE:
            scale = PAGE_MAX_SIDE / max(width_pt, height_pt)
        image = page.render(scale=scale).to_pil().convert("RGB")
        lines = _text_layer(page, scale, height_pt)
    except pdfium.PdfiumError as exc:
        raise UnreadableDocumentError(f"{name}: page {index + 1} could not be read: {exc}") from exc
    return Page(image, lines or None)


def _text_layer(page: pdfium.PdfPage, scale: float, height_pt: float) -> list[OcrLine]:
    """Text runs of the PDF's text layer as lines in rendered-page pixels."""
    textpage = page.get_textpage()
    try:
        lines = []
        for i in range(textpage.count_rects()):
            left, bottom, right, top = textpage.get_rect(i)
            text = textpage.get_text_bounded(left, bottom, right, top).strip()
            if not text:
                continue
            box = (
                int(left * scale),
                int((height_pt - top) * scale),
                int(right * scale) + 1,
                int((height_pt - bottom) * scale) + 1,
            )
            lines.append(OcrLine(" ".join(text.split()), box, 1.0))
    finally:
        textpage.close()
    lines.sort(key=lambda ln: (ln.box[1], ln.box[0]))
    return lines
