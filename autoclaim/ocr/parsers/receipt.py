"""English receipts and simple invoices: seller, date, address, total, line items.

Rules follow how receipts are laid out, not one template: the seller is the business name
near the top (a line with SDN BHD, ENTERPRISE, ... wins over a person's name above it), the
address is the block of lines under it up to the first phone/tax-id line, the date is the
first date near a DATE label (or anywhere), and the total is the amount on the row of the
strongest TOTAL label, checked against cash paid minus change.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal, InvalidOperation

from autoclaim.ocr.engines import OcrLine
from autoclaim.ocr.layout import right_of, rows, same_row, union_box
from autoclaim.ocr.parsers.places import (
    correct_place_words,
    correct_word,
    fix_word_breaks,
    one_edit_apart,
)
from autoclaim.ocr.types import CheckResult, FieldReading, LineItem

MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
    )
}
DATE_PATTERNS = [
    # 25/12/2018, 29-12-2017, 25.12.2018, 25/12/18
    re.compile(r"(?<![\d/.-])(\d{1,2})\s?([/.-])\s?(\d{1,2})\s?\2\s?(\d{4}|\d{2})(?![\d/-])"),
    # the same run into the time without a space: 25/12/20188:13:39, 09/02/1711:12
    re.compile(r"(?<![\d/.-])(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?=\d{1,2}\s?:\s?\d{2})"),
    # 2018-12-25, 2018/12/25
    re.compile(r"(?<!\d)(\d{4})([/.-])(\d{1,2})\2(\d{1,2})(?!\d)"),
    # 25 DEC 2018, 25-Dec-18, 25DEC2018, 10 0CT 2017 (O read as 0)
    re.compile(
        r"(?<!\d)(\d{1,2})[\s/-]?(JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|0CT|NOV|DEC)[A-Z]*"
        r"[\s/,-]*(\d{4}|\d{2})(?!\d)",
        re.IGNORECASE,
    ),
]
AMOUNT = re.compile(r"(?<![\d.,])(\d{1,3}(?:,\d{3})+|\d+)\s?[.,]\s?(\d{2})(?![\d])")
COMPANY_WORDS = re.compile(
    r"(\bSDN\.?\s*BHD|\bBHD\b|BERHAD|\bS/B\b|ENTERPRISES?\b|TRADING|\bCO\b\.?|\bCOMPANY\b|"
    r"\bLTD\b|LIMITED|\bINC\b|\bLLC\b|\bPLC\b|GMBH|PERNIAGAAN|SYARIKAT|HOLDINGS?\b|"
    r"INDUSTRIES)",
    re.IGNORECASE,
)
COMPANY_SUFFIX_ONLY = re.compile(
    r"^\W*(CO\.?\s*)?(\(M\)\s*)?(SDN\.?\s*BHD|BHD|BERHAD|S/B)\W*$", re.I
)
TRAILING_REG_NO = re.compile(
    r"\s*[(\[]\s*(CO\.?\s*)?(REG\.?\s*)?(NO\.?)?[:\s]*[A-Z]{0,3}\d{3,}[\d\s]*-?\s*[A-Z]?\s*[)\]]?\s*$"
)
STATE_NAMES = (
    r"(JOHOR|SELANGOR|KUALA LUMPUR|PAHANG|PERAK|KEDAH|MELAKA|MALACCA|NEGERI SEMBILAN|"
    r"PENANG|PULAU PINANG|KELANTAN|TERENGGANU|PERLIS|SABAH|SARAWAK|PUTRAJAYA|LABUAN|MALAYSIA|"
    r"DARUL\s+\w+|WILAYAH\s*PERSEKUTUAN|W\.?\s*P\.?)"
)
STATES = re.compile(rf"^\W*{STATE_NAMES}[\s,.A-Z]*$", re.IGNORECASE)  # a line naming the state
NOT_COMPANY = re.compile(
    r"(TAX\s*INVOICE|INVOICE|RECEIPT|WELCOME|CASH\s*(SALES|BILL)|^TEL|^FAX|GST|^DATE|THANK|"
    r"REG\.?\s*NO|CO\.?\s*NO\b|COMPANY\s*NO)",
    re.IGNORECASE,
)
ADDRESS_STOP = re.compile(
    r"(\bTEL\b|TE[L1I]\s*[:.]|\b0\d{1,2}\s?-\s?\d{3,4}\s?\d{3,4}\b|PHONE|\bFAX\b|\bH/?P\b|"
    r"GST|\bREG\b|\bCO\.?\s*REG|SST|TAX\s*INVOICE|INVOICE|"
    r"RECEIPT|E-?MAIL|@|WWW\.|HTTP|\bID\s*[:.]|\bNO\s*[:.]?\s*\d{6,}|CASH\s*(SALES|BILL)|"
    r"DOCUMENT|\bDATE\b|CASHIER|OPEN\s+DAILY|BUSINESS\s+HOURS|\bMOBILE\b|\d{9,})",
    re.IGNORECASE,
)
REG_NO = re.compile(
    r"^[\s(\[]*(CO\.?\s*(REG\.?)?\s*(NO)?\.?[:\s]*)?[A-Z]{0,3}\d{4,}[\s-]*[A-Z]?[\s)\]]*$"
)
REG_LINE = re.compile(
    r"\(?\s*(CO\.?\s*)?(REG|COMPANY|CO\b|BR\b|ROC|GST)[^)]*\d{4,}|\(\s*\d{4,}[\s-]*[A-Z]\s*\)",
    re.IGNORECASE,
)
PHONE = re.compile(r"^\W*\(?0\d{1,2}\)?[\s-]?\d{3,4}[\s-]?\d{3,4}\W*$")
ADDRESS_START = re.compile(
    r"\d|\b(LOT|NO|JALAN|JLN|TAMAN|TMN|LORONG|BATU|KAMPUNG|KG|BANGUNAN|PLAZA|FLOOR|LEVEL|"
    r"BLOCK|BLK|WISMA|MENARA|STREET|ROAD|AVENUE|BUKIT|PERSIARAN|LEBUH)\b",
    re.IGNORECASE,
)
# Five digits, not after LOT/NO/PT (a lot or house number: LOT 26151 BANDAR SG LONG).
POSTCODE = re.compile(
    r"(?<!\bLOT )(?<!\bNO )(?<!\bNO\.)(?<!\bPT )(?<![\dA-Z])[\dB]\d{4}(?!\d)", re.I
)
TOTAL_LABELS: list[tuple[re.Pattern[str], int]] = [
    (re.compile(r"ROUND(ED|ING)?\s*(ED)?\s*TOTAL|TOTAL\s*ROUND(ED)?", re.I), 9),
    (re.compile(r"GRAND\s*TOTAL|NETT?\s*TOTAL|TOTAL\s*(AMOUNT|AMT)?\s*(DUE|PAYABLE)", re.I), 8),
    (re.compile(r"TOTAL\s*(INCL|INC|INCLUSIVE|INCLUDING|W/?)\.?\s*(OF\s*)?(GST|SST|TAX)", re.I), 8),
    (re.compile(r"TOTAL\s*(SALES?|AMOUNT|AMT|PAYABLE|RM|\(RM\))", re.I), 7),
    # TOTAL faint or cut off at the line's start: [Tot]al Inclusive GST.
    (re.compile(r"\bINCLUSIVE\s*(OF\s*)?(GST|SST|TAX)\W*$", re.I), 7),
    (re.compile(r"AMOUNT\s*(DUE|PAYABLE)|\bNET\s*AMOUNT|\bTOTAL\b|\bJUMLAH\b", re.I), 6),
    (re.compile(r"^\W*(DUE|BALANCE\s*DUE)\W*$", re.I), 5),
    (re.compile(r"TOTAL", re.I), 5),  # glued to a misread word: TOTALSAIES
]
NOT_TOTAL = re.compile(
    r"SUB\s*-?\s*TOTAL|TOTAL\s*(QTY|QUANTITY|ITEMS?|DISC|DISCOUNT|SAVING|GST|TAX|SST|EXCL|"
    r"EXCLUDING|W/?O|BEFORE|ITEM)|(EXCL|EXCLUDING|BEFORE)\s*(GST|TAX)|GST\s*SUMMARY|"
    r"NO\.?\s*OF\s*ITEMS|TOTAL\s*NO|TOT\w*\s*Q|SAVING|INCLUDED\s*GST|(TAX|GST|SST)\s*TOTAL",
    re.I,
)
PAID = re.compile(
    r"\bCASH\b|\bTENDER|\bPAID\b|\bPAYMENT\b|\bPAY\b|\bVISA\b|\bMASTER|\bCREDIT\b", re.I
)
CHANGE = re.compile(r"\bCHANGE\b|\bBAKI\b", re.I)


@dataclass(frozen=True)
class ReceiptParse:
    fields: dict[str, FieldReading]
    line_items: list[LineItem]
    checks: list[CheckResult]


def parse_date(text: str) -> tuple[str, date] | None:
    """The first plausible date in the text: (text as printed, the date)."""
    for pattern in DATE_PATTERNS:
        for match in pattern.finditer(text):
            raw = match.group(0).strip()
            parsed = to_date(match)
            if parsed is not None:
                return raw, parsed
    return None


def to_date(match: re.Match[str]) -> date | None:
    groups = match.groups()
    try:
        if len(groups) == 3:  # day, month name, year
            month_name = groups[1][:3].upper().replace("0", "O")
            day, month, year = int(groups[0]), MONTHS[month_name], int(groups[2])
        elif len(groups[0]) == 4:
            year, month, day = int(groups[0]), int(groups[2]), int(groups[3])
        else:
            day, month, year = int(groups[0]), int(groups[2]), int(groups[3])
            if month > 12 >= day:  # US order m/d/y
                day, month = month, day
        if year < 100:
            year += 2000
        if not 1990 <= year <= 2099:
            return None
        return date(year, month, day)
    except (ValueError, KeyError):
        return None


def amounts_in(text: str) -> list[tuple[str, Decimal]]:
    """Money amounts with two decimals (either separator, OCR swaps them)."""
    found = []
    for match in AMOUNT.finditer(text):
        whole = match.group(1).replace(",", "")
        try:
            found.append((match.group(0), Decimal(f"{whole}.{match.group(2)}")))
        except InvalidOperation:
            continue
    return found


FULL_WIDTH = str.maketrans("：，（）；．、！", ":,();.,!")


def clean_text(text: str) -> str:
    """Full-width punctuation made ASCII, whitespace collapsed, a space before a full stop
    dropped. A space before a comma is kept: the combined engine's spaces are the gaps
    Tesseract saw on the page, and receipts print `INDAH X ,U13/X` as written (dropping it
    lost 8 of 125 SROIE addresses and fixed none)."""
    text = " ".join(fold_latin_marks(text.translate(FULL_WIDTH)).split())
    return re.sub(r"\s+\.(?=\S|$)", ".", text)


def fold_latin_marks(text: str) -> str:
    """Latin letters with marks as their plain letter (SÉLANGOR, ŞSEKSYEN, ìN): Malaysian
    receipts print none, and the recogniser, which knows thousands of characters, now and
    then reads a speck beside a letter as a mark. Other scripts are left as they are."""

    def plain(ch: str) -> str:
        if ch.isascii():
            return ch
        if ch == "ı":  # dotless i: no decomposition to a plain letter
            return "i"
        base = unicodedata.normalize("NFKD", ch)[0]
        return base if base.isascii() and base.isalpha() else ch

    return "".join(plain(ch) for ch in text)


def tidy_company(text: str) -> str:
    """Drop what follows the company suffix when it holds digits (registration numbers,
    branch codes) and put back the spaces OCR loses around SDN BHD and (M)."""
    text = re.sub(r"S/[D8](?=\W*$|\s*\(?\d)", "S/B", text)  # S/B misread, before a reg no.
    text = re.sub(r"\b(SDN\.?\s*)([A-Z8]{2,4})(\.?)(?![A-Z0-9])", _bhd, text, flags=re.I)
    text = re.sub(r"\s*[:;]\s*", " ", text).strip()  # a company name holds no colon
    text = re.sub(r"(?<!_)_(?!_)", ".", text)  # a lone underscore is a dot read low
    text = re.sub(r"(?<=[A-Z])S/B(?![A-Z])", " S/B", text)
    suffixes = list(re.finditer(r"SDN\.?\s*BHD\.?|\bBHD\.?|BERHAD|\bS/B(?![A-Z])", text, re.I))
    if suffixes and re.search(r"\d", text[suffixes[-1].end() :]):
        text = text[: suffixes[-1].end()]
    text = re.sub(r"(?<=[A-Z)])(SDN\.?\s*BHD)", r" \1", text, flags=re.I)
    text = re.sub(r"SDN(BHD)", r"SDN \1", text, flags=re.I)
    text = re.sub(r"\)(?=[A-Z])", ") ", text)
    text = re.sub(r"(?<=[A-Z.])\((?=[A-Z]{1,3}\s*\))", " (", text)  # CO.(M) -> CO. (M)
    text = re.sub(r"\(\s*([A-Z]{1,3})\s*\)", r"(\1)", text)
    return " ".join(text.split())


def _bhd(match: re.Match[str]) -> str:
    """The word after SDN (Sendirian) is BHD (Berhad): one letter off (EHD, 8HD), or its
    last letter lost and one more misread (BH, DH), is a misread. After two letters a dot
    is the lost D read as one (SDN BH.)."""
    word, dot = match.group(2).upper(), match.group(3)
    misread = one_edit_apart(word, "BHD") or (len(word) == 2 and word[1] == "H")
    if word == "BHD" or not misread:
        return match.group(0)
    return match.group(1) + "BHD" + (dot if len(word) > 2 else "")


def fix_confusables(text: str) -> str:
    """O/0 misreads by context: 8110O -> 81100 in numbers, L0T/C0. -> LOT/CO. in words."""

    def fix(match: re.Match[str]) -> str:
        token = match.group(0)
        letters = sum(c.isalpha() and c not in "O" for c in token)
        digits = sum(c.isdigit() and c != "0" for c in token)
        if digits >= 2 and letters == 0:
            return token.replace("O", "0")
        if digits >= 1 and re.fullmatch(r"[\dIO]+", token):
            return token.replace("O", "0").replace("I", "1")  # 28II -> 2811, BATU 1I -> 11
        if re.fullmatch(r"B\d{4}", token):
            return "8" + token[1:]  # B1100 -> 81100 (postcode)
        if letters >= 1 and digits == 0:
            return correct_word(token.replace("0", "O"))
        if letters >= 3 and set(c for c in token if c.isdigit()) == {"1"}:
            return correct_word(token.replace("1", "L"))  # JA1AN, PETA1ING
        return token

    text = re.sub(r"[A-Z0-9]{2,}", fix, text)
    return re.sub(r"\bS[AO0]N(?=\.?\s*BHD\b)", "SDN", text)


def _field(
    name: str, value: str | None, raw: str, lines: list[OcrLine], reasons: list[str] | None = None
) -> FieldReading:
    if value is None:
        return FieldReading.missing(name)
    conf = min(ln.confidence for ln in lines) if lines else 0.5
    why = list(reasons or [])
    if why:
        conf *= 0.5
    return FieldReading(
        name=name,
        value=value,
        raw=raw,
        box=union_box([ln.box for ln in lines]),
        confidence=round(conf, 3),
        status="invalid" if why else "valid",
        reasons=why,
    )


def is_company_line(text: str) -> bool:
    return bool(COMPANY_WORDS.search(text)) and not NOT_COMPANY.search(text)


def find_seller(lines: list[OcrLine]) -> int | None:
    """Index of the seller line among the top lines."""
    top = [i for i, ln in enumerate(lines[:12]) if sum(c.isalpha() for c in ln.text) >= 3]
    for i in top[:6]:
        if is_company_line(lines[i].text) and not ADDRESS_STOP.search(lines[i].text):
            return i
    for i in top:
        text = lines[i].text
        if NOT_COMPANY.search(text) or ADDRESS_STOP.search(text) or parse_date(text):
            continue
        return i
    return None


# Words that end a company name and so cannot begin one (the name went on the line above).
NAME_TAIL_FIRST = re.compile(r"^\W*(ENTERPRISES?|TRADING|HOLDINGS?|INDUSTRIES)\b", re.I)


def seller_lines(lines: list[OcrLine], seller: int) -> list[OcrLine]:
    """The seller line and the lines its name runs over: boxes on the same row (the detector
    may cut SWC ENTERPRISE | SDN BHD in two); the line above when the seller line cannot
    begin a name (SDN BHD alone, or ENTERPRISE ... first) or when the line above shares the
    name's words; the line below while a parenthesis is open (... (SETIA / ALAM) SDN BHD)."""
    used = sorted(
        (ln for ln in lines[max(0, seller - 3) : seller + 4] if same_row(ln, lines[seller])),
        key=lambda ln: ln.box[0],
    )
    first = min(lines.index(ln) for ln in used)
    last = max(lines.index(ln) for ln in used)
    joined = " ".join(ln.text for ln in used)
    if last + 1 < len(lines) and joined.count("(") > joined.count(")"):
        below = lines[last + 1]
        if ")" in below.text and _touching(used[-1], below):
            used.append(below)
    if first > 0:
        above = lines[first - 1]
        if COMPANY_SUFFIX_ONLY.match(joined):
            used.insert(0, above)  # name on one line, SDN BHD on the next
        elif NAME_TAIL_FIRST.match(joined) and _touching(above, used[0]):
            used.insert(0, above)  # AIK HUAT HARDWARE / ENTERPRISE (SETIA ALAM) SDN BHD
        elif _first_name_line(above, used):
            used.insert(0, above)  # GHEE HIANG / GH DISTRIBUTOR ... SDN BHD
    return used


