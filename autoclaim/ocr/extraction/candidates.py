"""Candidates for each receipt field and the features the extractor scores them by.

A candidate is one possible answer: an amount printed on some line (total), a date (date),
a run of one to three lines near the top (seller), a run of one to six lines (address). Its
features are what a person looks at: the label on its row, where it sits on the page, how
its text reads (company suffixes, postcodes, phone numbers), how it agrees with other
printed amounts (cash minus change), and whether the layout rules of
`autoclaim.ocr.parsers.receipt` picked it. The model (`autoclaim.ocr.extraction.model`)
weighs the features; the rules still normalise the chosen text.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from autoclaim.ocr.engines import OcrLine
from autoclaim.ocr.layout import same_row, within
from autoclaim.ocr.parsers import receipt as rules
from autoclaim.ocr.types import FieldReading

FIELDS = ("seller", "date", "address", "total")
MAX_SELLER_START = 15  # the seller is printed near the top
MAX_SELLER_LINES = 3
MAX_ADDRESS_START = 20
MAX_ADDRESS_LINES = 6


@dataclass(frozen=True)
class Candidate:
    """One possible value of a field, the lines it was read from and its features."""

    value: str
    raw: str
    lines: tuple[int, ...]  # indices into the page's ordered lines
    features: dict[str, float]


@dataclass(frozen=True)
class Page:
    """A receipt's ordered lines with what every field's features need computed once."""

    lines: list[OcrLine]
    rules: rules.ReceiptParse  # what the layout rules read: fields, line items, checks
    rule_fields: dict[str, FieldReading]
    rule_lines: dict[str, set[int]]  # the lines the rules took for each field
    width: int
    height: int
    median_height: float
    amounts: list[tuple[int, str, Decimal]]  # (line, raw, value) of every amount printed
    paid: Decimal | None
    change: Decimal | None


def build_page(lines: list[OcrLine]) -> Page:
    """Order and clean the lines (as the rules do) and run the rules once."""
    ordered = rules.ordered_lines(lines)
    parse = rules.parse_receipt(ordered)
    parsed = parse.fields
    rule_lines = {
        name: {i for i, ln in enumerate(ordered) if _inside(ln, reading)}
        for name, reading in parsed.items()
    }
    heights = [ln.height for ln in ordered if ln.height > 0]
    amounts = [
        (i, raw, value)
        for i, ln in enumerate(ordered)
        for raw, value in rules.amounts_in(ln.text)
        if value > 0
    ]
    return Page(
        lines=ordered,
        rules=parse,
        rule_fields=parsed,
        rule_lines=rule_lines,
        width=max((ln.box[2] for ln in ordered), default=1) or 1,
        height=max((ln.box[3] for ln in ordered), default=1) or 1,
        median_height=statistics.median(heights) if heights else 1.0,
        amounts=amounts,
        paid=rules.labelled_amount(ordered, rules.PAID)[1],
        change=rules.labelled_amount(ordered, rules.CHANGE)[1],
    )


def _inside(line: OcrLine, reading: FieldReading) -> bool:
    return reading.box is not None and within(line.box, reading.box)


def candidates(page: Page, field: str) -> list[Candidate]:
    """Every candidate of `field` on the page, with its features."""
    builders: dict[str, Callable[[Page], list[Candidate]]] = {
        "seller": seller_candidates,
        "date": date_candidates,
        "address": address_candidates,
        "total": total_candidates,
    }
    if field not in builders:
        raise ValueError(f"no candidates for field {field!r}; fields are {', '.join(FIELDS)}")
    return builders[field](page)


# --- shared line features -------------------------------------------------------------------


def _row_text(page: Page, i: int) -> str:
    """The text of line i's visual row, left to right."""
    line = page.lines[i]
    row = [ln for ln in page.lines if ln is line or same_row(ln, line)]
    return " ".join(ln.text for ln in sorted(row, key=lambda ln: ln.box[0]))


def _position(page: Page, first: int, last: int) -> dict[str, float]:
    top, bottom = page.lines[first], page.lines[last]
    centre_x = (min(ln.box[0] for ln in page.lines[first : last + 1]) + top.box[2]) / 2
    return {
        "y_top": top.box[1] / page.height,
        "y_bottom": bottom.box[3] / page.height,
        "index": min(first, 30) / 30,
        "x_centre_offset": abs(centre_x / page.width - 0.5),
    }


