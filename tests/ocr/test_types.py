from __future__ import annotations

import pytest

from autoclaim.ocr.errors import (
    DocumentError,
    DocumentTooLargeError,
    EncryptedPdfError,
    UnreadableDocumentError,
    UnsupportedDocumentError,
)
from autoclaim.ocr.types import DOC_TYPES, FIELD_NAMES, FieldReading


def test_missing_field_has_no_value_and_says_why() -> None:
    reading = FieldReading.missing("total")
    assert reading.value is None
    assert reading.status == "missing"
    assert reading.confidence == 0.0
    assert reading.reasons


def test_every_doc_type_has_its_canonical_field_list() -> None:
    assert set(FIELD_NAMES) == set(DOC_TYPES)
    assert FIELD_NAMES["receipt"] == ("seller", "date", "address", "total")
    assert "licence_no" in FIELD_NAMES["driver_licence"]


@pytest.mark.parametrize(
    "error",
    [UnreadableDocumentError, EncryptedPdfError, DocumentTooLargeError, UnsupportedDocumentError],
)
def test_document_errors_share_one_base(error: type[Exception]) -> None:
    assert issubclass(error, DocumentError)