def _touching(above: OcrLine, below: OcrLine) -> bool:
    """Two lines of one block of type: neither much taller, no more than half a line apart."""
    height = max(above.height, below.height, 1)
    similar = max(above.height, below.height) <= 1.3 * max(min(above.height, below.height), 1)
    return similar and below.box[1] - above.box[3] <= height / 2


def _first_name_line(above: OcrLine, name: list[OcrLine]) -> bool:
    """The line right above a company line is the first line of its name when it is set in
    the same type (not a larger logo), touches it, holds only upper-case words and shares a
    word or its initials with it (BECON STATIONER / BECON ENTERPRISE SDN BHD, GHEE HIANG /
    GH DISTRIBUTOR SDN BHD); a proprietor's name printed above shares neither."""
    text = above.text.strip()
    words = text.split()
    name_words = set(" ".join(ln.text for ln in name).upper().split())
    initials = "".join(w[0] for w in words)
    return (
        bool((set(words) & name_words) or initials in name_words)
        and is_company_line(" ".join(ln.text for ln in name))
        and len(words) >= 2
        and text.isupper()
        and all(re.fullmatch(r"[A-Z&'.-]+", w) for w in words)
        and not NOT_COMPANY.search(text)
        and _touching(above, name[0])
    )


def find_address(lines: list[OcrLine], seller: int | None) -> list[OcrLine]:
    """The block of lines under the seller, up to a phone, tax id or title line.

    The block starts at the first line that looks like an address (a number or a street
    word), skipping registration numbers and a date printed under the name, and ends with
    the postcode line plus at most one line after it (`_ends_address`); a line that runs
    into TEL/GST/... keeps the part before it.
    """
    start = 0 if seller is None else seller + 1
    block: list[OcrLine] = []
    window = lines[start : start + 9]
    for k, ln in enumerate(window):
        text = ln.text.strip()
        if not block and (
            REG_LINE.search(text)
            or REG_NO.match(text.upper().replace(" ", ""))
            or re.fullmatch(r"\(.*\)", text)
        ):
            continue  # company registration or tax number under the name, in brackets
        if not block and parse_date(text) and not ADDRESS_START.search(_without_date(text)):
            continue  # the date printed under the name, before the address
        stop = ADDRESS_STOP.search(text)
        if stop and block and address_tail(text[: stop.start()]):
            block.append(replace(ln, text=address_tail(text[: stop.start()])))
            break  # the address runs into the phone number on the same line
        if stop or parse_date(text) or PHONE.match(text):
            break
        if not block and not ADDRESS_START.search(text):
            continue  # second line of the name, branch name or slogan
        block.append(ln)
        postcode = POSTCODE.search(text)
        if postcode:
            rest = [ln.text.strip() for ln in window[k + 1 :]] + [""]
            taken = 0
            if rest[0] and _ends_address(rest[0], postcode_last=_ends_with(text, postcode)):
                taken = 1
            if _numbered_line(rest[taken]) and _is_stop(rest[taken + 1]):
                taken += 1  # branch code and name, or a second postcode line, above the phone
            block.extend(window[k + 1 : k + 1 + taken])
            break
    if not block and seller:
        return _address_above(lines, seller)
    return block


