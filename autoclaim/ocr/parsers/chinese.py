"""Parsers for the Chinese documents: 行驶证, 驾驶证, 增值税发票 and 机动车维修发票.

Each field is found by its label (see `labelled`), normalised with `autoclaim.ocr.normalise`
and checked with `autoclaim.ocr.validators`; cross-field checks (dates in order, amount +
tax = total, capitals = total, line items sum) come back as `CheckResult`s.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from autoclaim.ocr import normalise as norm
from autoclaim.ocr import validators as val
from autoclaim.ocr.engines import OcrLine
from autoclaim.ocr.layout import below, right_of, rows, union_box
from autoclaim.ocr.parsers.labelled import (
    LabelSpec,
    all_labels,
    compact,
    find_label,
    read_labelled,
)
from autoclaim.ocr.types import CheckResult, FieldReading, LineItem


@dataclass(frozen=True)
class ParsedFields:
    fields: dict[str, FieldReading]
    line_items: list[LineItem]
    checks: list[CheckResult]


ENGLISH_LABELS = re.compile(
    r"^(?:License\s*No\.?|Licence\s*No\.?|Name|Sex|Nationality|Address|Date\s*of\s*Birth|"
    r"(?:First\s*)?Issue\s*Date|Class|Valid\s*(?:Period|From)|Owner|Plate\s*No\.?|"
    r"Vehicle\s*Type|Use\s*Character|Model|VIN|Engine\s*No\.?|Register\s*Date)\s*[:：]?\s*",
    re.IGNORECASE,
)


def without_english_label(raw: str) -> str:
    """Bilingual licences print `姓名 Name`; OCR may join the English label to the value."""
    return ENGLISH_LABELS.sub("", raw.strip(), count=1)


def _text(raw: str) -> str | None:
    # Stray marks before the value or its English label go ([Name, Name~邱艳怡); an English
    # label misread (Nationalty) still sits before the Chinese value: drop it.
    junk = re.compile(r"^[^\w\u4e00-\u9fff]+")
    raw = junk.sub("", without_english_label(junk.sub("", raw.strip())))
    raw = re.sub(r"^[A-Za-z][A-Za-z .:]*(?=[\u4e00-\u9fff])", "", raw)
    value = norm.normalise_text(raw).strip(" :：")
    return value or None


def _date(raw: str) -> str | None:
    return norm.normalise_date(raw)


def _amount(raw: str) -> str | None:
    return norm.normalise_amount(raw)


def _plate(raw: str) -> str | None:
    """Plate without the separator dot; a dot misread as I or 1 after the authority letter
    is dropped when that makes a valid plate."""
    plate = norm.normalise_plate(re.sub(r"[·•・.\s-]", "", without_english_label(raw)))
    for at in (1, 2):  # the dot sits after the province or after the authority letter
        if not val.plate_ok(plate) and len(plate) > at + 2 and plate[at] in "I1L|":
            fixed = norm.normalise_plate(plate[:at] + plate[at + 1 :])
            if val.plate_ok(fixed):
                return fixed
    return plate or None


def _vin_problem(vin: str) -> str | None:
    if not val.vin_format_ok(vin):
        return f"VIN {vin!r} is not 17 characters of the VIN alphabet"
    if not val.vin_check_digit_ok(vin):
        return f"VIN {vin!r} fails its check digit (expected {val.vin_check_digit(vin)!r})"
    return None


def _plate_problem(plate: str) -> str | None:
    return None if val.plate_ok(plate) else f"plate {plate!r} does not match any plate pattern"


def _id_problem(number: str) -> str | None:
    if val.id_number_ok(number):
        return None
    return f"ID number {number!r} fails its check character or embedded birth date"


def _uscc_problem(code: str) -> str | None:
    return val.taxpayer_id_problem(code)


def _date_problem(value: str) -> str | None:
    return None if date.fromisoformat(value) <= date.today() else f"date {value} is in the future"


DATE_RE = r"\d{4}\s*[-./年]\s*\d{1,2}\s*[-./月]\s*\d{1,2}日?"

VEHICLE_LICENCE = [
    LabelSpec("plate", r"号牌号码|号牌号", _plate, _plate_problem),
    LabelSpec("vehicle_type", r"车辆类型", _text),
    LabelSpec("owner", r"所有人", _text),
    LabelSpec("address", r"住址", _text),
    LabelSpec("use_character", r"使用性质", _text),
    LabelSpec("model", r"品牌型号", _text),
    LabelSpec(
        "vin", r"车辆识别代号|识别代号", norm.normalise_vin, _vin_problem, r"[A-Za-z0-9]{15,19}"
    ),
    LabelSpec("engine_no", r"发动机号码|发动机号", lambda r: compact(r).upper() or None),
    LabelSpec("register_date", r"注册日期", _date, _date_problem, DATE_RE),
    LabelSpec("issue_date", r"发证日期", _date, _date_problem, DATE_RE),
]

DRIVER_LICENCE = [
    LabelSpec("licence_no", r"证号", norm.normalise_id_number, _id_problem, r"[0-9Xx]{15,18}"),
    LabelSpec("name", r"姓名", _text),
    LabelSpec("sex", r"性别", lambda r: (re.search(r"[男女]", r) or [None])[0], None, r"[男女]"),
    LabelSpec("nationality", r"国籍", _text),
    LabelSpec("address", r"住址", _text),
    LabelSpec("birth_date", r"出生日期", _date, _date_problem, DATE_RE),
    LabelSpec("first_issue_date", r"初次领证日期|初次领证", _date, _date_problem, DATE_RE),
    LabelSpec(
        "licence_class",
        r"准驾车型",
        lambda r: compact(without_english_label(r)).upper() or None,
        None,
        r"(?:[ABC][1-6]|[DEFMNP])+",
    ),
    LabelSpec("valid_from", r"有效起始日期|有效期限|有效期", _date, None, DATE_RE),
]

INVOICE_HEAD = [
    LabelSpec("invoice_code", r"发票代码", lambda r: compact(r) or None, None, r"\d{10,12}"),
    LabelSpec("invoice_no", r"发票号码", lambda r: compact(r) or None, None, r"\d{8,20}"),
    LabelSpec("date", r"开.日期", _date, _date_problem, DATE_RE),  # 开禁日期: one misread
]
PARTY = [
    LabelSpec("name", r"(?<!服务)名\s*称|^称[:：]", _text),
    LabelSpec(
        "tax_id",
        r"纳税人识别号|统一社会信用代码",
        norm.normalise_uscc,
        _uscc_problem,
        r"[0-9A-Za-z]{15,20}",
    ),
]
REPAIR_EXTRA = [
    LabelSpec("plate", r"车牌号码|车牌号|号牌号码", _plate, _plate_problem),
    LabelSpec(
        "vin", r"车架号|车辆识别代号|VIN", norm.normalise_vin, _vin_problem, r"[A-Za-z0-9]{15,19}"
    ),
]
OTHER_LABELS = [r"购买方", r"销售方", r"价税合计", r"合计", r"密码区", r"地址、?电话", r"开户行"]


def parse_vehicle_licence(lines: Sequence[OcrLine]) -> ParsedFields:
    labels = all_labels(VEHICLE_LICENCE)
    fields = {spec.name: read_labelled(lines, spec, labels) for spec in VEHICLE_LICENCE}
    checks = [_dates_in_order(fields, ["register_date", "issue_date"])]
    return ParsedFields(_apply_checks(fields, checks), [], checks)


def parse_driver_licence(lines: Sequence[OcrLine]) -> ParsedFields:
    labels = all_labels(DRIVER_LICENCE, ["至"])
    fields = {spec.name: read_labelled(lines, spec, labels) for spec in DRIVER_LICENCE}
    fields["valid_until"] = _valid_until(lines, fields["valid_from"])
    checks = [_dates_in_order(fields, ["birth_date", "first_issue_date", "valid_from"])]
    checks.append(_dates_in_order(fields, ["valid_from", "valid_until"]))
    number, birth = fields["licence_no"], fields["birth_date"]
    if number.value and birth.value:
        embedded = val.id_birth_date(number.value)
        ok = embedded is not None and embedded.isoformat() == birth.value
        checks.append(
            CheckResult(
                "birth_date_in_id_number",
                ok,
                f"ID number says {embedded}; the licence says {birth.value}",
            )
        )
        if not ok:
            fields["birth_date"] = _lower(birth, checks[-1].message)
    return ParsedFields(_apply_checks(fields, checks), [], checks)


def _valid_until(lines: Sequence[OcrLine], valid_from: FieldReading) -> FieldReading:
    """The end of the validity period: `yyyy-mm-dd 至 yyyy-mm-dd`, or `有效期限 N年`."""
    anchor = find_label(lines, r"有效期限|有效期|至")
    if anchor is None:
        return FieldReading.missing("valid_until")
    used = [anchor, *right_of(anchor, lines)]
    text = "".join(compact(ln.text) for ln in used)
    if "至" not in text:
        used += below(anchor, lines)[:1]
        text = "".join(compact(ln.text) for ln in used)
    box = union_box([ln.box for ln in used])
    confidence = round(min(ln.confidence for ln in used), 3)
    if "至" in text:
        after = text.split("至", 1)[1]
        if after.startswith("长期"):
            return FieldReading("valid_until", "长期", "长期", box, confidence, "valid", [])
        found = re.search(DATE_RE, after)
        if found:
            value = _date(found.group(0))
            if value:
                return FieldReading(
                    "valid_until", value, found.group(0), box, confidence, "unchecked", []
                )
    years = re.search(r"(?<!\d)(\d{1,2})年", text)
    if years and valid_from.value:
        start = date.fromisoformat(valid_from.value)
        try:
            end = start.replace(year=start.year + int(years.group(1)))
        except ValueError:
            end = start.replace(year=start.year + int(years.group(1)), day=28)
        return FieldReading(
            "valid_until", end.isoformat(), years.group(0), box, confidence, "unchecked", []
        )
    return FieldReading.missing("valid_until", "no end date after 至")


def parse_invoice(lines: Sequence[OcrLine], repair: bool) -> ParsedFields:
    """VAT or repair invoice: head, buyer and seller blocks, totals, line items."""
    specs = INVOICE_HEAD + PARTY + (REPAIR_EXTRA if repair else [])
    labels = all_labels(specs, OTHER_LABELS)
    fields = {spec.name: read_labelled(lines, spec, labels) for spec in INVOICE_HEAD}
    name_labels = sorted(
        (ln for ln in lines if re.search(PARTY[0].label, compact(ln.text))),
        key=lambda ln: ln.box[1],
    )
    blocks: dict[str, tuple[int, int] | None] = {"buyer": None, "seller": None}
    if len(name_labels) >= 2:  # buyer block above the seller block
        split = name_labels[1].box[1] - name_labels[1].height // 2
        blocks = {"buyer": (0, split), "seller": (split, 10**9)}
    for who, within in blocks.items():
        if within is None and who == "seller":
            for spec in PARTY:
                fields[f"seller_{spec.name}" if spec.name == "tax_id" else "seller"] = (
                    FieldReading.missing("seller_tax_id" if spec.name == "tax_id" else "seller")
                )
            continue
        for spec in PARTY:
            reading = read_labelled(lines, spec, labels, within)
            name = f"{who}_{spec.name}" if spec.name == "tax_id" else who
            fields[name] = replace(reading, name=name)
    if repair:
        for spec in REPAIR_EXTRA:
            fields[spec.name] = read_labelled(lines, spec, labels)
    fields.update(_totals(lines))
    items = _invoice_items(lines)
    checks = _invoice_checks(fields, items)
    return ParsedFields(_apply_checks(fields, checks), items, checks)


AMOUNT_RE = r"[¥￥Y]?\s*-?\d[\d,]*\.\d{2}"


def _totals(lines: Sequence[OcrLine]) -> dict[str, FieldReading]:
    """合计 row (amount, tax) and 价税合计 row (capitals, numeric total)."""
    out: dict[str, FieldReading] = {}
    total_line = find_label(lines, r"价税合计")
    sum_line = next((ln for ln in lines if _is_sum_label(compact(ln.text))), None)
    if sum_line is not None:
        row = [ln for ln in _row_of(sum_line, lines)]
        amounts = [(m.group(0), ln) for ln in row for m in re.finditer(AMOUNT_RE, ln.text)]
        if len(amounts) >= 2:
            for name, (raw, ln) in zip(("amount", "tax"), amounts[-2:], strict=True):
                out[name] = _money(name, raw, ln)
        elif len(amounts) == 1:
            out["amount"] = _money("amount", amounts[0][0], amounts[0][1])
    if total_line is not None:
        row = _row_of(total_line, lines)
        text = "".join(compact(ln.text) for ln in row)
        capital = re.search(r"[零壹贰叁肆伍陆柒捌玖拾佰仟万亿圆元角分整正]{2,}", text)
        if capital:
            raw = capital.group(0)
            try:
                val.chinese_capital_amount(raw)
                value = raw
                out["total_capital"] = FieldReading(
                    "total_capital",
                    value,
                    raw,
                    total_line.box,
                    round(total_line.confidence, 3),
                    "unchecked",
                    [],
                )
            except val.InvalidValueError as exc:
                out["total_capital"] = FieldReading(
                    "total_capital",
                    None,
                    raw,
                    total_line.box,
                    round(total_line.confidence * 0.5, 3),
                    "invalid",
                    [str(exc)],
                )
        numbers = [(m.group(0), ln) for ln in row for m in re.finditer(AMOUNT_RE, ln.text)]
        if numbers:
            out["total"] = _money("total", numbers[-1][0], numbers[-1][1])
    _settle_by_arithmetic(out, lines, sum_line, total_line)
    for name in ("amount", "tax", "total", "total_capital"):
        out.setdefault(name, FieldReading.missing(name))
    return out


def _is_sum_label(text: str) -> bool:
    """The 合计 row label; its spaced-out characters are often read as one alone."""
    return ("合计" in text and "价税" not in text) or text in ("合", "计")


def _nearby_amounts(label: OcrLine, lines: Sequence[OcrLine]) -> list[tuple[str, Decimal, OcrLine]]:
    """Amounts right of a label within a few line heights up or down: on a skewed page the
    row's amounts sit higher or lower than its label."""
    centre, height = (label.box[1] + label.box[3]) / 2, max(label.height, 1)
    found = []
    for ln in lines:
        if ln.box[0] < label.box[2] or abs((ln.box[1] + ln.box[3]) / 2 - centre) > 2.5 * height:
            continue
        for m in re.finditer(AMOUNT_RE, ln.text):
            value = _amount(m.group(0))
            if value is not None:
                found.append((m.group(0), Decimal(value), ln))
    return found


