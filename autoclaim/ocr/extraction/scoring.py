"""How a receipt field is scored against its SROIE key, and the F1 over all fields.

The benchmark's rules: a field counts when the whole value matches; seller and address
compared upper-case with whitespace collapsed, the date as a calendar date, the total as a
number. `loose_match` is the diagnostic beside it: seller and address on letters and digits
only, since the keys write spaces and punctuation inconsistently.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from autoclaim.ocr.parsers.receipt import parse_date

# SROIE key → autoclaim receipt field.
SROIE_FIELDS = {"company": "seller", "date": "date", "address": "address", "total": "total"}


def _norm_text(text: str) -> str:
    return " ".join(text.upper().split())


def _amount(text: str) -> Decimal | None:
    cleaned = "".join(c for c in text if c.isdigit() or c in ".-")
    try:
        return Decimal(cleaned) if cleaned else None
    except InvalidOperation:
        return None


def sroie_match(key: str, truth: str, predicted: str | None) -> bool:
    """The predicted value of SROIE field `key` equals the truth, as the benchmark scores."""
    if not predicted:
        return False
    if key == "date":
        found = parse_date(truth)
        return found is not None and found[1].isoformat() == predicted
    if key == "total":
        return _amount(truth) is not None and _amount(truth) == _amount(predicted)
    return _norm_text(truth) == _norm_text(predicted)


def loose_match(key: str, truth: str, predicted: str | None) -> bool:
    """`sroie_match` with company and address compared on letters and digits only."""
    if key not in ("company", "address"):
        return sroie_match(key, truth, predicted)
    return bool(predicted) and letters_digits(truth) == letters_digits(predicted or "")


def letters_digits(text: str) -> str:
    return "".join(c for c in text.upper() if c.isalnum())


def f1_score(correct: int, predicted: int, expected: int) -> tuple[float, float, float]:
    """Precision, recall and F1 of `correct` fields among `predicted` and `expected` ones."""
    precision, recall = correct / max(1, predicted), correct / max(1, expected)
    return precision, recall, 2 * precision * recall / max(1e-9, precision + recall)