def _address_above(lines: list[OcrLine], seller: int) -> list[OcrLine]:
    """An address block above the seller, ending in a postcode: a fuel station prints its
    brand and address first and the company running it below (BHPetrol ... / ESJAY FUEL
    ENTERPRISE). Only looked for when nothing under the seller reads as an address."""
    start = next((i for i in range(seller) if ADDRESS_START.match(lines[i].text)), None)
    if start is None:
        return []
    block = find_address(lines[start:seller], None)
    return block if any(POSTCODE.search(ln.text) for ln in block) else []


def _is_stop(text: str) -> bool:
    """A line that ends the address: phone, tax id, title or the end of the window."""
    return not text or bool(ADDRESS_STOP.search(text) or PHONE.match(text))


def _numbered_line(text: str) -> bool:
    """A line that starts with a number and names a place: 1245-DESA SRI HARTAMAS,
    10400 PENANG."""
    return (
        bool(re.match(r"\d{1,5}\b[\s-]*[A-Z]", text, re.I))
        and sum(c.isalpha() for c in text) >= 4
        and not _is_stop(text)
        and not amounts_in(text)
        and parse_date(text) is None
    )


STATE_AT_END = re.compile(rf"\b{STATE_NAMES}[\s,.A-Z]*$", re.IGNORECASE)
STATE_THEN_COMMA = re.compile(rf"\b{STATE_NAMES},$", re.IGNORECASE)


