"""Place-name vocabulary of Malaysian addresses and the OCR slips it corrects.

Receipt addresses repeat a small set of street words, towns and states. A word OCR read
one slip away from one of them (TAMAR, SETANGOR, MALAYSTA) is put back, and words it ran
together or broke apart are split or joined when the pieces are known words.
"""

from __future__ import annotations

import re

# Words common in Malaysian addresses (states, cities, street words): OCR slips within one
# character of them are corrected. Domain vocabulary, not learnt from any benchmark.
ADDRESS_WORDS = tuple(
    [
        "JALAN",
        "TAMAN",
        "LORONG",
        "PERSIARAN",
        "LEBUH",
        "BANDAR",
        "KAMPUNG",
        "KAWASAN",
        "PERINDUSTRIAN",
        "PERUSAHAAN",
        "BANGUNAN",
        "MENARA",
        "WISMA",
        "PLAZA",
        "KOMPLEKS",
        "SEKSYEN",
        "SECTION",
        "BLOK",
        "BLOCK",
        "LEVEL",
        "FLOOR",
        "GROUND",
        "SELANGOR",
        "JOHOR",
        "BAHRU",
        "KUALA",
        "LUMPUR",
        "PETALING",
        "JAYA",
        "SHAH",
        "ALAM",
        "KLANG",
        "PUCHONG",
        "SUBANG",
        "CHERAS",
        "AMPANG",
        "KAJANG",
        "SERDANG",
        "KEMBANGAN",
        "BANGSAR",
        "DAMANSARA",
        "UTAMA",
        "KEPONG",
        "SETAPAK",
        "GOMBAK",
        "RAWANG",
        "SEMENYIH",
        "BANTING",
        "DENGKIL",
        "SEPANG",
        "PUTRAJAYA",
        "CYBERJAYA",
        "SEREMBAN",
        "MELAKA",
        "PENANG",
        "PULAU",
        "PINANG",
        "PERAK",
        "IPOH",
        "KEDAH",
        "PAHANG",
        "KELANTAN",
        "TERENGGANU",
        "NEGERI",
        "SEMBILAN",
        "SABAH",
        "SARAWAK",
        "MALAYSIA",
        "DARUL",
        "EHSAN",
        "TAKZIM",
        "INDUSTRI",
        "PERDANA",
        "SENTOSA",
        "MUTIARA",
        "BUKIT",
        "BATU",
        "SRI",
        "SERI",
        "MEWAH",
        "UTARA",
        "SELATAN",
        "TIMUR",
        "BARAT",
        "TENGAH",
        "SHOPPING",
        "CENTRE",
        "CENTER",
        "MALL",
        "AVENUE",
        "STREET",
        "ROAD",
    ]
)


OCR_SLIPS = {
    frozenset(pair) for pair in ("FP", "CE", "NM", "IL", "OD", "OQ", "UV", "HN", "BE", "RN")
}


def correct_word(word: str) -> str:
    """A word one typical OCR slip (F/P, C/E, N/M, ...) away from an address word becomes it."""
    if len(word) < 5 or not word.isalpha() or word in ADDRESS_WORDS:
        return word
    return _slipped(word)


def _slipped(word: str) -> str:
    for known in ADDRESS_WORDS:
        if len(known) != len(word):
            continue
        diffs = [(a, b) for a, b in zip(word, known, strict=True) if a != b]
        if len(diffs) == 1 and frozenset(diffs[0]) in OCR_SLIPS:
            return known
    return word


def fix_word_breaks(text: str) -> str:
    """Split two address words OCR ran together (DAMANSARAUTAMA) and join one it broke
    (S ENTOSA -> SENTOSA is left alone unless the join is an address word: TAM AN -> TAMAN)."""

    def split(match: re.Match[str]) -> str:
        word = match.group(0)
        if word in ADDRESS_WORDS:
            return word
        for cut in range(3, len(word) - 2):
            if word[:cut] in ADDRESS_WORDS and word[cut:] in ADDRESS_WORDS:
                return f"{word[:cut]} {word[cut:]}"
        return word

    text = re.sub(r"[A-Z]{7,}", split, text)

    def join(match: re.Match[str]) -> str:
        joined = match.group(1) + match.group(2)
        return match.group(1) if joined in ADDRESS_WORDS else match.group(0)

    # The second word is only looked at, so it can start the next pair (TAMAN S ENTOSA).
    text = re.sub(r"\b([A-Z]{1,6}) (?=([A-Z]{1,8})\b)", join, text)
    # Street words run into the name after them: JALANKANCIL, JLNTSJ2, SELANGORD.E.
    text = re.sub(
        r"\b(JALAN|JLN|TAMAN|TMN|LORONG|PERSIARAN|PERBANDARAN|SEKSYEN|SELANGOR|KAMPUNG)"
        r"(?=[A-Z0-9]{2,}|D\.E\.)",
        r"\1 ",
        text,
    )
    text = re.sub(r"(?<![\d.])(\d{2})[.,](\d{3})(?= [A-Z])", r"\1\2", text)  # 40.300 SHAH ALAM
    text = re.sub(r"\b((?:[A-Z]\.)+[A-Z]),", r"\1.", text)  # initials end with a dot: P.T. D.E.
    return re.sub(r"^NO,", "NO.", text)


def one_edit_apart(a: str, b: str) -> bool:
    """Exactly one character substituted, inserted or deleted turns a into b."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long = (a, b) if len(a) < len(b) else (b, a)
    i = next((k for k, (x, y) in enumerate(zip(short, long, strict=False)) if x != y), len(short))
    return short[i:] == long[i + 1 :]


def correct_place_word(word: str) -> str:
    """An address word of six letters or more one edit away from exactly one known word
    becomes it (SETANGOR -> SELANGOR, PERINUSTRIAN -> PERINDUSTRIAN); shorter words only
    for a typical slip (`correct_word`). Long place words have no near neighbours among
    themselves, so one edit is not ambiguous."""
    if word in ADDRESS_WORDS or not word.isalpha():
        return word
    if len(word) < 6:
        return _slipped(word)
    near = [known for known in ADDRESS_WORDS if len(known) >= 6 and one_edit_apart(word, known)]
    return near[0] if len(near) == 1 else word


# Street abbreviations that hold an L: OCR reads that L as I or 1 (JIN, J1N, BIK).
ABBREVIATIONS_WITH_L = ("JLN", "BLK", "LRG", "LOT")


def correct_abbreviation(word: str) -> str:
    """A three-character word that is a street abbreviation once I and 1 are read as L."""
    as_l = word.replace("I", "L").replace("1", "L")
    return as_l if as_l in ABBREVIATIONS_WITH_L else word


def correct_place_words(text: str) -> str:
    """`correct_place_word` on every upper-case word of an address, `correct_abbreviation`
    on every three-character one."""
    text = re.sub(r"(?<![A-Z0-9])[A-Z]{4,}(?![A-Z0-9])", lambda m: correct_place_word(m[0]), text)
    return re.sub(r"(?<![A-Z0-9])[A-Z1]{3}(?![A-Z0-9])", lambda m: correct_abbreviation(m[0]), text)
