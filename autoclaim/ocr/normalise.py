"""Normalise text read from documents into the forms the validators and the contract expect.

Dates become ISO `yyyy-mm-dd`, amounts plain decimal strings ("1234.50"), plates, VINs and
codes upper-case half-width with OCR confusables fixed only where the position allows just
one reading (a VIN never holds O, I or Q; a plate's last four new-energy characters are
digits). Each function returns None (or the best-effort text for codes) rather than raising,
so a reading that cannot be normalised becomes a field with no value.
"""

from __future__ import annotations

import itertools
import re
from datetime import date
from decimal import Decimal, InvalidOperation

from autoclaim.ocr.validators import PROVINCES, uscc_ok, vin_check_digit_ok

# --- characters --------------------------------------------------------------------------

_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FULL_WIDTH.update({0x3000: 0x20, 0xFFE5: 0xA5, 0xFFE0: 0xA2, 0xFFE1: 0xA3})


def to_half_width(text: str) -> str:
    """Full-width ASCII forms (ＡＢＣ１２３，：￥ and the ideographic space) to half-width."""
    return text.translate(_FULL_WIDTH)


def normalise_text(text: str) -> str:
    """Half-width, runs of whitespace collapsed to one space, trimmed."""
    return " ".join(to_half_width(text).split())


def _compact_upper(text: str) -> str:
    """Half-width, upper-case, without spaces and the separators printed inside codes."""
    return re.sub(r"[\s·•.\-_]", "", to_half_width(text)).upper()


# --- dates -------------------------------------------------------------------------------

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_MONTH_NAME = r"(?P<mname>[A-Za-z]{3,9})\.?"
_DATE_PATTERNS: tuple[re.Pattern[str], ...] = (
    # 2024年3月5日, 2024-3-5, 2024/03/05, 2024.03.05, 2024 03 05 (year first)
    re.compile(
        r"(?<!\d)(?P<y>\d{4})\s*[-/.年 ]\s*(?P<m>\d{1,2})\s*[-/.月 ]\s*(?P<d>\d{1,2})(?!\d)"
    ),
    # 20240305
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})(?P<m>[01]\d)(?P<d>[0-3]\d)(?!\d)"),
    # one separator lost or read as 4 by OCR: 2018-1114, 2021403-03
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*-\s*(?P<m>[01]\d)(?P<d>[0-3]\d)(?!\d)"),
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})4(?P<m>[01]\d)\s*-\s*(?P<d>[0-3]\d)(?!\d)"),
    # 05/03/2024, 5-3-24, 05.03.2024 (day-first unless told otherwise)
    re.compile(
        r"(?<!\d)(?P<a>\d{1,2})\s*[-/.]\s*(?P<b>\d{1,2})\s*[-/.]\s*(?P<y>\d{4}|\d{2})(?!\d)"
    ),
    # 5 Mar 2024, 05-MAR-2024, 5 March, 2024
    re.compile(
        r"(?<!\d)(?P<d>\d{1,2})(?:st|nd|rd|th)?[\s\-/]*"
        + _MONTH_NAME
        + r"[\s\-/,]*(?P<y>\d{4}|\d{2})(?!\d)"
    ),
    # Mar 5, 2024
    re.compile(_MONTH_NAME + r"\s*(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s*(?P<y>\d{4})(?!\d)"),
)
_DIGIT_CONFUSABLES = str.maketrans("OoDIl|", "000111")


def _full_year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        year += 2000 if year < 70 else 1900
    return year


def _date_from_match(match: re.Match[str], day_first: bool) -> date | None:
    groups = match.groupdict()
    year = _full_year(groups["y"])
    if groups.get("mname") is not None:
        month = _MONTHS.get(groups["mname"].lower())
        if month is None:
            return None
        day = int(groups["d"])
    elif groups.get("a") is not None:
        a, b = int(groups["a"]), int(groups["b"])
        if a > 12 >= b:
            day, month = a, b
        elif b > 12 >= a:
            month, day = a, b
        else:
            day, month = (a, b) if day_first else (b, a)
    else:
        month, day = int(groups["m"]), int(groups["d"])
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_date(text: str, day_first: bool = True) -> date | None:
    """The first valid date written in `text` (many layouts), or None.

    Numeric dates with the year last are read day-first (05/03/2024 is 5 March) unless
    `day_first` is False, except where one number cannot be a month. Two-digit years
    below 70 are 20xx. Digits misread as O, I, l or | next to other digits are fixed.
    """
    half = to_half_width(text).replace("号", "日")
    fixed = re.sub(
        r"(?<=[\d\-/.年月])[OoDIl|]|[OoDIl|](?=[\d\-/.年月日])",
        lambda m: m.group(0).translate(_DIGIT_CONFUSABLES),
        half,
    )
    for candidate in (half, fixed) if fixed != half else (half,):
        found: list[tuple[int, date]] = []
        for pattern in _DATE_PATTERNS:
            for match in pattern.finditer(candidate):
                parsed = _date_from_match(match, day_first)
                if parsed is not None:
                    found.append((match.start(), parsed))
        if found:
            return min(found, key=lambda item: item[0])[1]
    return None