def full_stop_after_state(address: str) -> str:
    """An address that ends with its state and a comma ends with a full stop: receipts end
    the address with `.` or nothing, and the faint dot is easily read as `,`."""
    return address[:-1] + "." if STATE_THEN_COMMA.search(address) else address


def _ends_with(text: str, match: re.Match[str]) -> bool:
    return not text[match.end() :].strip(" ,.;")


def _ends_address(text: str, postcode_last: bool) -> bool:
    """The line after the postcode line still belongs to the address: a state or country
    name alone, a city and state (PETALING JAYA, SELANGOR), or any place name when the
    postcode closed the line before (47301 / PETALING JAYA)."""
    if ADDRESS_STOP.search(text) or PHONE.match(text) or amounts_in(text) or parse_date(text):
        return False
    if STATES.match(text):
        return True
    letters = sum(c.isalpha() for c in text)
    if letters < 4 or re.search(r"\d", text):
        return False
    return postcode_last or bool(STATE_AT_END.search(text))


def _without_date(text: str) -> str:
    """The text with its date and time of day taken out."""
    found = parse_date(text)
    text = text.replace(found[0], " ") if found else text
    return re.sub(r"\d{1,2}\s?:\s?\d{2}(\s?:\s?\d{2})?(\s?[AP]\.?M\.?)?", " ", text, flags=re.I)


