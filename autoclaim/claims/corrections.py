"""A document's fields as the adjuster sees them: the OCR reading with corrections on top.

The OCR's reading is never edited. A corrected field carries the correction's value, is
checked again with the same validators the parsers use (VIN check digit, plate pattern,
ID and tax-id check characters, dates), and keeps the OCR's reading under `original`.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from typing import Any

from autoclaim.claims.models import FieldCorrection
from autoclaim.ocr import normalise as norm
from autoclaim.ocr import validators as val

# What of the OCR's reading a correction keeps beside itself.
ORIGINAL_KEYS = ("value", "raw", "confidence", "status", "reasons")


def _vin(value: str) -> tuple[str, str | None]:
    vin = norm.normalise_vin(value)
    if not val.vin_format_ok(vin):
        return vin, f"VIN {vin!r} is not 17 characters of the VIN alphabet"
    if not val.vin_check_digit_ok(vin):
        return vin, f"VIN {vin!r} fails its check digit (expected {val.vin_check_digit(vin)!r})"
    return vin, None


def _plate(value: str) -> tuple[str, str | None]:
    plate = norm.normalise_plate(value)
    return plate, None if val.plate_ok(plate) else f"plate {plate!r} matches no plate pattern"


def _id_number(value: str) -> tuple[str, str | None]:
    number = norm.normalise_id_number(value)
    if val.id_number_ok(number):
        return number, None
    return number, f"ID number {number!r} fails its check character or embedded birth date"


def _tax_id(value: str) -> tuple[str, str | None]:
    code = norm.normalise_uscc(value)
    return code, val.taxpayer_id_problem(code)


def _date(value: str) -> tuple[str, str | None]:
    parsed = norm.normalise_date(value)
    return (parsed, None) if parsed else (value, f"{value!r} is not a date")


def _checker(field: str) -> Callable[[str], tuple[str, str | None]] | None:
    if field == "vin":
        return _vin
    if field == "plate":
        return _plate
    if field in ("licence_no", "id_number"):
        return _id_number
    if field.endswith("tax_id"):
        return _tax_id
    if field.endswith("date") or field in ("valid_from", "valid_until"):
        return _date
    return None


def check_value(field: str, value: str) -> tuple[str, str, list[str]]:
    """(normalised value, status, reasons) of an adjuster's value for `field`."""
    checker = _checker(field)
    if checker is None:
        return value.strip(), "valid", []
    normalised, problem = checker(value.strip())
    return normalised, ("invalid" if problem else "valid"), ([problem] if problem else [])


def original_reading(reading: dict[str, Any], field: str) -> dict[str, Any]:
    """The OCR's reading of `field`, as a correction keeps it."""
    found = reading.get("fields", {}).get(field, {})
    return {key: found.get(key) for key in ORIGINAL_KEYS}


def apply_corrections(
    reading: dict[str, Any], corrections: Sequence[FieldCorrection]
) -> dict[str, Any]:
    """A copy of `reading` with each correction (oldest first) applied to its field."""
    effective = copy.deepcopy(reading)
    fields = effective.setdefault("fields", {})
    for correction in corrections:
        value, status, reasons = check_value(correction.field, correction.value)
        fields[correction.field] = {
            **fields.get(correction.field, {"name": correction.field, "box": None}),
            "value": value,
            "confidence": 1.0,
            "status": status,
            "reasons": reasons,
            "corrected": True,
            "original": correction.original,
            "correction": {
                "id": correction.id,
                "reason": correction.reason,
                "role": correction.role,
                "at": correction.created_at.isoformat(),
            },
        }
    return effective
