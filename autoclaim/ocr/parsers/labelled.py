"""Label-anchored field reading for Chinese licences and invoices.

A field is found by its printed label (号牌号码, 车辆识别代号, ...): its value is the text
after the label on the same line, else the nearest line to the right on the same row, else
the line just below. Positions, not fixed coordinates, so any scan size or crop works.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from autoclaim.ocr.engines import OcrLine
from autoclaim.ocr.layout import below, right_of, union_box
from autoclaim.ocr.normalise import to_half_width
from autoclaim.ocr.types import FieldReading

Normaliser = Callable[[str], str | None]
Validator = Callable[[str], str | None]  # returns the reason it fails, or None


@dataclass(frozen=True)
class LabelSpec:
    """How to find and check one field."""

    name: str
    label: str  # regex matching the printed label
    normalise: Normaliser = lambda raw: raw or None
    validate: Validator | None = None
    value_pattern: str | None = None  # regex the value must match (first match is taken)
    below_first: bool = False  # value printed under the label rather than beside it


def compact(text: str) -> str:
    """Half-width text without spaces, for label matching (OCR spaces CJK oddly)."""
    return re.sub(r"\s+", "", to_half_width(text))


def _strip_label(text: str, label: re.Pattern[str]) -> str:
    match = label.search(compact(text))
    if match is None:
        return ""
    rest = compact(text)[match.end() :]
    return re.sub(r"^[:：;；.,、)）\]】\s]+", "", rest)


def find_label(
    lines: Sequence[OcrLine], label: str, within: tuple[int, int] | None = None
) -> OcrLine | None:
    """The first line whose text contains the label (optionally between two y values)."""
    pattern = re.compile(label)
    for line in lines:
        if within is not None and not within[0] <= line.box[1] < within[1]:
            continue
        if pattern.search(compact(line.text)):
            return line
    return None


def read_labelled(
    lines: Sequence[OcrLine],
    spec: LabelSpec,
    labels: re.Pattern[str],
    within: tuple[int, int] | None = None,
) -> FieldReading:
    """Find `spec`'s label and read, normalise and check the value next to it.

    `labels` matches every known label, so a value never swallows the next field's label.
    """
    anchor = find_label(lines, spec.label, within)
    if anchor is None:
        return FieldReading.missing(spec.name, f"label {spec.label!r} not found")
    label_re = re.compile(spec.label)
    candidates: list[tuple[str, list[OcrLine]]] = []
    same_line = _cut_at_next_label(_strip_label(anchor.text, label_re), labels)
    beside = [ln for ln in right_of(anchor, lines) if not labels.match(compact(ln.text))]
    under = [ln for ln in below(anchor, lines) if not labels.match(compact(ln.text))][:1]
    if same_line:
        candidates.append((same_line, [anchor]))
    order = (under, beside) if spec.below_first else (beside, under)
    for group in order:
        # Skip a line holding only the English label printed beside the Chinese one (class);
        # with a value pattern every line on the row is a candidate (C1 after a misread
        # `-chass`), else the nearest.
        readable = [ln for ln in group if spec.normalise(compact(ln.text)) is not None]
        for line in (readable or group)[: None if spec.value_pattern else 1]:
            text = _cut_at_next_label(compact(line.text), labels)
            if text:
                candidates.append((text, [line]))
    if spec.value_pattern:
        pattern = re.compile(spec.value_pattern)
        matched = []
        for text, used in candidates:
            found = pattern.search(text)
            if found:
                matched.append((found.group(0), used))
        candidates = matched or candidates
    if not candidates:
        return FieldReading.missing(spec.name, f"no value next to label {spec.label!r}")
    # Text after the label that normalises to nothing (only the English label, `住址Address`)
    # is no value: the line beside or below holds it.
    values = [c for c in candidates if spec.normalise(c[0]) is not None]
    raw, used = (values or candidates)[0]
    return check_field(spec, raw, used)


def _cut_at_next_label(text: str, labels: re.Pattern[str]) -> str:
    match = labels.search(text)
    if match and match.start() > 0:
        return text[: match.start()].rstrip(":： ")
    if match and match.start() == 0:
        return ""
    return text


def check_field(spec: LabelSpec, raw: str, used: Sequence[OcrLine]) -> FieldReading:
    """Normalise and validate a raw value; a failing check halves confidence and says why."""
    value = spec.normalise(raw)
    confidence = min(ln.confidence for ln in used) if used else 0.5
    reasons: list[str] = []
    status: str = "unchecked"
    if value is None:
        reasons.append(f"{raw!r} could not be read as a {spec.name}")
        status = "invalid"
    elif spec.validate is not None:
        problem = spec.validate(value)
        if problem:
            reasons.append(problem)
            status = "invalid"
        else:
            status = "valid"
    if reasons:
        confidence *= 0.5
    return FieldReading(
        name=spec.name,
        value=value,
        raw=raw,
        box=union_box([ln.box for ln in used]),
        confidence=round(confidence, 3),
        status=status,  # type: ignore[arg-type]
        reasons=reasons,
    )


def all_labels(specs: Sequence[LabelSpec], extra: Sequence[str] = ()) -> re.Pattern[str]:
    return re.compile("|".join([f"(?:{s.label})" for s in specs] + [f"(?:{e})" for e in extra]))
