"""The claim record's view of the vision model and the OCR engine.

Both are used through two small protocols that return JSON-shaped dicts (a `PhotoAssessment`
or a `DocumentReading` as `dataclasses.asdict` gives them), so the claim record can store
them as they are and never imports torch. The real implementations import their packages
lazily: a deployment without them still starts, and work that needs them fails with a
recorded "... not installed" error instead of crashing the service.
"""

from __future__ import annotations

import dataclasses
import importlib
import threading
from collections.abc import Sequence
from typing import Any, Protocol

from autoclaim.claims.errors import (
    AnalyserUnavailableError,
    CorruptFileError,
    FileTooLargeError,
    UnsupportedFileError,
    UploadError,
)


class PhotoAssessor(Protocol):
    """Photos in (encoded bytes), one PhotoAssessment-shaped dict per photo out, in order."""

    def assess(self, images: Sequence[bytes]) -> list[dict[str, Any]]: ...


class DocumentReader(Protocol):
    """A document in (bytes), a DocumentReading-shaped dict out."""

    def read(self, data: bytes, filename: str | None, doc_type: str | None) -> dict[str, Any]: ...


def to_jsonable(value: Any) -> Any:
    """Dataclasses, tuples and nested containers as plain JSON values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def translate_input_error(exc: Exception, filename: str) -> UploadError | None:
    """The upload error matching an `ImageError` / `DocumentError` of the engines, by its
    class name (too large → 413, unsupported or encrypted → 415, else corrupt → 422)."""
    module = type(exc).__module__
    if not module.startswith(("autoclaim.inference", "autoclaim.ocr")):
        return None
    names = " ".join(cls.__name__ for cls in type(exc).__mro__)
    if "ImageError" not in names and "DocumentError" not in names:
        return None
    if "TooLarge" in names:
        return FileTooLargeError(filename, str(exc))
    if "Unsupported" in names or "Encrypted" in names:
        return UnsupportedFileError(filename, str(exc))
    return CorruptFileError(filename, str(exc))


class VisionAssessor:
    """`autoclaim.inference.Predictor`, loaded once on first use (`module` names the package,
    so a deployment, or a test, can point it elsewhere)."""

    def __init__(self, module: str = "autoclaim.inference") -> None:
        self.module = module
        self._predictor: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        with self._lock:
            if self._predictor is None:
                try:
                    predictor_class = importlib.import_module(self.module).Predictor
                    self._predictor = predictor_class.load()
                except (ImportError, AttributeError, FileNotFoundError) as exc:
                    raise AnalyserUnavailableError(f"vision model not installed: {exc}") from exc
            return self._predictor

    def assess(self, images: Sequence[bytes]) -> list[dict[str, Any]]:
        predictor = self._load()
        try:
            results = predictor.assess(list(images))
        except Exception as exc:
            upload_error = translate_input_error(exc, "photo")
            if upload_error is None:
                raise
            raise upload_error from exc
        return [to_jsonable(result) for result in results]


class OcrReader:
    """`autoclaim.ocr.read_document`, imported on first use."""

    def __init__(self, module: str = "autoclaim.ocr") -> None:
        self.module = module

    def read(self, data: bytes, filename: str | None, doc_type: str | None) -> dict[str, Any]:
        try:
            read_document = importlib.import_module(self.module).read_document
        except (ImportError, AttributeError) as exc:
            raise AnalyserUnavailableError(f"OCR engine not installed: {exc}") from exc
        try:
            reading = read_document(data, filename=filename, doc_type=doc_type)
        except Exception as exc:
            upload_error = translate_input_error(exc, filename or "document")
            if upload_error is None:
                raise
            raise upload_error from exc
        result: dict[str, Any] = to_jsonable(reading)
        return result