def _text_shape(text: str) -> dict[str, float]:
    letters = sum(c.isalpha() for c in text)
    digits = sum(c.isdigit() for c in text)
    size = max(1, len(text))
    return {
        "letters": letters / size,
        "digits": digits / size,
        "upper": sum(c.isupper() for c in text) / max(1, letters),
        "length": min(len(text), 120) / 120,
        "words": min(len(text.split()), 20) / 20,
    }


def _height_features(page: Page, idx: range) -> dict[str, float]:
    heights = [max(1, page.lines[i].height) for i in idx]
    return {
        "height": min(max(heights) / max(page.median_height, 1), 4) / 4,
        "height_spread": min(max(heights) / min(heights), 3) / 3,
    }


def _rule_agrees(page: Page, field: str, value: str) -> float:
    rule = page.rule_fields[field].value
    return float(rule is not None and " ".join(rule.split()) == " ".join(value.split()))


def _rule_overlap(page: Page, field: str, idx: range) -> float:
    taken = page.rule_lines[field]
    if not taken:
        return 0.0
    mine = set(idx)
    return len(mine & taken) / len(mine | taken)


# --- seller ---------------------------------------------------------------------------------


def seller_candidates(page: Page) -> list[Candidate]:
    out: dict[str, Candidate] = {}
    seller_rule = page.rule_fields["seller"].value
    for first in range(min(MAX_SELLER_START, len(page.lines))):
        for size in range(1, MAX_SELLER_LINES + 1):
            idx = range(first, min(first + size, len(page.lines)))
            if len(idx) < size:
                break
            raw = " ".join(page.lines[i].text for i in idx)
            if sum(c.isalpha() for c in raw) < 3:
                continue
            value = rules.seller_value(raw)
            features = _seller_features(page, idx, raw, value)
            _keep(out, Candidate(value, raw, tuple(idx), features))
    if seller_rule and not any(c.value == seller_rule for c in out.values()):
        idx = range(
            min(page.rule_lines["seller"], default=0), 1 + max(page.rule_lines["seller"], default=0)
        )
        raw = page.rule_fields["seller"].raw
        _keep(
            out,
            Candidate(seller_rule, raw, tuple(idx), _seller_features(page, idx, raw, seller_rule)),
        )
    return list(out.values())


def _seller_features(page: Page, idx: range, raw: str, value: str) -> dict[str, float]:
    first, last = idx[0], idx[-1]
    texts = [page.lines[i].text for i in idx]
    after = page.lines[last + 1].text if last + 1 < len(page.lines) else ""
    before = page.lines[first - 1].text if first > 0 else ""
    alpha_before = sum(1 for ln in page.lines[:first] if sum(c.isalpha() for c in ln.text) >= 3)
    return {
        "rule_agrees": _rule_agrees(page, "seller", value),
        "rule_overlap": _rule_overlap(page, "seller", idx),
        "company_words": min(len(rules.COMPANY_WORDS.findall(raw)), 3) / 3,
        "suffix_last_line": float(
            bool(re.search(r"SDN\.?\s*BHD|\bBHD\b|BERHAD|S/B", texts[-1], re.I))
        ),
        "suffix_first_line_only": float(
            len(texts) > 1 and bool(rules.COMPANY_SUFFIX_ONLY.match(texts[0]))
        ),
        "not_company": float(any(rules.NOT_COMPANY.search(t) for t in texts)),
        "address_stop": float(any(rules.ADDRESS_STOP.search(t) for t in texts)),
        "address_start_line": float(any(rules.ADDRESS_START.match(t) for t in texts[1:])),
        "postcode": float(any(rules.POSTCODE.search(t) for t in texts)),
        "date": float(any(rules.parse_date(t) for t in texts)),
        "amount": float(any(rules.amounts_in(t) for t in texts)),
        "reg_no": float(any(rules.REG_LINE.search(t) for t in texts)),
        "digits_after_suffix": float(
            bool(re.search(r"(SDN\.?\s*BHD|BHD|BERHAD|S/B)\W*.*\d", raw, re.I))
        ),
        "lines_1": float(len(idx) == 1),
        "lines_2": float(len(idx) == 2),
        "lines_3": float(len(idx) == 3),
        "alpha_lines_before": min(alpha_before, 6) / 6,
        "first_alpha_line": float(alpha_before == 0),
        "next_address_start": float(bool(rules.ADDRESS_START.search(after))),
        "next_company_words": float(bool(rules.COMPANY_WORDS.search(after))),
        "before_company_words": float(bool(rules.COMPANY_WORDS.search(before))),
        "opens_bracket": float(raw.count("(") > raw.count(")")),
        "lower_case_words": float(bool(re.search(r"\b[a-z]{3,}", raw))),
        **_position(page, first, last),
        **_text_shape(raw),
        **_height_features(page, idx),
    }