def address_tail(text: str) -> str:
    """Text before a stop word on an address line, without the separators and the label
    word (COMPANY REG NO) before it; empty when it is only a bracket or a few stray
    characters. A comma after the state name stays (Johor, Tel No.): it is the address's
    full stop, read as a comma."""
    text = re.sub(r"(\b(COMPANY|CO|BUSINESS|GST|SST)\b\.?\s*)+$", "", text.strip(), flags=re.I)
    text = text.rstrip(" ;:/|-(")
    if not STATE_THEN_COMMA.search(text):  # a state's comma is kept: `full_stop_after_state`
        text = text.rstrip(" ,;:/|-(")
    return text if sum(c.isalnum() for c in text) >= 3 else ""


def find_date(lines: list[OcrLine]) -> tuple[str, date, OcrLine] | None:
    """The date on the line labelled DATE, else the first one. When no line's text holds a
    date, the second engine's words on the lines (the combined engine keeps them) are read:
    RapidOCR sometimes misses a value that Tesseract saw beside its label."""
    candidates = _dates_in(lines, lambda ln: ln.text)
    if not candidates:
        candidates = _dates_in(lines, lambda ln: " ".join(w.text for w in ln.words))
    if not candidates:
        candidates = _dates_in(lines, lone_date)
    if not candidates:
        return None
    _, _, (raw, parsed), line = max(candidates, key=lambda c: (c[0], c[1]))
    return raw, parsed, line