def _settle_by_arithmetic(
    out: dict[str, FieldReading],
    lines: Sequence[OcrLine],
    sum_line: OcrLine | None,
    total_line: OcrLine | None,
) -> None:
    """Let the checks choose between readings: the total is the nearby amount equal to the
    total in capitals, and amount and tax the nearby pair that adds up to it (near the 合计
    label, or near 价税合计 when 合计 was not read)."""
    capital = out.get("total_capital")
    target: Decimal | None = None
    if capital is not None and capital.value is not None:
        target = val.chinese_capital_amount(capital.value)
        if total_line is not None:
            for raw, value, ln in _nearby_amounts(total_line, lines):
                if value == target:
                    out["total"] = _money("total", raw, ln)
                    break
    if target is None and "total" in out and out["total"].value is not None:
        target = Decimal(out["total"].value)
    amount, tax = out.get("amount"), out.get("tax")
    consistent = (
        amount is not None
        and tax is not None
        and amount.value is not None
        and tax.value is not None
        and Decimal(amount.value) + Decimal(tax.value) == target
    )
    # Without the 合计 label (not detected) the pair is looked for around 价税合计, just below.
    anchor = sum_line if sum_line is not None else total_line
    if target is None or anchor is None or consistent:
        return
    nearby = [c for c in _nearby_amounts(anchor, lines) if c[1] != target]
    for a_raw, a_value, a_line in nearby:
        for t_raw, t_value, t_line in nearby:
            if a_value > t_value and a_value + t_value == target:
                out["amount"] = _money("amount", a_raw, a_line)
                out["tax"] = _money("tax", t_raw, t_line)
                return