# --- address --------------------------------------------------------------------------------


def address_candidates(page: Page) -> list[Candidate]:
    out: dict[str, Candidate] = {}
    seller_at = min(page.rule_lines["seller"], default=-1)
    for first in range(min(MAX_ADDRESS_START, len(page.lines))):
        for size in range(1, MAX_ADDRESS_LINES + 1):
            idx = range(first, min(first + size, len(page.lines)))
            if len(idx) < size:
                break
            texts = [page.lines[i].text for i in idx]
            variants = [(" ".join(texts), False)]
            stop = rules.ADDRESS_STOP.search(texts[-1])
            if stop and rules.address_tail(texts[-1][: stop.start()]):
                tail = rules.address_tail(texts[-1][: stop.start()])
                variants.append((" ".join([*texts[:-1], tail]), True))
            for raw, cut in variants:
                raw = re.sub(r"^\(?[A-Z]{0,4}\d{4,}[-\s]*[A-Z]{0,4}\)\s*", "", raw)
                if sum(c.isalnum() for c in raw) < 5:
                    continue
                value = rules.address_value(raw)
                features = _address_features(page, idx, raw, value, cut, seller_at)
                _keep(out, Candidate(value, raw, tuple(idx), features))
    rule = page.rule_fields["address"]
    if (
        rule.value
        and page.rule_lines["address"]
        and not any(c.value == rule.value for c in out.values())
    ):
        taken = page.rule_lines["address"]
        idx = range(min(taken), max(taken) + 1)
        features = _address_features(page, idx, rule.raw, rule.value, False, seller_at)
        _keep(out, Candidate(rule.value, rule.raw, tuple(idx), features))
    return list(out.values())


def _address_features(
    page: Page, idx: range, raw: str, value: str, cut: bool, seller_at: int
) -> dict[str, float]:
    first, last = idx[0], idx[-1]
    texts = [page.lines[i].text for i in idx]
    after = page.lines[last + 1].text if last + 1 < len(page.lines) else ""
    before = page.lines[first - 1].text if first > 0 else ""
    postcode_lines = [k for k, t in enumerate(texts) if rules.POSTCODE.search(t)]
    stops_inside = sum(
        1 for t in texts[:-1] if rules.ADDRESS_STOP.search(t) or rules.PHONE.match(t)
    ) + float(not cut and bool(rules.ADDRESS_STOP.search(texts[-1])))
    gap = (first - seller_at) if seller_at >= 0 else 10
    return {
        "rule_agrees": _rule_agrees(page, "address", value),
        "rule_overlap": _rule_overlap(page, "address", idx),
        "starts_address_word": float(bool(rules.ADDRESS_START.match(texts[0]))),
        "contains_address_word": float(bool(rules.ADDRESS_START.search(texts[0]))),
        "postcode": float(bool(postcode_lines)),
        "postcode_last_line": float(bool(postcode_lines) and postcode_lines[-1] == len(texts) - 1),
        "postcode_second_last": float(
            bool(postcode_lines) and postcode_lines[-1] == len(texts) - 2
        ),
        "postcodes_two": float(len(postcode_lines) > 1),
        "state_at_end": float(bool(rules.STATE_AT_END.search(texts[-1]))),
        "state_line_last": float(bool(rules.STATES.match(texts[-1]))),
        "stops_inside": min(stops_inside, 3) / 3,
        "cut_at_stop": float(cut),
        "date_inside": float(any(rules.parse_date(t) for t in texts)),
        "amount_inside": float(any(rules.amounts_in(t) for t in texts)),
        "company_words": float(any(rules.is_company_line(t) for t in texts)),
        "reg_no_first": float(
            bool(rules.REG_LINE.search(texts[0]) or rules.REG_NO.match(texts[0].replace(" ", "")))
        ),
        "next_stop": float(
            not after or bool(rules.ADDRESS_STOP.search(after) or rules.PHONE.match(after))
        ),
        "next_postcode": float(bool(rules.POSTCODE.search(after))),
        "next_state": float(bool(rules.STATES.match(after))),
        "next_address_start": float(bool(rules.ADDRESS_START.match(after))),
        "prev_postcode": float(bool(rules.POSTCODE.search(before))),
        "prev_company": float(rules.is_company_line(before)),
        "prev_stop": float(bool(rules.ADDRESS_STOP.search(before))),
        "after_seller_gap": max(-3, min(gap, 6)) / 6,
        "right_after_seller": float(gap == 1),
        "commas": min(raw.count(","), 8) / 8,
        **{f"lines_{n}": float(len(idx) == n) for n in range(1, MAX_ADDRESS_LINES + 1)},
        **_position(page, first, last),
        **_text_shape(raw),
        **_height_features(page, idx),
    }