LONE_DATE = re.compile(r"^\W*(\d{1,2})[\s/.-](\d{1,2})[\s/.-](\d{4}|\d{2})\W*$")


def lone_date(line: OcrLine) -> str:
    """A line that holds nothing but a day, month and year, a separator read as a space
    (05 02-18), rewritten with dashes; any other line as nothing. The last resort of
    `find_date`, so a line of three numbers is only a date when no line holds one."""
    found = LONE_DATE.match(line.text)
    return "-".join(found.groups()) if found else ""


def _dates_in(
    lines: list[OcrLine], text_of: Callable[[OcrLine], str]
) -> list[tuple[int, int, tuple[str, date], OcrLine]]:
    candidates = []
    for i, ln in enumerate(lines):
        text = text_of(ln)
        found = parse_date(text)
        if found is not None:
            score = 2 if re.search(r"DATE|TARIKH", text, re.I) else 0
            candidates.append((score, -i, found, ln))
    return candidates


def _row_amount(label: OcrLine, lines: list[OcrLine]) -> tuple[str, Decimal, list[OcrLine]] | None:
    """The amount printed on the label's row: rightmost amount in the row."""
    own = amounts_in(label.text.split(":")[-1]) if ":" in label.text else []
    candidates: list[tuple[str, Decimal, list[OcrLine]]] = []
    for other in right_of(label, lines):
        for raw, value in amounts_in(other.text):
            candidates.append((raw, value, [label, other]))
    if candidates:
        return candidates[-1]
    own = own or amounts_in(label.text)
    if own:
        raw, value = own[-1]
        return raw, value, [label]
    return None


def label_text(text: str) -> str:
    """Upper-case text with OCR's usual misreadings of TOTAL and INCLUSIVE fixed, for label
    matching."""
    text = text.upper()
    text = re.sub(r"(?<![A-Z])IN[CDO]LUS[I1L]VE(?![A-Z])", "INCLUSIVE", text)
    return re.sub(r"(?<![A-Z])[TLI1][O0]TA[LI1!|](?![A-Z])", "TOTAL", text)


TotalCandidate = tuple[int, int, str, Decimal, list[OcrLine]]  # weight, line, raw, value, lines


def _strongest(candidates: list[TotalCandidate]) -> TotalCandidate:
    """The candidate with the strongest label; the earliest line among equals."""
    return max(candidates, key=lambda s: (s[0], -s[1]))


def find_total(lines: list[OcrLine]) -> tuple[str, Decimal, list[OcrLine], list[str]] | None:
    scored: list[TotalCandidate] = []
    empty: list[tuple[int, int]] = []  # labels with no amount on their row
    for i, ln in enumerate(lines):
        text = label_text(ln.text)
        if NOT_TOTAL.search(text) and not TOTAL_LABELS[0][0].search(text):
            continue
        for pattern, weight in TOTAL_LABELS:
            if pattern.search(text):
                found = _row_amount(ln, lines)
                if found is not None and found[1] > 0:
                    scored.append((weight, i, *found))
                else:
                    empty.append((weight, i))
                break
    paid_at, paid = labelled_amount(lines, PAID)
    change = labelled_amount(lines, CHANGE)[1]
    reasons: list[str] = []
    # What was paid less the change (all of it when no change is printed) is the total: the
    # labelled amount equal to it wins (after rounding; the amount before rounding or the
    # tax is not).
    expected: Decimal | None = None
    if paid is not None and (change is None or paid >= change):
        expected = paid - (change or Decimal(0))
    agreeing = [s for s in scored if s[3] == expected]
    if agreeing:
        best = _strongest(agreeing)
        return best[2], best[3], best[4], reasons
    if expected is not None and change is not None:
        if expected > 0:
            for ln in lines:
                if PAID.search(ln.text) or CHANGE.search(ln.text):
                    continue
                for raw, value in amounts_in(ln.text):
                    if value == expected:
                        return raw, value, [ln], reasons
        if change > 0 and (not scored or max(s[1] for s in scored) > paid_at):
            # No TOTAL amount agrees and the labelled ones sit below the payment (GST
            # summaries): the total is what was paid minus the change.
            reasons.append(f"total computed as cash {paid} minus change {change}")
            return f"{expected:.2f}", expected, [lines[paid_at]], reasons
    if scored:
        best = _strongest(scored)
        supported = _supported_nearby(lines[best[1]], lines, best[3])
        raw, value, used = best[2], best[3], best[4]
        if supported is not None:
            raw, value, used = supported[0], supported[1], [lines[best[1]], supported[2]]
        rounded = _rounded_total(lines, scored, value)
        if rounded is not None:
            reasons.append(
                f"total read {value:.2f} is not a multiple of 0.05; {rounded[1]:.2f} is the "
                "total before rounding plus or minus the rounding adjustment"
            )
            return f"{rounded[1]:.2f}", rounded[1], rounded[0], reasons
        if supported is None and paid is not None and change is not None and paid - change != value:
            reasons.append(f"cash {paid} minus change {change} is not the total {value}")
        return raw, value, used, reasons
    if empty:
        # Perspective moved the amounts off the label's row: an amount a row away that
        # subtotal + tax (or cash - change) add up to.
        label = lines[max(empty, key=lambda e: (e[0], -e[1]))[1]]
        nearby = _supported_nearby(label, lines, Decimal(-1))
        if nearby is not None:
            return nearby[0], nearby[1], [label, nearby[2]], reasons
    repeated = _repeated_largest(lines)
    if repeated is not None:
        reasons.append(f"no TOTAL label read; {repeated[1]} is the largest amount printed twice")
        return repeated[0], repeated[1], [repeated[2]], reasons
    return None