def _row_of(line: OcrLine, lines: Sequence[OcrLine]) -> list[OcrLine]:
    for row in rows(lines):
        if any(ln is line for ln in row):
            return row
    return [line]


def _money(name: str, raw: str, line: OcrLine) -> FieldReading:
    value = _amount(raw)
    if value is None:
        return FieldReading(
            name,
            None,
            raw,
            line.box,
            round(line.confidence * 0.5, 3),
            "invalid",
            [f"{raw!r} is not an amount"],
        )
    return FieldReading(name, value, raw, line.box, round(line.confidence, 3), "unchecked", [])


def _invoice_items(lines: Sequence[OcrLine]) -> list[LineItem]:
    """Rows between the item table header and the 合计 row."""
    header = find_label(lines, r"货物或应税劳务|项目名称|服务名称|维修项目")
    end = next((ln for ln in lines if "合计" in compact(ln.text)), None)
    if header is None or end is None:
        return []
    items = []
    for row in rows(lines):
        top = min(ln.box[1] for ln in row)
        if not header.box[3] <= top < end.box[1]:
            continue
        texts = [ln.text.strip() for ln in row]
        amounts = [m.group(0) for t in texts for m in re.finditer(r"-?\d[\d,]*\.\d{2}", t)]
        if not texts or not amounts or not re.search(r"[\u4e00-\u9fff A-Za-z]", texts[0]):
            continue
        qty = next((t for t in texts[1:] if re.fullmatch(r"\d+(\.\d+)?", t)), None)
        items.append(
            LineItem(
                description=norm.normalise_text(texts[0]),
                quantity=qty,
                unit_price=_amount(amounts[0]) if len(amounts) >= 3 else None,
                amount=_amount(amounts[-2] if len(amounts) >= 2 else amounts[-1]),
            )
        )
    return items