# --- date -----------------------------------------------------------------------------------

DATE_LABEL = re.compile(r"DATE|TARIKH|\bDT\b", re.I)
OTHER_DATE_LABEL = re.compile(r"EXP|DUE|VALID|PRINT|BIRTH|JOIN|MEMBER", re.I)
TIME = re.compile(r"\d{1,2}\s?:\s?\d{2}")


def dates_in(text: str) -> list[tuple[int, str, date]]:
    """Every date printed in the text, with the index of the pattern that read it."""
    found = []
    for k, pattern in enumerate(rules.DATE_PATTERNS):
        for match in pattern.finditer(text):
            parsed = rules.to_date(match)
            if parsed is not None:
                found.append((k, match.group(0).strip(), parsed))
    return found


def date_candidates(page: Page) -> list[Candidate]:
    found: list[tuple[int, int, str, date, str]] = []  # line, pattern, raw, date, source
    for i, ln in enumerate(page.lines):
        for k, raw, parsed in dates_in(ln.text):
            found.append((i, k, raw, parsed, "text"))
        words = " ".join(w.text for w in ln.words)
        for k, raw, parsed in dates_in(words):
            found.append((i, k, raw, parsed, "words"))
        lone = rules.lone_date(ln)
        if lone:
            for k, raw, parsed in dates_in(lone):
                found.append((i, k, raw, parsed, "lone"))
    counts: dict[date, int] = {}
    for *_, parsed, _src in found:
        counts[parsed] = counts.get(parsed, 0) + 1
    out: dict[str, Candidate] = {}
    first_line = min((f[0] for f in found), default=0)
    for rank, (i, k, raw, parsed, source) in enumerate(found):
        row = _row_text(page, i)
        value = parsed.isoformat()
        features = {
            "rule_agrees": _rule_agrees(page, "date", value),
            "label_line": float(bool(DATE_LABEL.search(page.lines[i].text))),
            "label_row": float(bool(DATE_LABEL.search(row))),
            "label_above": float(i > 0 and bool(DATE_LABEL.search(page.lines[i - 1].text))),
            "other_label_row": float(bool(OTHER_DATE_LABEL.search(row))),
            "time_row": float(bool(TIME.search(row))),
            "future": float(parsed > date.today()),
            "repeated": min(counts[parsed] - 1, 3) / 3,
            "first_found": float(i == first_line),
            "rank": min(rank, 5) / 5,
            **{f"pattern_{n}": float(k == n) for n in range(len(rules.DATE_PATTERNS))},
            "from_words": float(source == "words"),
            "from_lone": float(source == "lone"),
            "confidence": page.lines[i].confidence,
            **_position(page, i, i),
        }
        _keep(out, Candidate(value, raw, (i,), features))
    return list(out.values())


# --- total ----------------------------------------------------------------------------------