ROUNDING = re.compile(r"\bROUND(ING|ED)?\b.*\bADJ|\bROUNDING\b", re.I)
FIVE_SEN = Decimal("0.05")


def _rounded_total(
    lines: list[OcrLine], scored: list[TotalCandidate], value: Decimal
) -> tuple[list[OcrLine], Decimal] | None:
    """Receipts that print a rounding adjustment (under 5 sen) above a last total round that
    total to 5 sen. When the total taken is not a multiple of 5 sen, the labelled total above
    the rounding line plus (or minus) the adjustment is, if exactly one of the two is: a
    misread digit in the last total (87.16 for 87.10 = 87.08 + 0.02) is settled by two
    other printed amounts."""
    if value % FIVE_SEN == 0:
        return None
    at = next(
        (
            i
            for i, ln in enumerate(lines)
            if ROUNDING.search(ln.text) and "TOTAL" not in label_text(ln.text)
        ),
        None,
    )
    if at is None:
        return None
    found = _row_amount(lines[at], lines)
    before = [s for s in scored if s[1] < at]
    if found is None or found[1] >= FIVE_SEN or not before or not any(s[1] > at for s in scored):
        return None
    adjustment, total_before = found[1], max(before, key=lambda s: s[1])
    fits = {
        candidate
        for candidate in (total_before[3] + adjustment, total_before[3] - adjustment)
        if candidate > 0 and candidate % FIVE_SEN == 0
    }
    if len(fits) != 1:
        return None
    return [*total_before[4], *found[2]], fits.pop()


def _repeated_largest(lines: list[OcrLine]) -> tuple[str, Decimal, OcrLine] | None:
    """Without a readable TOTAL label: the largest amount printed more than once (the total
    is repeated as the amount paid, the card charge or the tax summary's sum)."""
    found = [(raw, value, ln) for ln in lines for raw, value in amounts_in(ln.text) if value > 0]
    counts: dict[Decimal, int] = {}
    for _, value, _ in found:
        counts[value] = counts.get(value, 0) + 1
    repeated = [f for f in found if counts[f[1]] >= 2]
    return max(repeated, key=lambda f: f[1]) if repeated else None


def _supported_nearby(
    label: OcrLine, lines: list[OcrLine], chosen: Decimal
) -> tuple[str, Decimal, OcrLine] | None:
    """On a skewed or warped photo the amount beside TOTAL may belong to the next row. If the
    chosen amount has no arithmetic support but an amount a row away does (two other
    amounts on the page add up to it: subtotal + tax, or cash - change), take that one."""
    centre, height = (label.box[1] + label.box[3]) / 2, max(label.height, 1)
    everything = [(raw, value, ln) for ln in lines for raw, value in amounts_in(ln.text)]

    def support(value: Decimal, line: OcrLine) -> bool:
        """Subtotal + tax printed above it, or cash - change printed below it."""
        above = [v for _, v, ln in everything if ln.box[3] <= line.box[1] + 2 and v > 0]
        below = [v for _, v, ln in everything if ln.box[1] >= line.box[3] - 2]
        return any(a + b == value for a in above for b in above if a != b) or any(
            a - b == value for a in below for b in below if a != b
        )

    chosen_line = next(
        (ln for _, v, ln in everything if v == chosen and ln.box[0] > label.box[0]), label
    )
    if support(chosen, chosen_line):
        return None
    # A total is at least each item priced above it: a small amount that two others happen
    # to add up to (GST 4.93 under GRAND TOTAL 87.08) is not one.
    floor = max((v for _, v, ln in everything if ln.box[3] <= label.box[1] + 2), default=0)
    for raw, value, ln in everything:
        near = abs((ln.box[1] + ln.box[3]) / 2 - centre) <= 1.5 * height
        beside = near and ln.box[0] > label.box[0] and value != chosen
        if beside and value >= floor and support(value, ln):
            return raw, value, ln
    return None