def _dec(field: FieldReading | None) -> Decimal | None:
    return Decimal(field.value) if field is not None and field.value is not None else None


def _invoice_checks(fields: dict[str, FieldReading], items: list[LineItem]) -> list[CheckResult]:
    checks = []
    amount, tax, total = (
        _dec(fields.get("amount")),
        _dec(fields.get("tax")),
        _dec(fields.get("total")),
    )
    if amount is not None and tax is not None and total is not None:
        checks.append(
            CheckResult(
                "amount_plus_tax_is_total",
                amount + tax == total,
                f"{amount} + {tax} = {amount + tax}; total is {total}",
            )
        )
    capital_field = fields.get("total_capital")
    capital = None
    if capital_field is not None and capital_field.value is not None:
        capital = val.chinese_capital_amount(capital_field.value)
    if capital is not None and total is not None:
        checks.append(
            CheckResult(
                "capitals_equal_total",
                capital == total,
                f"total in capitals {capital}; numeric total {total}",
            )
        )
    if items and amount is not None:
        item_sum = sum((Decimal(i.amount) for i in items if i.amount), Decimal(0))
        checks.append(
            CheckResult(
                "line_items_sum",
                item_sum == amount,
                f"line items sum to {item_sum}; amount is {amount}",
            )
        )
    return checks


