"""Document OCR: engines, document parsers and validators.

`read_document(data, filename, doc_type)` is the entry point; see `autoclaim.ocr.types` for
what it returns and `autoclaim.ocr.errors` for what it raises. It is imported on first use, so
code that needs only the pure `validators` or `normalise` modules (the estimate rules) does not
load the OCR engines.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from autoclaim.ocr.reader import read_document

__all__ = ["read_document"]


def __getattr__(name: str) -> Any:
    if name == "read_document":
        from autoclaim.ocr.reader import read_document

        return read_document
    raise AttributeError(f"module 'autoclaim.ocr' has no attribute {name!r}")