def labelled_amount(lines: list[OcrLine], label: re.Pattern[str]) -> tuple[int, Decimal | None]:
    """The first line with `label` and an amount on its row (not CASHIER), and that amount;
    (len(lines), None) when there is none. A title such as CASH BILL has no amount, so it
    is neither the payment nor where the payment is printed."""
    for i, ln in enumerate(lines):
        if label.search(ln.text) and not re.search(r"CASHIER", ln.text, re.I):
            found = _row_amount(ln, lines)
            if found is not None:
                return i, found[1]
    return len(lines), None


def line_items(lines: list[OcrLine]) -> list[LineItem]:
    """Rows that read `description ... qty ... amount` between the header and the totals."""
    items: list[LineItem] = []
    for row in rows(lines):
        text = " ".join(ln.text for ln in row)
        if re.search(r"TOTAL|CASH|CHANGE|GST|TAX|ROUND|DISC", text, re.I):
            if items:
                break
            continue
        amounts = amounts_in(text)
        letters = sum(c.isalpha() for c in row[0].text)
        if amounts and letters >= 3 and len(row) >= 2:
            qty_match = re.search(
                r"(?<![\d.])(\d{1,3})\s*(X|PC|PCS|UNIT)?\b(?![.,]\d)",
                text[len(row[0].text) :],
                re.I,
            )
            items.append(
                LineItem(
                    description=clean_text(row[0].text),
                    quantity=qty_match.group(1) if qty_match else None,
                    unit_price=f"{amounts[0][1]:.2f}" if len(amounts) > 1 else None,
                    amount=f"{amounts[-1][1]:.2f}",
                )
            )
    return items


def ordered_lines(lines: list[OcrLine]) -> list[OcrLine]:
    """Non-empty lines in reading order (rows top to bottom, each left to right), their text
    cleaned (`clean_text`): what every receipt rule and the learned extractor read."""
    return [
        replace(ln, text=clean_text(ln.text))
        for row in rows([ln for ln in lines if ln.text.strip()])
        for ln in row
    ]


def seller_value(raw: str) -> str:
    """The seller's name as reported, from the text of its lines: registration numbers
    dropped, the company suffix tidied, O/0 misreads fixed."""
    text = tidy_company(TRAILING_REG_NO.sub("", raw).strip() or raw)
    return fix_confusables(text.upper())


def address_value(raw: str) -> str:
    """The address as reported, from the text of its lines: place-name misreads and word
    breaks fixed, a doubled hyphen made one, a final comma after the state a full stop."""
    cleaned = correct_place_words(fix_word_breaks(fix_confusables(raw.upper())))
    cleaned = re.sub(r"(?<=\w)-{2,}(?=\w)", "-", cleaned)  # 4--20: one hyphen read twice
    return full_stop_after_state(cleaned)


def parse_receipt(lines: list[OcrLine]) -> ReceiptParse:
    """Seller, date, address and total of an English receipt, each with its box and checks."""
    lines = ordered_lines(lines)
    fields: dict[str, FieldReading] = {}
    checks: list[CheckResult] = []

    seller_i = find_seller(lines)
    if seller_i is None:
        fields["seller"] = FieldReading.missing("seller")
    else:
        used = seller_lines(lines, seller_i)
        raw = " ".join(clean_text(ln.text) for ln in used)
        fields["seller"] = _field("seller", seller_value(raw), raw, used)

    address = find_address(lines, seller_i)
    if address:
        raw = " ".join(clean_text(ln.text) for ln in address)
        raw = re.sub(r"^\(?[A-Z]{0,4}\d{4,}[-\s]*[A-Z]{0,4}\)\s*", "", raw)
        fields["address"] = _field("address", address_value(raw), raw, address)
    else:
        fields["address"] = FieldReading.missing("address")

    found_date = find_date(lines)
    if found_date is None:
        fields["date"] = FieldReading.missing("date", "no date on the page")
    else:
        raw, parsed, line = found_date
        reasons = []
        if parsed > date.today():
            reasons.append(f"date {parsed.isoformat()} is in the future")
        fields["date"] = _field("date", parsed.isoformat(), raw, [line], reasons)
        checks.append(CheckResult("date_parses", True, f"{raw!r} read as {parsed.isoformat()}"))

    total = find_total(lines)
    if total is None:
        fields["total"] = FieldReading.missing("total", "no TOTAL line with an amount")
    else:
        raw, value, used, reasons = total
        fields["total"] = _field("total", f"{value:.2f}", raw, used, reasons)
        checks.append(
            CheckResult(
                "cash_minus_change_is_total",
                not reasons,
                reasons[0] if reasons else f"total {value:.2f} agrees with cash and change",
            )
        )
    items = line_items(lines)
    if items and total is not None:
        item_sum = sum((Decimal(i.amount) for i in items if i.amount), Decimal(0))
        ok = item_sum == total[1]
        checks.append(
            CheckResult(
                "line_items_sum",
                ok,
                f"line items sum to {item_sum:.2f}; total is {total[1]:.2f}",
            )
        )
    return ReceiptParse(fields, items, checks)
