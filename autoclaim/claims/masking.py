"""Masking of personal data (ID numbers, phone numbers) for logs and claimant-facing output."""

from __future__ import annotations

import logging
import re
from typing import Any

# 18-character PRC resident ID (last may be X) and 15-digit legacy IDs.
_ID18_RE = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[0-9Xx])(?![0-9A-Za-z])")
_ID15_RE = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{6}(\d{3})(?![0-9A-Za-z])")
_STANDARD_ATTRS = set(vars(logging.makeLogRecord({})))
# Mainland mobile numbers, optionally with +86 and separators.
_MOBILE_RE = re.compile(r"(?<!\d)((?:\+?86[ -]?)?1[3-9]\d)[ -]?(\d{4})[ -]?(\d{4})(?!\d)")


def mask_text(text: str) -> str:
    """`text` with ID numbers and mobile numbers masked, other characters unchanged."""
    text = _ID18_RE.sub(lambda m: f"{m.group(1)}********{m.group(2)}", text)
    text = _ID15_RE.sub(lambda m: f"{m.group(1)}******{m.group(2)}", text)
    return _MOBILE_RE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)


def mask_phone(phone: str | None) -> str | None:
    """Any phone number with all but its first three and last four digits hidden."""
    if phone is None:
        return None
    digits = re.sub(r"\D", "", phone)
    if len(digits) <= 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_value(value: Any) -> Any:
    """`value` (str, list, dict, nested) with every string masked by `mask_text`."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, list):
        return [mask_value(item) for item in value]
    if isinstance(value, dict):
        return {key: mask_value(item) for key, item in value.items()}
    return value


class MaskingFilter(logging.Filter):
    """Masks personal data in a record's message, arguments and extra fields."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = mask_text(str(record.msg))
        if record.args:
            if isinstance(record.args, dict):
                record.args = {k: mask_value(v) for k, v in record.args.items()}
            else:
                record.args = tuple(mask_value(a) for a in record.args)
        for key, value in list(vars(record).items()):
            if key not in _STANDARD_ATTRS and isinstance(value, (str, dict, list)):
                setattr(record, key, mask_value(value))
        return True


def install_log_masking() -> None:
    """Attach `MaskingFilter` to every root handler (idempotent)."""
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, MaskingFilter) for f in handler.filters):
            handler.addFilter(MaskingFilter())
