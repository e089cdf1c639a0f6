"""Precise errors for documents OCR cannot take; the service maps them to HTTP codes."""

from __future__ import annotations


class DocumentError(Exception):
    """Base error: a document autoclaim cannot read. The message names the bad input."""


class UnreadableDocumentError(DocumentError):
    """The bytes are corrupt or truncated (a broken image or PDF)."""


class EncryptedPdfError(DocumentError):
    """The PDF is password-protected; autoclaim does not guess passwords."""


class DocumentTooLargeError(DocumentError):
    """Too many bytes, pages or pixels to read in bounded time."""


class UnsupportedDocumentError(DocumentError):
    """Not an image or PDF format that OCR reads."""


class OcrEngineError(DocumentError):
    """The OCR engine is missing or failed (e.g. no tesseract binary or language pack)."""
