from __future__ import annotations

import logging

import pytest

from autoclaim.claims.masking import MaskingFilter, mask_phone, mask_text, mask_value


def test_ids_and_mobiles_are_masked_in_text() -> None:
    text = "ID 11010119900307457X, phone +86 138-1234-5678, policy PDAA2024"
    masked = mask_text(text)
    assert "110101********457X" in masked
    assert "5678" in masked and "1234" not in masked
    assert "PDAA2024" in masked
    assert mask_value({"a": ["13812345678"]}) == {"a": ["138****5678"]}
    assert mask_phone("021-6888 1234") == "021****1234"


def test_log_records_are_masked(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("autoclaim.test.masking")
    caplog.handler.addFilter(MaskingFilter())
    with caplog.at_level(logging.INFO):
        logger.info("claimant %s called", "13812345678", extra={"id_no": "110101199003074578"})
    record = caplog.records[-1]
    assert "13812345678" not in caplog.text
    assert record.id_no == "110101********4578"  # type: ignore[attr-defined]
