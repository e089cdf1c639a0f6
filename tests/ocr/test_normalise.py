"""Normalisers: dates, amounts, codes, full-width text, and OCR confusables by position."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from autoclaim.ocr import normalise as n
from autoclaim.ocr import validators as v


def test_half_width() -> None:
    assert n.to_half_width("ＡＢＣ１２３，：（）￥") == "ABC123,:()¥"
    assert n.to_half_width("京Ａ·１２３４５") == "京A·12345"
    assert n.to_half_width("名称\u3000甲") == "名称 甲"
    assert n.normalise_text("  壹佰\u3000 元 \n整 ") == "壹佰 元 整"


# --- dates -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2024-3-5", "2024-03-05"),
        ("2024-03-05", "2024-03-05"),
        ("2024年3月5日", "2024-03-05"),
        ("2024年03月05日", "2024-03-05"),
        ("２０２４年３月５日", "2024-03-05"),
        ("2024 年 3 月 5 日", "2024-03-05"),
        ("2024.03.05", "2024-03-05"),
        ("2024/03/05 14:32:10", "2024-03-05"),
        ("20240305", "2024-03-05"),
        ("05/03/2024", "2024-03-05"),  # day first by default
        ("5-3-2024", "2024-03-05"),
        ("05.03.2024", "2024-03-05"),
        ("13/03/2024", "2024-03-13"),
        ("03/13/2024", "2024-03-13"),  # 13 cannot be a month
        ("12/05/24", "2024-05-12"),
        ("01/01/99", "1999-01-01"),
        ("5 Mar 2024", "2024-03-05"),
        ("05-MAR-2024", "2024-03-05"),
        ("5th March 2024", "2024-03-05"),
        ("Mar 5, 2024", "2024-03-05"),
        ("September 30, 2023", "2023-09-30"),
        ("开票日期：2024年03月05日", "2024-03-05"),
        ("Date: 13/03/2024 10:22 PM", "2024-03-13"),
        ("2O24-O3-O5", "2024-03-05"),  # O read for 0
        ("2024-l2-0l", "2024-12-01"),  # l read for 1
        ("2024年3月5号", "2024-03-05"),
    ],
)
def test_dates(text: str, iso: str) -> None:
    assert n.normalise_date(text) == iso


def test_month_first_option() -> None:
    assert n.normalise_date("05/03/2024", day_first=False) == "2024-05-03"
    assert n.normalise_date("13/03/2024", day_first=False) == "2024-03-13"
    assert n.parse_date("2024-03-05", day_first=False) == date(2024, 3, 5)


def test_earliest_date_in_the_text_wins() -> None:
    assert n.normalise_date("issued 01/02/2023, due 2023-03-01") == "2023-02-01"


@pytest.mark.parametrize(
    "text", ["", "no date here", "2024-02-30", "2023-13-01", "32/01/2024", "31 Foo 2024"]
)
def test_bad_dates_are_none(text: str) -> None:
    assert n.normalise_date(text) is None


# --- amounts -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("¥1,234.50", "1234.50"),
        ("￥１，２３４.５０", "1234.50"),
        ("1234.5", "1234.50"),
        ("1234", "1234.00"),
        ("RM 12.30", "12.30"),
        ("RM12.30", "12.30"),
        ("$ 7.00", "7.00"),
        ("12.30 元", "12.30"),
        ("TOTAL: 45.90", "45.90"),
        ("12.3O", "12.30"),  # letter O read for zero
        ("l2.50", "12.50"),
        ("1.234,50", "1234.50"),  # decimal comma
        ("12,30", "12.30"),
        ("1,234", "1234.00"),  # thousands comma
        ("1,234,567", "1234567.00"),
        ("1.234.567", "1234567.00"),
        ("1'234.50", "1234.50"),
        ("-12.30", "-12.30"),
        ("(12.30)", "-12.30"),
        ("12.30-", "-12.30"),
        ("¥-12.30", "-12.30"),
        ("0.125", "0.125"),  # unit prices keep their extra places
        ("1,234,567.891", "1234567.891"),
        ("12. 30", "12.30"),  # spaces OCR put around the separator
        ("1 ,234 .50", "1234.50"),
    ],
)
def test_amounts(text: str, value: str) -> None:
    assert n.normalise_amount(text) == value


@pytest.mark.parametrize(
    "text",
    [
        "",
        "abc",
        "TOTAL",
        "Qty 2 12.30",  # two numbers: ambiguous
        "1,23,4",
        "12,3456,789",
        "1.2.3,4.5",
    ],
)
def test_bad_amounts_are_none(text: str) -> None:
    assert n.normalise_amount(text) is None


def test_decimal_comma_option() -> None:
    assert n.normalise_amount("1,234", decimal_comma=True) == "1.234"
    assert n.normalise_amount("1.234", decimal_comma=True) == "1234.00"
    assert n.normalise_amount("1,234", decimal_comma=False) == "1234.00"
    assert n.parse_amount("1.234,5", decimal_comma=True) == Decimal("1234.5")


def test_format_amount() -> None:
    assert n.format_amount(Decimal("1234.5")) == "1234.50"
    assert n.format_amount(Decimal("3")) == "3.00"
    assert n.format_amount(Decimal("0.12500")) == "0.125"
    assert n.format_amount(Decimal("1E+3")) == "1000.00"


# --- codes -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "vin"),
    [
        ("1m8gdm9axkp042788", "1M8GDM9AXKP042788"),
        ("1M8GDM9AXKPO42788", "1M8GDM9AXKP042788"),  # O never in a VIN
        ("IM8GDM9AXKP042788", "1M8GDM9AXKP042788"),  # I never in a VIN
        ("1M8GDM9AXKP04Q788", "1M8GDM9AXKP040788"),  # Q never in a VIN
        ("1M8 GDM9A-XKP 0427BB", "1M8GDM9AXKP042788"),  # B in the serial digits
        ("1HGCM826S3A004352", "1HGCM82653A004352"),  # S at the check digit
        ("ＪＨ４ＫＡ７５６１ＰＣ００８２６９", "JH4KA7561PC008269"),
    ],
)
def test_vin(text: str, vin: str) -> None:
    assert n.normalise_vin(text) == vin


def test_vin_fix_makes_a_valid_vin_pass() -> None:
    assert not v.vin_check_digit_ok("1M8GDM9AXKPO42788")
    assert v.vin_check_digit_ok(n.normalise_vin("1M8GDM9AXKPO42788"))


def test_vin_letters_kept_where_letters_belong() -> None:
    # position 10 (model year) and 11 (plant) may be letters: never forced to digits
    assert n.normalise_vin("1M8GDM9AXBS042788")[9:11] == "BS"
    # small makers (position 3 = 9) use 12-14 for their code: position 14 left alone
    assert n.normalise_vin("LS9AB1234CABCS234")[13] == "S"
    # wrong length: only the unconditional fixes
    assert n.normalise_vin("1M8GO") == "1M8G0"


@pytest.mark.parametrize(
    ("text", "plate"),
    [
        ("京A·12345", "京A12345"),
        ("京a 12345", "京A12345"),
        ("京A 1O345", "京A10345"),  # O never in a serial
        ("京AI2345", "京A12345"),
        ("粤8·D1234S", "粤BD12345"),  # authority letter 8→B; new-energy digits S→5
        ("粤B12345D", "粤B12345D"),
        ("粤B1234SO", "粤B12345D"),  # large new-energy: final 0 is D
        ("粤B1Z345F", "粤B12345F"),
        ("粤BDI2345", "粤BD12345"),
        ("粤BFA12B4", "粤BFA1284"),
        ("京A-1234警", "京A1234警"),
        ("粤Z·1234港", "粤Z1234港"),
        ("京", "京"),
    ],
)
def test_plate(text: str, plate: str) -> None:
    assert n.normalise_plate(text) == plate


def test_ordinary_plate_letters_kept() -> None:
    # ordinary serials may hold letters: only I and O are fixed
    assert n.normalise_plate("沪AB8S2Z") == "沪AB8S2Z"


def test_id_number() -> None:
    assert n.normalise_id_number("11010519491231002x") == "11010519491231002X"
    assert n.normalise_id_number("110105 1949 1231 002X") == "11010519491231002X"
    assert n.normalise_id_number("11O1O519491231OO2X") == "11010519491231002X"
    assert n.normalise_id_number("1101051949123100l0") == "110105194912310010"
    assert n.normalise_id_number("123") == "123"


def test_uscc() -> None:
    assert n.normalise_uscc("91350100m000100y43") == "91350100M000100Y43"
    assert n.normalise_uscc("9I35OIOOMOOOIOOY43") == "91350100M000100Y43"
    assert v.uscc_ok(n.normalise_uscc("9144O3OO7O846II36T"))


def test_code() -> None:
    assert n.normalise_code("-WGN310962") == "WGN310962"
    assert n.normalise_code("ｗｇｎ 310962.") == "WGN310962"
    assert n.normalise_code("4400191130") == "4400191130"
    assert n.normalise_code("·—") == ""


def test_plate_traditional_province() -> None:
    assert n.normalise_plate("粵B12345") == "粤B12345"
    assert n.normalise_plate("滬A·D1234O") == "沪AD12340"


@pytest.mark.needs_data
def test_every_sroie_key_date_and_total_normalises(data_root: Path) -> None:
    """The real receipts' ground truth (Malaysian, day-first) parses with the defaults."""
    keys = sorted((data_root / "sroie-receipts" / "keys").glob("*.json"))
    assert keys
    for path in keys:
        key = json.loads(path.read_text(encoding="utf-8"))
        iso = n.normalise_date(key["date"])
        assert iso is not None and "2015" <= iso[:4] <= "2020", (path.name, key["date"])
        total = n.normalise_amount(key["total"])
        assert total is not None and Decimal(total) > 0, (path.name, key["total"])


def test_vin_reading_that_ran_on_is_cut_to_the_seventeen_that_pass_the_check_digit() -> None:
    vin = "LVSZ1V7H3NZ859781"
    assert v.vin_check_digit_ok(vin)
    assert n.normalise_vin(vin + "92") == vin
    assert n.normalise_vin("LVSZ1V7H4NZ85978192") == "LVSZ1V7H4NZ85978192"  # check fails: kept


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2018-1114", "2018-11-14"), ("2023-0320", "2023-03-20"), ("2021403-03", "2021-03-03")],
)
def test_year_first_date_with_a_separator_lost_or_read_as_4(text: str, expected: str) -> None:
    assert n.normalise_date(text) == expected


def test_plate_province_read_twice_or_a_stroke_before_the_authority_letter() -> None:
    assert n.normalise_plate("川川AD25063") == "川AD25063"
    assert n.normalise_plate("川IAP8938") == "川AP8938"


def test_letter_in_the_tax_id_region_code_becomes_the_digit_the_check_accepts() -> None:
    assert v.uscc_ok("91350203BMRPPB9X6M")
    assert n.normalise_uscc("91B50203BMRPPB9X6M") == "91350203BMRPPB9X6M"  # B is 3 here