def normalise_date(text: str, day_first: bool = True) -> str | None:
    """`parse_date` as an ISO string (yyyy-mm-dd), or None."""
    found = parse_date(text, day_first)
    return found.isoformat() if found else None


# --- amounts -----------------------------------------------------------------------------

_CURRENCY = re.compile(
    r"人民币|RMB|CNY|MYR|USD|SGD|EUR|GBP|RM|US\$|S\$|[¥$€£元]|\b(?:Rp|Rs)\b", re.IGNORECASE
)
_AMOUNT_TOKEN = re.compile(
    r"(?<![A-Za-z0-9])(?P<neg>[-−]\s*)?\(?(?P<num>[0-9OoIl|]+(?:[.,'][0-9OoIl|]+)*)\)?(?P<trail>-)?(?![A-Za-z0-9])"
)
_AMOUNT_CONFUSABLES = str.maketrans("OoIl|", "00111")


def parse_amount(text: str, decimal_comma: bool | None = None) -> Decimal | None:
    """The one amount written in `text` (¥1,234.50, RM 12.30, 1.234,50, 12.3O), or None.

    Separators: with both "," and "." the last one is the decimal mark; a lone "," is a
    decimal mark only before one or two digits (12,30) and a thousands mark before three
    (1,234); a lone "." is a decimal mark unless repeated (1.234.567). `decimal_comma`
    forces the reading. O, o, I, l, | inside the number are read as digits. Negative
    amounts: a leading minus, parentheses or a trailing minus. None when there is no
    number or more than one.
    """
    cleaned = _CURRENCY.sub(" ", to_half_width(text))
    # OCR puts spaces around separators ("12. 30", "1 ,234.50"): glue them back.
    cleaned = re.sub(r"(?<=[0-9OoIl|])\s*([.,])\s*(?=[0-9OoIl|])", r"\1", cleaned)
    tokens = [m for m in _AMOUNT_TOKEN.finditer(cleaned) if re.search(r"\d", m.group("num"))]
    if len(tokens) != 1:
        return None
    token = tokens[0]
    number = token.group("num").translate(_AMOUNT_CONFUSABLES).replace("'", ",")
    number = _decimal_point(number, decimal_comma)
    if number is None:
        return None
    try:
        value = Decimal(number)
    except InvalidOperation:
        return None
    whole = token.group(0)
    negative = bool(token.group("neg") or token.group("trail")) or (
        whole.startswith("(") and whole.endswith(")")
    )
    return -value if negative else value


def _decimal_point(number: str, decimal_comma: bool | None) -> str | None:
    """Rewrite a number with "," and "." separators to plain digits and one "."."""
    commas, dots = number.count(","), number.count(".")
    if decimal_comma is True:
        decimal_mark: str | None = "," if commas else None
    elif decimal_comma is False:
        decimal_mark = "." if dots else None
    elif commas and dots:
        decimal_mark = "," if number.rfind(",") > number.rfind(".") else "."
    elif commas == 1:
        decimal_mark = "," if len(number) - number.rfind(",") - 1 in (1, 2) else None
    elif dots == 1:
        decimal_mark = "."
    else:
        decimal_mark = None  # no separator, or a repeated one: thousands marks
    if decimal_mark is not None and number.count(decimal_mark) > 1:
        return None
    integer, _, fraction = number.partition(decimal_mark) if decimal_mark else (number, "", "")
    if decimal_mark is None:
        thousands = "," if commas else "."
    else:
        thousands = "." if decimal_mark == "," else ","
    groups = integer.split(thousands) if thousands in integer else [integer]
    if len(groups) > 1 and (not 1 <= len(groups[0]) <= 3 or any(len(g) != 3 for g in groups[1:])):
        return None
    digits = "".join(groups)
    if not digits.isdigit() or (fraction and not fraction.isdigit()):
        return None
    return f"{digits}.{fraction}" if fraction else digits


def format_amount(value: Decimal) -> str:
    """Two decimals at least, more only where the value has them ("1234.50", "0.125")."""
    if value == value.quantize(Decimal("0.01")):
        return f"{value.quantize(Decimal('0.01')):f}"
    return f"{value.normalize():f}"


def normalise_amount(text: str, decimal_comma: bool | None = None) -> str | None:
    """`parse_amount` formatted by `format_amount`, or None."""
    value = parse_amount(text, decimal_comma)
    return None if value is None else format_amount(value)


# --- codes -------------------------------------------------------------------------------

