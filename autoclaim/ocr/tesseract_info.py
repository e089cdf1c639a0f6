"""What Tesseract is installed: version and language packs, for health checks and errors."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import pytesseract


@dataclass(frozen=True)
class TesseractInfo:
    available: bool
    version: str | None
    languages: tuple[str, ...]
    error: str | None = None


def tesseract_info() -> TesseractInfo:
    """Ask the tesseract binary for its version and languages; never raises."""
    try:
        version = str(pytesseract.get_tesseract_version())
        languages = tuple(sorted(lang for lang in pytesseract.get_languages(config="") if lang))
    except (pytesseract.TesseractNotFoundError, OSError, RuntimeError) as exc:
        return TesseractInfo(available=False, version=None, languages=(), error=str(exc))
    return TesseractInfo(available=True, version=version, languages=languages)


@functools.cache
def tesseract_version() -> str:
    """The installed version, asked once per process: it labels every OCR reading."""
    return tesseract_info().version or "unknown"
