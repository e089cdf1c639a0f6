from __future__ import annotations

import pytest

from autoclaim.ocr.parsers.places import (
    correct_place_word,
    correct_place_words,
    fix_word_breaks,
    one_edit_apart,
)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("SETANGOR", "SELANGOR", True),
        ("PERINUSTRIAN", "PERINDUSTRIAN", True),
        ("SELANGORR", "SELANGOR", True),
        ("SELANGOR", "SELANGOR", False),
        ("SLANGR", "SELANGOR", False),
    ],
)
def test_one_edit_apart(a: str, b: str, expected: bool) -> None:
    assert one_edit_apart(a, b) is expected


def test_long_place_words_one_edit_off_are_corrected() -> None:
    assert correct_place_words("40300 SHAH ALAM, SETANGOR") == "40300 SHAH ALAM, SELANGOR"
    assert correct_place_words("69000 PAHANG MALAYSTA") == "69000 PAHANG MALAYSIA"
    assert correct_place_word("PERINUSTRIAN") == "PERINDUSTRIAN"


def test_short_place_words_only_for_a_typical_slip() -> None:
    assert correct_place_words("TAMAR DESA TEBRAU, SHAH ALAN") == "TAMAN DESA TEBRAU, SHAH ALAM"
    assert correct_place_word("TAMPOI") == "TAMPOI"  # no known word one edit away
    assert correct_place_word("ALOR") == "ALOR"  # A/L is no typical slip for ALAM


def test_a_broken_word_is_joined_after_a_word_that_is_not() -> None:
    assert fix_word_breaks("NO.23 BATU 10, TAMAN S ENTOSA,") == "NO.23 BATU 10, TAMAN SENTOSA,"


def test_initials_end_with_a_dot() -> None:
    assert fix_word_breaks("LOT P.T, 2811, JALAN ANGSA") == "LOT P.T. 2811, JALAN ANGSA"
    assert fix_word_breaks("SHAH ALAM, SELANGOR D.E,") == "SHAH ALAM, SELANGOR D.E."


def test_street_abbreviations_with_their_l_misread() -> None:
    assert correct_place_words("NO.41G,J1N SS21/60") == "NO.41G,JLN SS21/60"
    assert correct_place_words("NO: G3, BIK G, JIN PJU 1A/3") == "NO: G3, BLK G, JLN PJU 1A/3"
    assert correct_place_words("JIN 111 TMN") == "JLN 111 TMN"
    assert correct_place_words("SRI JIA") == "SRI JIA"