_TO_DIGIT = str.maketrans("OQDILZSGBT", "0001125687")
_TO_LETTER = str.maketrans("8526", "BSZG")
_NEVER_IN_VIN = str.maketrans("IOQ", "100")
_NEVER_IN_SERIAL = str.maketrans("IO", "10")
_ID_CHECK_CHAR = str.maketrans("ODIL", "0011")
_NEVER_IN_USCC = str.maketrans("IOZSV", "1025U")
_DIGITS_READ_AS = {"B": "83", "D": "0", "G": "69", "L": "1", "T": "7", "A": "4", "Q": "0"}
# Traditional forms OCR models sometimes return for the province abbreviation.
_TRADITIONAL_PROVINCES = str.maketrans(
    "滬遼黑粵蘇貴魯陝贛閩寧瓊雲晉", "沪辽黑粤苏贵鲁陕赣闽宁琼云晋"
)


def normalise_code(text: str) -> str:
    """Letters and digits only, upper-case half-width: engine numbers, invoice codes and
    numbers, where OCR adds stray punctuation ("-WGN310962", "No.12345678")."""
    return re.sub(r"[^0-9A-Z]", "", to_half_width(text).upper())


def normalise_vin(text: str) -> str:
    """Upper-case half-width VIN without separators; I→1, O→0, Q→0 everywhere (never
    in a VIN); at position 9 (check digit) and 14-17 (serial digits) letters that look
    like digits become digits (15-17 only for small makers, position 3 = 9). A longer
    reading whose first 17 characters pass the check digit is cut to them."""
    vin = _compact_upper(text).translate(_NEVER_IN_VIN)
    if len(vin) > 17 and vin_check_digit_ok(_vin_digits(vin[:17])):
        vin = vin[:17]  # text printed after it ran on (a seal's tax id over the line)
    if len(vin) != 17:
        return vin
    return _vin_digits(vin)


def _vin_digits(vin: str) -> str:
    """Digit-like letters put back where a VIN holds digits (see `normalise_vin`)."""
    check = vin[8] if vin[8] == "X" else vin[8].translate(_TO_DIGIT)
    # Makers of fewer than 500 vehicles a year (position 3 is 9) use 12-14 for their code.
    serial_start = 14 if vin[2] == "9" else 13
    return vin[:8] + check + vin[9:serial_start] + vin[serial_start:].translate(_TO_DIGIT)


def normalise_plate(text: str) -> str:
    """Upper-case half-width plate without spaces or dots, confusables fixed by position.

    The province abbreviation in traditional form becomes simplified (粵→粤); read twice,
    it is kept once, and an I or | before the authority letter (never I) is dropped.
    Position 2 (authority) is a letter: 8→B, 5→S, 2→Z, 6→G. Serial characters are never
    I or O: I→1, O→0. In new-energy plates the four digits of a small plate and the five
    of a large one become digits, and a large plate's final 0 becomes D.
    """
    plate = _compact_upper(text)
    if len(plate) >= 4 and plate[0] == plate[1] and plate[0] in PROVINCES:
        plate = plate[1:]  # the province character read twice: 川川AD25063
    if len(plate) >= 4 and plate[1] in "I|" and plate[2].isalpha():
        plate = plate[0] + plate[2:]  # a stroke read before the authority letter: 川IAP8938
    if len(plate) < 3:
        return plate
    head = plate[0].translate(_TRADITIONAL_PROVINCES)
    authority, serial = plate[1].translate(_TO_LETTER), plate[2:]
    serial = serial.translate(_NEVER_IN_SERIAL)
    if head in PROVINCES and len(serial) == 6:
        if serial[-1] in "DF":  # large new-energy: five digits then D or F
            serial = serial[:5].translate(_TO_DIGIT) + serial[5]
        elif serial[0].isdigit():  # only large plates start with a digit: 0 at the end is D
            serial = serial[:5].translate(_TO_DIGIT) + serial[5].replace("0", "D")
        else:  # small new-energy: letter, letter or digit, four digits
            serial = serial[:2] + serial[2:].translate(_TO_DIGIT)
    return head + authority + serial


def normalise_id_number(text: str) -> str:
    """18-character ID number: half-width, no spaces, letters that look like digits fixed
    in the first 17 places, a final x upper-cased."""
    compact = _compact_upper(text)
    if len(compact) != 18:
        return compact
    return compact[:17].translate(_TO_DIGIT) + compact[17].translate(_ID_CHECK_CHAR)


def normalise_uscc(text: str) -> str:
    """Unified social credit code: upper-case half-width; the letters it never holds
    (I O Z S V) replaced by the digits they are misread for (1 0 2 5), V→U; a letter in
    the all-digit region code (characters 3-8) becomes the digit the check accepts."""
    code = _compact_upper(text).translate(_NEVER_IN_USCC)
    if len(code) != 18 or uscc_ok(code) or code[2:8].isdigit():
        return code
    # Characters 3-8 are the region code, all digits: a letter there is a misread digit;
    # of the digits it is usually misread for, the one the check character accepts.
    options = [_DIGITS_READ_AS.get(c, c) if not c.isdigit() else c for c in code[2:8]]
    fits = [
        candidate
        for region in itertools.product(*options)
        if uscc_ok(candidate := code[:2] + "".join(region) + code[8:])
    ]
    return fits[0] if len(fits) == 1 else code