TAX = re.compile(r"\bGST\b|\bSST\b|\bTAX\b|\bSERVICE\s*(CHARGE|CHG)", re.I)
SUBTOTAL = re.compile(r"SUB\s*-?\s*TOTAL", re.I)
DISCOUNT = re.compile(r"DISC|SAVING|VOUCHER|POINTS?\b", re.I)
QUANTITY = re.compile(r"\bQTY\b|QUANTITY|ITEMS?\b|\bPCS?\b", re.I)


def _label_weight(text: str) -> float:
    """The strength (0..1) of the strongest TOTAL label in the text, 0 when it is a
    subtotal, tax or quantity total (the rules' own label table)."""
    text = rules.label_text(text)
    if rules.NOT_TOTAL.search(text) and not rules.TOTAL_LABELS[0][0].search(text):
        return 0.0
    for pattern, weight in rules.TOTAL_LABELS:
        if pattern.search(text):
            return weight / 9
    return 0.0


def total_candidates(page: Page) -> list[Candidate]:
    values = sorted({v for _, _, v in page.amounts}, reverse=True)
    counts: dict[Decimal, int] = {}
    for _, _, v in page.amounts:
        counts[v] = counts.get(v, 0) + 1
    expected = None
    if page.paid is not None and (page.change is None or page.paid >= page.change):
        expected = page.paid - (page.change or Decimal(0))
    out: dict[str, Candidate] = {}
    rows_cache: dict[int, str] = {}
    for i, raw, value in page.amounts:
        row = rows_cache.setdefault(i, _row_text(page, i))
        above = page.lines[i - 1].text if i > 0 else ""
        earlier = [v for j, _, v in page.amounts if j < i]
        later = [v for j, _, v in page.amounts if j > i]
        features = {
            "rule_agrees": _rule_agrees(page, "total", f"{value:.2f}"),
            "label_row": _label_weight(row),
            "label_line": _label_weight(page.lines[i].text),
            "label_above": _label_weight(above) * float(not rules.amounts_in(above)),
            "not_total_row": float(bool(rules.NOT_TOTAL.search(rules.label_text(row)))),
            "subtotal_row": float(bool(SUBTOTAL.search(row))),
            "tax_row": float(bool(TAX.search(row))),
            "paid_row": float(bool(rules.PAID.search(row))),
            "change_row": float(bool(rules.CHANGE.search(row))),
            "rounding_row": float(bool(rules.ROUNDING.search(row))),
            "discount_row": float(bool(DISCOUNT.search(row))),
            "quantity_row": float(bool(QUANTITY.search(row))),
            "is_largest": float(value == values[0]),
            "is_second_largest": float(len(values) > 1 and value == values[1]),
            "value_rank": min(values.index(value), 5) / 5,
            "repeated": min(counts[value] - 1, 3) / 3,
            "paid_minus_change": float(expected is not None and value == expected),
            "equals_paid": float(page.paid is not None and value == page.paid),
            "above_paid": float(page.paid is not None and value > page.paid),
            "five_sen": float(value % Decimal("0.05") == 0),
            "sum_of_two_above": float(
                any(a + b == value for a in earlier for b in earlier if a != b)
            ),
            "larger_later": float(any(v > value for v in later)),
            "larger_earlier": float(any(v > value for v in earlier)),
            "currency": float(bool(re.search(r"\bRM|MYR|\$", row, re.I))),
            "rightmost": page.lines[i].box[2] / page.width,
            "confidence": page.lines[i].confidence,
            "computed": 0.0,
            **_position(page, i, i),
        }
        _keep(out, Candidate(f"{value:.2f}", raw, (i,), features))
    rule = page.rule_fields["total"]
    if rule.value and not any(
        c.value == rule.value for c in out.values()
    ):  # computed by the rules (cash - change, rounding)
        # No printed amount backs it: only its position and the rules speak for it (features
        # not given score 0).
        i = min(page.rule_lines["total"], default=len(page.lines) - 1)
        features = {"rule_agrees": 1.0, "computed": 1.0, **_position(page, i, i)}
        _keep(out, Candidate(rule.value, rule.raw, (i,), features))
    return list(out.values())


def _keep(found: dict[str, Candidate], candidate: Candidate) -> None:
    """One candidate per value and lines: the first found (duplicates would only weigh a
    value twice)."""
    key = f"{candidate.value}\x00{candidate.lines}"
    found.setdefault(key, candidate)