def _dates_in_order(fields: dict[str, FieldReading], names: list[str]) -> CheckResult:
    dates = [d for n in names if (d := _iso(fields[n].value)) is not None]
    ok = val.dates_ordered(dates)
    return CheckResult(
        f"dates_ordered:{','.join(names)}",
        ok,
        " <= ".join(f"{n} {fields[n].value}" for n in names)
        + (" holds" if ok else " does not hold"),
    )


def _iso(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:  # e.g. 长期 (no end date)
        return None


def _lower(reading: FieldReading, reason: str) -> FieldReading:
    return replace(
        reading,
        confidence=round(reading.confidence * 0.5, 3),
        status="invalid",
        reasons=[*reading.reasons, reason],
    )


CHECK_FIELDS = {
    "amount_plus_tax_is_total": ["amount", "tax", "total"],
    "capitals_equal_total": ["total", "total_capital"],
    "line_items_sum": ["amount"],
}


def _apply_checks(
    fields: dict[str, FieldReading], checks: list[CheckResult]
) -> dict[str, FieldReading]:
    """A failing cross-field check lowers the confidence of the fields it involves."""
    for check in checks:
        if check.passed:
            continue
        names = CHECK_FIELDS.get(check.name)
        if names is None and check.name.startswith("dates_ordered:"):
            names = check.name.split(":", 1)[1].split(",")
        for name in names or []:
            if name in fields and fields[name].value is not None:
                fields[name] = _lower(fields[name], check.message)
    return fields
