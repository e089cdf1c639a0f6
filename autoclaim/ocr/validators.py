"""Checks on document fields that need no OCR truth: check digits, patterns, sums, dates.

Pure functions with precise results. Boolean checks take text as the normalisers in
`autoclaim.ocr.normalise` leave it (upper-case, half-width, no spaces) and never raise;
parsers raise `InvalidValueError` naming the bad value.

Standards followed: VIN ISO 3779 / GB 16735 (check digit at position 9); plates GA 36-2018;
resident ID number GB 11643-1999; unified social credit code GB 32100-2015 (with the
organisation code check of GB 11714); amounts in Chinese capitals per the PBOC rules for
filling in bills (正确填写票据和结算凭证的基本规定); driver licence classes per the Ministry of
Public Security rules on driving licences (机动车驾驶证申领和使用规定, annex 准驾车型及代号).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Literal


class InvalidValueError(ValueError):
    """A field value that cannot be parsed; the message names the value."""


# --- VIN ---------------------------------------------------------------------------------

VIN_ALPHABET = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"  # no I, O, Q
_VIN_TRANSLITERATION: dict[str, int] = {
    **{str(d): d for d in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
_VIN_RE = re.compile(r"[0-9A-HJ-NPR-Z]{17}")


def vin_format_ok(vin: str) -> bool:
    """17 characters from the VIN alphabet (digits and letters except I, O, Q)."""
    return _VIN_RE.fullmatch(vin) is not None


def vin_check_digit(vin: str) -> str:
    """The check character (0-9 or X) that position 9 of `vin` must hold."""
    if not vin_format_ok(vin):
        raise InvalidValueError(f"not a 17-character VIN: {vin!r}")
    total = sum(_VIN_TRANSLITERATION[c] * w for c, w in zip(vin, _VIN_WEIGHTS, strict=True))
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def vin_check_digit_ok(vin: str) -> bool:
    """Whether `vin` is well formed and its position 9 holds the right check character."""
    return vin_format_ok(vin) and vin[8] == vin_check_digit(vin)


# --- number plates -----------------------------------------------------------------------

PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # serials never use I or O
# Small new-energy plates: first serial letter D (and the later A B C E) for battery
# electric, F (and G H J K) for other new-energy cars; large ones end in D or F.
NEW_ENERGY_ELECTRIC = "DABCE"
NEW_ENERGY_OTHER = "FGHJK"

PlateKind = Literal[
    "ordinary",
    "new_energy_small",
    "new_energy_large",
    "trailer",
    "coach",
    "police",
    "hong_kong",
    "macao",
    "consulate",
    "embassy",
]

_P = f"[{PROVINCES}]"
_AUTHORITY = "[A-Z]"  # issuing authority letter (O is used by some police offices)
_S = "[A-HJ-NP-Z0-9]"  # serial character
_PLATE_PATTERNS: tuple[tuple[PlateKind, re.Pattern[str]], ...] = (
    ("ordinary", re.compile(f"{_P}{_AUTHORITY}{_S}{{5}}")),
    (
        "new_energy_small",
        re.compile(
            f"{_P}{_AUTHORITY}[{NEW_ENERGY_ELECTRIC}{NEW_ENERGY_OTHER}][A-HJ-NP-Z0-9][0-9]{{4}}"
        ),
    ),
    ("new_energy_large", re.compile(f"{_P}{_AUTHORITY}[0-9]{{5}}[DF]")),
    ("trailer", re.compile(f"{_P}{_AUTHORITY}{_S}{{4}}挂")),
    ("coach", re.compile(f"{_P}{_AUTHORITY}{_S}{{4}}学")),
    ("police", re.compile(f"{_P}{_AUTHORITY}{_S}{{4}}警")),
    ("hong_kong", re.compile(f"粤Z{_S}{{4}}港")),
    ("macao", re.compile(f"粤Z{_S}{{4}}澳")),
    ("consulate", re.compile(f"{_P}{_AUTHORITY}{_S}{{4}}领")),
    ("embassy", re.compile("使[0-9]{6}|[0-9]{6}使")),
)


def plate_kind(plate: str) -> PlateKind | None:
    """Which kind of Chinese civil number plate `plate` is, or None if it is none."""
    for kind, pattern in _PLATE_PATTERNS:
        if pattern.fullmatch(plate):
            return kind
    return None


def plate_ok(plate: str) -> bool:
    """Whether `plate` (no spaces or dots) matches a Chinese civil number plate pattern."""
    return plate_kind(plate) is not None


# --- resident ID number (GB 11643) -------------------------------------------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_RE = re.compile(r"[0-9]{17}[0-9X]")
# First two digits: province-level region (71 Taiwan, 81 Hong Kong, 82 Macao, 83 residence
# permits of Taiwan residents).
_PROVINCE_CODE_NUMBERS: tuple[int, ...] = (11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34)
_PROVINCE_CODE_NUMBERS += (35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62)
ID_PROVINCE_CODES = frozenset(str(n) for n in (*_PROVINCE_CODE_NUMBERS, 63, 64, 65, 71, 81, 82, 83))


def id_check_char(id_number: str) -> str:
    """The check character (0-9 or X) of an 18-character ID number from its first 17 digits."""
    body = id_number[:17]
    if not body.isdigit() or len(body) != 17 or not body.isascii():
        raise InvalidValueError(f"ID number must start with 17 digits: {id_number!r}")
    total = sum(int(c) * w for c, w in zip(body, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def id_birth_date(id_number: str) -> date | None:
    """The birth date embedded in positions 7-14 of an 18-character ID number, if valid."""
    if not _ID_RE.fullmatch(id_number):
        return None
    try:
        born = date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError:
        return None
    return born if born.year >= 1900 else None


def id_region_ok(id_number: str) -> bool:
    """Region code shape: a known province-level code followed by four digits."""
    return id_number[:6].isdigit() and id_number[:2] in ID_PROVINCE_CODES


def id_number_ok(id_number: str, on: date | None = None) -> bool:
    """Whether an 18-character ID number has a valid region shape, birth date and check char.

    With `on`, the birth date must also not be after that day (no one born in the future)."""
    born = id_birth_date(id_number)
    return (
        born is not None
        and (on is None or born <= on)
        and id_region_ok(id_number)
        and id_number[17] == id_check_char(id_number)
    )


def id_sex(id_number: str) -> Literal["男", "女"] | None:
    """Sex from the sequence digit (position 17: odd male, even female), if well formed."""
    if not _ID_RE.fullmatch(id_number):
        return None
    return "男" if int(id_number[16]) % 2 == 1 else "女"


# --- unified social credit code (GB 32100) -----------------------------------------------

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I O Z S V
_USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
_USCC_RE = re.compile(f"[{USCC_ALPHABET}]{{2}}[0-9]{{6}}[{USCC_ALPHABET}]{{10}}")
_ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def uscc_check_char(code: str) -> str:
    """The check character (position 18) of a unified social credit code from its first 17."""
    body = code[:17]
    if len(body) != 17 or any(c not in USCC_ALPHABET for c in body):
        raise InvalidValueError(f"not a unified social credit code body: {code!r}")
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(body, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def uscc_ok(code: str) -> bool:
    """Whether `code` is an 18-character unified social credit code with a correct check char."""
    return _USCC_RE.fullmatch(code) is not None and code[17] == uscc_check_char(code)


def org_code_check_char(body: str) -> str:
    """GB 11714 check character of an 8-character organisation code body (digits, A-Z)."""
    if len(body) != 8 or not all(c.isdigit() or "A" <= c <= "Z" for c in body):
        raise InvalidValueError(f"not an organisation code body: {body!r}")

    def value(c: str) -> int:
        return int(c) if c.isdigit() else ord(c) - ord("A") + 10

    remainder = 11 - sum(value(c) * w for c, w in zip(body, _ORG_CODE_WEIGHTS, strict=True)) % 11
    return {10: "X", 11: "0"}.get(remainder, str(remainder))


def taxpayer_id_problem(code: str) -> str | None:
    """Why a 纳税人识别号 is not valid, or None. Three forms are in use: the 18-character
    unified social credit code (GB 32100, its check character), the older 15-character
    tax registration number (a six-digit region code and the nine-character organisation
    code, GB 11714, whose check character is checked), and the 20-character number of an
    individual (an 18-character ID number, GB 11643, and two more digits). A 15-digit number
    is not a credit code and is not judged as one."""
    if len(code) == 18:
        return None if uscc_ok(code) else f"tax id {code!r} fails the GB 32100 check character"
    if len(code) == 15:
        if not code[:6].isdigit():
            return f"15-character tax id {code!r} must start with a six-digit region code"
        try:
            ok = code[14] == org_code_check_char(code[6:14])
        except InvalidValueError:
            ok = False
        return None if ok else f"15-character tax id {code!r} fails the GB 11714 check character"
    if len(code) == 20:
        head = code[:18]
        ok = head[:17].isdigit() and code[18:].isdigit() and head[17] == id_check_char(head)
        return None if ok else f"20-character tax id {code!r} does not hold a valid ID number"
    return f"tax id {code!r} has {len(code)} characters; 15, 18 or 20 are issued"


def uscc_org_code_ok(code: str) -> bool:
    """Whether positions 9-17 of a credit code form a valid GB 11714 organisation code."""
    if len(code) != 18:
        return False
    try:
        return code[16] == org_code_check_char(code[8:16])
    except InvalidValueError:
        return False


# --- amounts in Chinese capitals ---------------------------------------------------------

CAPITAL_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = {"拾": 10, "佰": 100, "仟": 1000}
_CAPITAL_PREFIXES = ("人民币", "(负数)", "（负数）")
# Marks printed or misread before the amount (the ⊗ on VAT invoices is often read as ⑧ or x).
_CAPITAL_LEADING_MARKS = "⊗ⓧⓍ×xX⑧⊕®@○◎●￥¥:：()（）*"
# Traditional or look-alike characters OCR returns for the capital digits and units.
_CAPITAL_VARIANTS = str.maketrans("参陸貳萬億圓〇", "叁陆贰万亿元零")
_CAPITAL_MAX = Decimal("999999999999.99")
_FRACTION_RE = re.compile(f"零?(?:([{CAPITAL_DIGITS}])角)?零?(?:([{CAPITAL_DIGITS[1:]}])分)?整?")


def _capital_integer(text: str, original: str) -> int:
    """Parse the part before 元: digits, 拾佰仟 within sections, 万 and 亿 between them."""

    def bad(why: str) -> InvalidValueError:
        return InvalidValueError(f"not a Chinese capital amount ({why}): {original!r}")

    yi_part = 0
    wan_part = 0
    section = 0
    pending: int | None = None  # last digit not yet given a unit
    last_unit = 10_000  # units inside a section must descend
    for ch in text:
        if ch in CAPITAL_DIGITS:
            digit = CAPITAL_DIGITS.index(ch)
            if pending is not None and pending != 0:
                raise bad(f"two digits in a row at {ch!r}")
            pending = digit
        elif ch in _SMALL_UNITS:
            unit = _SMALL_UNITS[ch]
            if unit >= last_unit:
                raise bad(f"unit {ch!r} out of order")
            if pending is None or pending == 0:
                if unit == 10 and section == 0 and pending is None:
                    pending = 1  # 拾万 = 100000 at the start of a section
                else:
                    raise bad(f"unit {ch!r} without a digit")
            section += pending * unit
            pending = None
            last_unit = unit
        elif ch in "万亿":
            value = section + (pending or 0)
            if ch == "万":
                if value == 0 or wan_part:
                    raise bad("misplaced 万")
                wan_part = value * 10_000
            else:
                value += wan_part
                if value == 0 or yi_part:
                    raise bad("misplaced 亿")
                yi_part = value * 100_000_000
                wan_part = 0
            section, pending, last_unit = 0, None, 10_000
        else:
            raise bad(f"unexpected character {ch!r}")
    return yi_part + wan_part + section + (pending or 0)


def chinese_capital_amount(text: str) -> Decimal:
    """Parse an amount written in Chinese capitals (壹万贰仟叁佰肆拾伍元陆角柒分, 壹佰元整).

    Accepts the 人民币 prefix, the ⊗ mark printed on VAT invoices (and its misreadings ⑧, x),
    圆 for 元, 正 for 整, traditional variants (陸 貳 萬 億), a leading 负 for negative
    amounts, and both placements of 零 that the PBOC rules allow.
    Returns a Decimal with two places; raises InvalidValueError otherwise.
    """
    s = "".join(text.split()).translate(_CAPITAL_VARIANTS).replace("圆", "元").replace("正", "整")
    s = s.lstrip(_CAPITAL_LEADING_MARKS)
    for prefix in _CAPITAL_PREFIXES:
        s = s.removeprefix(prefix).lstrip(_CAPITAL_LEADING_MARKS)
    negative = s.startswith("负")
    s = s.removeprefix("负")
    if not s:
        raise InvalidValueError(f"not a Chinese capital amount (empty): {text!r}")
    if "元" in s:
        integer_text, _, fraction_text = s.partition("元")
        if not integer_text:
            raise InvalidValueError(f"not a Chinese capital amount (nothing before 元): {text!r}")
    elif "角" in s or "分" in s:
        integer_text, fraction_text = "", s
    else:
        raise InvalidValueError(f"not a Chinese capital amount (no 元, 角 or 分): {text!r}")
    yuan = _capital_integer(integer_text, text) if integer_text else 0
    match = _FRACTION_RE.fullmatch(fraction_text)
    if match is None:
        raise InvalidValueError(f"not a Chinese capital amount (bad 角/分 part): {text!r}")
    jiao = CAPITAL_DIGITS.index(match.group(1)) if match.group(1) else 0
    fen = CAPITAL_DIGITS.index(match.group(2)) if match.group(2) else 0
    amount = Decimal(yuan) + Decimal(jiao) / 10 + Decimal(fen) / 100
    amount = amount.quantize(Decimal("0.01"))
    return -amount if negative else amount


def capital_amount_matches(text: str, total: Decimal) -> bool:
    """Whether `text` in Chinese capitals states `total` (False when it cannot be parsed)."""
    try:
        return chinese_capital_amount(text) == total
    except InvalidValueError:
        return False


def amount_to_chinese_capital(amount: Decimal) -> str:
    """Write an amount in Chinese capitals the way VAT invoices print 价税合计 (大写).

    Zeros inside the number become one 零 (壹拾万零伍仟元); 整 follows 元 or 角 when there
    are no 分; 零 stands between 元 and 分 when 角 is zero (壹佰元零伍分). Negative amounts
    get a leading 负. Raises InvalidValueError for values with more than two decimals or
    beyond 999999999999.99.
    """
    try:
        cents_value = amount.quantize(Decimal("0.01"))
    except InvalidOperation as exc:
        raise InvalidValueError(f"not a finite amount: {amount!r}") from exc
    if cents_value != amount:
        raise InvalidValueError(f"amount has more than two decimals: {amount}")
    if abs(cents_value) > _CAPITAL_MAX:
        raise InvalidValueError(f"amount too large for Chinese capitals: {amount}")
    sign = "负" if cents_value < 0 else ""
    cents = int(abs(cents_value) * 100)
    yuan, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    if cents == 0:
        return "零元整"
    out = _integer_to_capital(yuan) + "元" if yuan else ""
    if jiao == 0 and fen == 0:
        out += "整"
    elif jiao:
        out += CAPITAL_DIGITS[jiao] + "角" + (CAPITAL_DIGITS[fen] + "分" if fen else "整")
    else:
        out += ("零" if yuan else "") + CAPITAL_DIGITS[fen] + "分"
    return sign + out


def _integer_to_capital(n: int) -> str:
    digits = str(n)
    out: list[str] = []
    zero_pending = False
    for i, ch in enumerate(digits):
        position = len(digits) - 1 - i
        d = int(ch)
        if d == 0:
            zero_pending = bool(out)
        else:
            if zero_pending:
                out.append("零")
                zero_pending = False
            out.append(CAPITAL_DIGITS[d] + ("", "拾", "佰", "仟")[position % 4])
        if position in (4, 8):
            group = int(digits[max(0, i - 3) : i + 1])
            if group:
                out.append("万" if position == 4 else "亿")
    return "".join(out)


# --- sums and dates ----------------------------------------------------------------------

CENT = Decimal("0.01")


def amounts_add_up(
    amount: Decimal, tax: Decimal, total: Decimal, tolerance: Decimal = Decimal(0)
) -> bool:
    """Whether amount + tax equals total (VAT invoices print them to the cent)."""
    return abs(amount + tax - total) <= tolerance


def line_items_sum_ok(
    item_amounts: Iterable[Decimal], total: Decimal, tolerance: Decimal = Decimal(0)
) -> bool:
    """Whether the line item amounts add up to `total` (within `tolerance`)."""
    return abs(sum(item_amounts, Decimal(0)) - total) <= tolerance


def dates_ordered(dates: Sequence[date | None]) -> bool:
    """Whether the known dates are in non-decreasing order (None entries are skipped)."""
    known = [d for d in dates if d is not None]
    return all(a <= b for a, b in itertools.pairwise(known))


# --- driver licence classes (准驾车型) ----------------------------------------------------

# Each class and the classes it also permits (its own 准驾的其他准驾车型), not yet closed.
LICENCE_CLASS_INCLUDES: dict[str, frozenset[str]] = {
    "A1": frozenset({"A3", "B1", "B2", "C1", "C2", "C3", "C4", "M"}),  # 大型客车
    "A2": frozenset({"B1", "B2", "C1", "C2", "C3", "C4", "C6", "M"}),  # 重型牵引挂车
    "A3": frozenset({"C1", "C2", "C3", "C4"}),  # 城市公交车
    "B1": frozenset({"C1", "C2", "C3", "C4", "M"}),  # 中型客车
    "B2": frozenset({"C1", "C2", "C3", "C4", "M"}),  # 大型货车
    "C1": frozenset({"C2", "C3", "C4"}),  # 小型汽车
    "C2": frozenset(),  # 小型自动挡汽车
    "C3": frozenset({"C4"}),  # 低速载货汽车
    "C4": frozenset(),  # 三轮汽车
    "C5": frozenset(),  # 残疾人专用小型自动挡载客汽车
    "C6": frozenset(),  # 轻型牵引挂车
    "D": frozenset({"E", "F"}),  # 普通三轮摩托车
    "E": frozenset({"F"}),  # 普通二轮摩托车
    "F": frozenset(),  # 轻便摩托车
    "M": frozenset(),  # 轮式专用机械车
    "N": frozenset(),  # 无轨电车
    "P": frozenset(),  # 有轨电车
}
LICENCE_CLASSES: tuple[str, ...] = tuple(LICENCE_CLASS_INCLUDES)
_LICENCE_CLASS_RE = re.compile(r"A[123]|B[12]|C[1-6]|[DEFMNP]")


def parse_licence_classes(text: str) -> frozenset[str]:
    """The classes in a 准驾车型 entry such as "C1", "A2D"; raises if a part is unknown."""
    compact = "".join(text.upper().split()).replace(",", "").replace("，", "").replace("/", "")
    classes = _LICENCE_CLASS_RE.findall(compact)
    if not compact or "".join(classes) != compact:
        raise InvalidValueError(f"not a driver licence class: {text!r}")
    return frozenset(classes)


def licence_classes_covered(text: str) -> frozenset[str]:
    """Every class a 准驾车型 entry permits, following inclusions transitively."""
    covered: set[str] = set()
    todo = list(parse_licence_classes(text))
    while todo:
        cls = todo.pop()
        if cls not in covered:
            covered.add(cls)
            todo.extend(LICENCE_CLASS_INCLUDES[cls])
    return frozenset(covered)


# Vehicle type (行驶证 车辆类型) keywords to the classes that may drive it, most specific first.
_VEHICLE_TYPE_RULES: tuple[tuple[tuple[str, ...], frozenset[str]], ...] = (
    (("有轨电车",), frozenset({"P"})),
    (("无轨电车",), frozenset({"N"})),
    (("轮式",), frozenset({"M"})),
    (("轻便", "摩托"), frozenset({"F"})),
    (("三轮摩托",), frozenset({"D"})),
    (("摩托",), frozenset({"E"})),
    (("低速",), frozenset({"C3"})),
    (("三轮汽车",), frozenset({"C4"})),
    (("重型", "牵引"), frozenset({"A2"})),
    (("中型", "牵引"), frozenset({"A2"})),
    # A light tractor-trailer (轻型牵引挂车) needs C6, not A2: this rule comes before 挂车.
    (("轻型", "牵引"), frozenset({"C6"})),
    (("挂车",), frozenset({"A2"})),
    (("公交",), frozenset({"A3"})),
    (("大型", "客车"), frozenset({"A1"})),
    (("中型", "客车"), frozenset({"B1"})),
    (("重型", "货车"), frozenset({"B2"})),
    (("中型", "货车"), frozenset({"B2"})),
    (("重型", "专项作业"), frozenset({"B2"})),
    (("中型", "专项作业"), frozenset({"B2"})),
    # Small cars: 车辆类型 does not say the gearbox, so C2 (automatic only) is accepted too.
    (("小型",), frozenset({"C1", "C2"})),
    (("微型",), frozenset({"C1", "C2"})),
    (("轻型",), frozenset({"C1", "C2"})),
)


def required_licence_classes(vehicle_type: str) -> frozenset[str] | None:
    """Classes, any of which may drive `vehicle_type` (e.g. 小型轿车), or None if unknown."""
    for keywords, classes in _VEHICLE_TYPE_RULES:
        if all(k in vehicle_type for k in keywords):
            return classes
    return None


def licence_allows_vehicle(licence_class: str, vehicle_type: str) -> bool | None:
    """Whether a 准驾车型 entry permits driving `vehicle_type`; None when the vehicle type is
    unknown or the class entry cannot be parsed (nothing to decide on)."""
    required = required_licence_classes(vehicle_type)
    if required is None:
        return None
    try:
        covered = licence_classes_covered(licence_class)
    except InvalidValueError:
        return None
    return bool(required & covered)


def licence_valid_on(valid_from: date, valid_until: date | None, on: date) -> bool:
    """Whether a licence valid from `valid_from` to `valid_until` (None: 长期) is valid `on`."""
    return valid_from <= on and (valid_until is None or on <= valid_until)


def licence_validity_period_ok(valid_from: date, valid_until: date | None) -> bool:
    """Whether the period is one a licence is issued for: 6 or 10 years, or 长期 (None)."""
    if valid_until is None:
        return True
    years = valid_until.year - valid_from.year
    if years not in (6, 10):
        return False
    same_day = (valid_until.month, valid_until.day) == (valid_from.month, valid_from.day)
    leap_day = (valid_from.month, valid_from.day) == (2, 29) and (
        valid_until.month,
        valid_until.day,
    ) in ((2, 28), (3, 1))
    return same_day or leap_day
