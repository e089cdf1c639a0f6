"""Text lines laid out in code, as an engine would return them (for fast parser tests)."""

from __future__ import annotations

from autoclaim.ocr.engines import OcrLine
from autoclaim.ocr.validators import id_check_char, uscc_check_char, vin_check_digit


def layout(rows: list[list[str]], row_height: int = 30, col_width: int = 260) -> list[OcrLine]:
    """One OcrLine per cell; cells of a row share its y band, columns step right."""
    lines = []
    for r, cells in enumerate(rows):
        y = 20 + r * (row_height + 10)
        for c, text in enumerate(cells):
            if not text:
                continue
            x = 20 + c * col_width
            width = max(20, 14 * len(text))
            lines.append(OcrLine(text, (x, y, x + width, y + row_height), 0.95))
    return lines


def valid_vin(body: str = "LFV2A21K?D4123456") -> str:
    vin = body.replace("?", "0")
    return vin[:8] + vin_check_digit(vin) + vin[9:]


def valid_id(body: str = "11010519850314123") -> str:
    return body + id_check_char(body)


def valid_uscc(body: str = "91110000100000000") -> str:
    return body + uscc_check_char(body)
