from __future__ import annotations

import json
import logging

from autoclaim.logs import JsonFormatter


def test_json_formatter_keeps_extra_fields() -> None:
    record = logging.makeLogRecord(
        {"name": "autoclaim.x", "levelname": "INFO", "msg": "claim %s", "args": ("C1",)}
    )
    record.claim_id = "C1"
    line = json.loads(JsonFormatter().format(record))
    assert line["msg"] == "claim C1"
    assert line["claim_id"] == "C1"
    assert line["level"] == "INFO"
