"""Geometry of text lines on a page: rows, what sits right of or below a label.

Parsers find a label line and take the value by position (same row to the right, or the
line below), so they work at any image size and without one template per layout.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from autoclaim.ocr.engines import Box, OcrLine


def vertical_overlap(a: Box, b: Box) -> float:
    """Overlap of two boxes' vertical extents, as a share of the shorter one."""
    top, bottom = max(a[1], b[1]), min(a[3], b[3])
    shorter = max(1, min(a[3] - a[1], b[3] - b[1]))
    return max(0, bottom - top) / shorter


def same_row(a: OcrLine, b: OcrLine, min_overlap: float = 0.5) -> bool:
    return vertical_overlap(a.box, b.box) >= min_overlap


def rows(lines: Sequence[OcrLine]) -> list[list[OcrLine]]:
    """Lines grouped into visual rows, top to bottom, each row left to right."""
    result: list[list[OcrLine]] = []
    for line in sorted(lines, key=lambda ln: (ln.box[1] + ln.box[3]) / 2):
        for row in result:
            if any(same_row(line, other) for other in row):
                row.append(line)
                break
        else:
            result.append([line])
    for row in result:
        row.sort(key=lambda ln: ln.box[0])
    result.sort(key=lambda row: min(ln.box[1] for ln in row))
    return result


def right_of(label: OcrLine, lines: Sequence[OcrLine]) -> list[OcrLine]:
    """Lines on the label's row that start right of its left edge, nearest first."""
    found = [
        ln
        for ln in lines
        if ln is not label and same_row(label, ln) and ln.box[0] >= label.box[2] - label.height
    ]
    return sorted(found, key=lambda ln: ln.box[0])


def below(label: OcrLine, lines: Sequence[OcrLine], max_rows: float = 2.5) -> list[OcrLine]:
    """Lines starting just below the label, horizontally overlapping it, nearest first."""
    limit = label.box[3] + max_rows * max(label.height, 1)
    found = [
        ln
        for ln in lines
        if ln is not label
        and label.box[3] - label.height / 3 <= ln.box[1] <= limit
        and ln.box[0] < label.box[2] + 2 * label.height
        and ln.box[2] > label.box[0] - 2 * label.height
    ]
    return sorted(found, key=lambda ln: ln.box[1])


def within(inner: Box, outer: Box) -> bool:
    """Box `inner` lies wholly inside box `outer`."""
    return (
        inner[0] >= outer[0]
        and inner[1] >= outer[1]
        and inner[2] <= outer[2]
        and inner[3] <= outer[3]
    )


def union_box(boxes: Sequence[Box]) -> Box | None:
    if not boxes:
        return None
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def first(lines: Sequence[OcrLine], predicate: Callable[[OcrLine], bool]) -> OcrLine | None:
    return next((ln for ln in lines if predicate(ln)), None)
