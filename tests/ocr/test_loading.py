from __future__ import annotations

import time

import pytest
from PIL import Image

from autoclaim.ocr.errors import (
    DocumentTooLargeError,
    EncryptedPdfError,
    UnreadableDocumentError,
    UnsupportedDocumentError,
)
from autoclaim.ocr.loading import PAGE_MAX_SIDE, load_document
from tests.ocr.documents import huge_png, image_bytes, image_pdf, text_image, text_pdf


def test_png_page_is_loaded_and_normalised() -> None:
    doc = load_document(image_bytes(Image.new("RGB", (4000, 3000), "white")), "scan.png")
    assert doc.source_format == "PNG"
    assert doc.page_count == 1
    assert max(doc.pages[0].image.size) == PAGE_MAX_SIDE


def test_webp_is_accepted() -> None:
    doc = load_document(image_bytes(text_image(["hello"]), "WEBP"), "photo.webp")
    assert doc.source_format == "WEBP"


def test_exif_orientation_is_applied() -> None:
    image = Image.new("RGB", (800, 600), "white")
    exif = image.getexif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to display
    data = image_bytes(image, "JPEG", exif=exif.tobytes())
    page = load_document(data, "phone.jpg").pages[0].image
    assert page.size == (600, 800)


def test_pdf_text_layer_is_used_and_pages_counted() -> None:
    doc = load_document(text_pdf([["TOTAL 12.50"], ["second page"], ["third"]]), "a.pdf")
    assert doc.page_count == 3
    assert len(doc.pages) == 3
    lines = doc.pages[0].text_lines
    assert lines is not None
    assert lines[0].text == "TOTAL 12.50"
    assert lines[0].box[1] < doc.pages[0].image.height / 5  # near the top of the page


def test_scanned_pdf_is_rendered_without_text_layer() -> None:
    doc = load_document(image_pdf([text_image(["a"]), text_image(["b"])]), "scan.pdf")
    assert doc.page_count == 2
    assert all(page.text_lines is None for page in doc.pages)


def test_encrypted_pdf_gives_a_precise_error() -> None:
    with pytest.raises(EncryptedPdfError, match=r"locked\.pdf is a password-protected PDF"):
        load_document(text_pdf([["secret"]], encrypt=True), "locked.pdf")


def test_corrupt_pdf_gives_a_precise_error() -> None:
    with pytest.raises(UnreadableDocumentError, match=r"broken\.pdf is a corrupt PDF"):
        load_document(text_pdf([["x"]])[:150], "broken.pdf")


def test_truncated_image_gives_a_precise_error() -> None:
    data = image_bytes(text_image(["hello"]), "JPEG")
    with pytest.raises(UnreadableDocumentError, match=r"cut\.jpg"):
        load_document(data[: len(data) // 3], "cut.jpg")


def test_unknown_format_is_unsupported() -> None:
    with pytest.raises(UnsupportedDocumentError, match="not a JPEG, PNG, WebP or PDF"):
        load_document(b"GIF89a....", "anim.gif")


def test_empty_upload_is_unreadable() -> None:
    with pytest.raises(UnreadableDocumentError, match="empty"):
        load_document(b"", "nothing.png")


def test_20000_pixel_square_png_header_is_refused_before_decoding() -> None:
    started = time.perf_counter()
    with pytest.raises(DocumentTooLargeError, match=r"huge\.png"):
        load_document(huge_png(), "huge.png")
    assert time.perf_counter() - started < 1


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_20000_pixel_square_image_is_refused_quickly(fmt: str) -> None:
    data = image_bytes(Image.new("L", (20000, 20000), 255), fmt)
    started = time.perf_counter()
    with pytest.raises(DocumentTooLargeError, match=r"too large|megapixels"):
        load_document(data, f"huge.{fmt.lower()}")
    assert time.perf_counter() - started < 5


@pytest.mark.slow
def test_large_jpeg_is_decoded_at_reduced_scale() -> None:
    data = image_bytes(Image.new("L", (9000, 9000), 255), "JPEG")
    doc = load_document(data, "big.jpg")
    assert max(doc.pages[0].image.size) <= PAGE_MAX_SIDE
