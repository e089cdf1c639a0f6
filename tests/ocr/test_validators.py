"""Validators against published valid examples and single-character corruptions of them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from autoclaim.ocr import validators as v

# --- VIN ---------------------------------------------------------------------------------

VALID_VINS = [
    "1M8GDM9AXKP042788",  # the textbook example, check digit X
    "1HGCM82633A004352",
    "JH4KA7561PC008269",
    "11111111111111111",  # all ones: sum 11 * 8+7+...= check 1
]


@pytest.mark.parametrize("vin", VALID_VINS)
def test_valid_vins_pass(vin: str) -> None:
    assert v.vin_check_digit_ok(vin)
    assert v.vin_check_digit(vin) == vin[8]


@pytest.mark.parametrize("vin", VALID_VINS)
def test_every_wrong_check_digit_fails(vin: str) -> None:
    for wrong in "0123456789X":
        if wrong != vin[8]:
            assert not v.vin_check_digit_ok(vin[:8] + wrong + vin[9:])


def test_single_character_changes_are_caught() -> None:
    vin = "1M8GDM9AXKP042788"
    # weight 0 sits at position 9 only: changing any other character to one with a
    # different transliterated value must break the check (11 is prime, weights < 11).
    assert not v.vin_check_digit_ok(vin[:12] + "1" + vin[13:])
    assert not v.vin_check_digit_ok("2" + vin[1:])


@pytest.mark.parametrize(
    "vin",
    [
        "1M8GDM9AXKP04278",  # 16 characters
        "1M8GDM9AXKP0427888",  # 18
        "1M8GDM9AXKP04278O",  # letter O
        "IM8GDM9AXKP042788",  # letter I
        "1M8GDM9AXKQ042788",  # letter Q
        "1m8gdm9axkp042788",  # lower case is not normalised here
        "",
    ],
)
def test_malformed_vins_fail_without_raising(vin: str) -> None:
    assert not v.vin_check_digit_ok(vin)


def test_check_digit_of_malformed_vin_raises_naming_it() -> None:
    with pytest.raises(v.InvalidValueError, match="ABC"):
        v.vin_check_digit("ABC")


def test_european_vin_without_check_digit_is_reported() -> None:
    # European makers need not fill position 9; GB 16735 requires it, so this is flagged.
    assert not v.vin_check_digit_ok("WP0ZZZ99ZTS392124")


# --- plates ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("plate", "kind"),
    [
        ("京A12345", "ordinary"),
        ("沪AB1234", "ordinary"),
        ("粤B8S8R8", "ordinary"),
        ("京O12345", "ordinary"),  # O as an authority letter (police offices)
        ("粤BD12345", "new_energy_small"),
        ("苏AFA1234", "new_energy_small"),
        ("沪AA12345", "new_energy_small"),  # extended battery-electric letter A
        ("粤B12345D", "new_energy_large"),
        ("川A12345F", "new_energy_large"),
        ("冀A1234挂", "trailer"),
        ("浙A1234学", "coach"),
        ("京A1234警", "police"),
        ("粤Z1234港", "hong_kong"),
        ("粤Z1234澳", "macao"),
        ("沪A1234领", "consulate"),
        ("使014578", "embassy"),
    ],
)
def test_plate_kinds(plate: str, kind: str) -> None:
    assert v.plate_kind(plate) == kind
    assert v.plate_ok(plate)


@pytest.mark.parametrize(
    "plate",
    [
        "A12345",  # no province
        "京12345",  # no authority letter
        "京A1234",  # too short
        "京AI2345",  # I never in a serial
        "京A0O123",  # O never in a serial
        "京A123456",  # 6 digits without new-energy letter
        "粤BD1234A",  # small new-energy: last four digits
        "粤B12345A",  # large new-energy ends in D or F only
        "京A12345警",
        "港A12345",  # not a province abbreviation
        "京a12345",
        "京A 12345",  # spaces are normalised away before validation
        "",
    ],
)
def test_bad_plates(plate: str) -> None:
    assert v.plate_kind(plate) is None
    assert not v.plate_ok(plate)


# --- ID numbers --------------------------------------------------------------------------


def test_standard_example_id_number() -> None:
    # GB 11643-1999 appendix example: Beijing Chaoyang, born 1949-12-31, female, check X.
    assert v.id_number_ok("11010519491231002X")
    assert v.id_birth_date("11010519491231002X") == date(1949, 12, 31)
    assert v.id_sex("11010519491231002X") == "女"
    assert v.id_check_char("11010519491231002X") == "X"


def test_check_char_of_second_standard_example() -> None:
    # 440524188001010014: check char 4 is right, but a birth year before 1900 is rejected.
    assert v.id_check_char("440524188001010014") == "4"
    assert v.id_birth_date("440524188001010014") is None
    assert not v.id_number_ok("440524188001010014")


@pytest.mark.parametrize("wrong", "0123456789")
def test_id_number_wrong_check_char(wrong: str) -> None:
    assert not v.id_number_ok("11010519491231002" + wrong)


@pytest.mark.parametrize(
    "id_number",
    [
        "11010519490231002X",  # 31st of... 02-31 is no date
        "110105194913310020",  # month 13
        "99010519491231002X",  # region 99 does not exist
        "1101051949123100X2",  # X in the body
        "11010519491231002x",  # lower-case x is normalised before validation
        "1101051949123100",
        "",
    ],
)
def test_malformed_id_numbers(id_number: str) -> None:
    assert not v.id_number_ok(id_number)


def test_birth_date_of_feb_30_is_none() -> None:
    assert v.id_birth_date("110105199002300011") is None
    assert v.id_birth_date("110105200002290015") == date(2000, 2, 29)


def test_sex_from_sequence_digit() -> None:
    assert v.id_sex("110105199001010011") == "男"
    assert v.id_sex("110105199001010020") == "女"
    assert v.id_sex("nonsense") is None


def test_id_check_char_requires_17_digits() -> None:
    with pytest.raises(v.InvalidValueError, match="12AB"):
        v.id_check_char("12AB")


# --- unified social credit codes ---------------------------------------------------------

VALID_USCC = [
    "91350100M000100Y43",  # the GB 32100 illustrative code
    "91440300708461136T",  # Tencent Technology (Shenzhen)
    "9144030071526726XG",  # Shenzhen Tencent Computer Systems
]


@pytest.mark.parametrize("code", VALID_USCC)
def test_valid_uscc(code: str) -> None:
    assert v.uscc_ok(code)
    assert v.uscc_org_code_ok(code)


@pytest.mark.parametrize("code", VALID_USCC)
def test_uscc_every_wrong_check_char_fails(code: str) -> None:
    for wrong in v.USCC_ALPHABET:
        if wrong != code[17]:
            assert not v.uscc_ok(code[:17] + wrong)


@pytest.mark.parametrize(
    "code",
    [
        "91350100M000100Y4",  # 17 characters
        "91350100M000100Y4O",  # O is outside the alphabet
        "91350100M000100Y4I",
        "9135010AM000100Y43",  # region code must be digits
        "",
    ],
)
def test_malformed_uscc(code: str) -> None:
    assert not v.uscc_ok(code)


def test_uscc_alphabet_is_31_characters_without_iozsv() -> None:
    assert len(v.USCC_ALPHABET) == 31
    assert not set("IOZSV") & set(v.USCC_ALPHABET)


def test_org_code_check() -> None:
    assert v.org_code_check_char("70846113") == "6"
    assert not v.uscc_org_code_ok("91440300708461137T")
    with pytest.raises(v.InvalidValueError):
        v.org_code_check_char("short")


# --- Chinese capital amounts -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("壹万贰仟叁佰肆拾伍元陆角柒分", "12345.67"),
        ("壹佰元整", "100.00"),
        ("⊗壹佰元整", "100.00"),
        ("ⓧ叁仟伍佰壹拾元整", "3510.00"),
        ("人民币壹拾万柒仟元零伍角叁分", "107000.53"),  # PBOC example, 零 before 角
        ("人民币壹拾万零柒仟元伍角叁分", "107000.53"),  # same, 零 after 万
        ("壹仟陆佰捌拾元零叁角贰分", "1680.32"),
        ("壹仟陆佰捌拾元叁角贰分", "1680.32"),
        ("壹仟零伍元整", "1005.00"),
        ("壹仟零伍拾元整", "1050.00"),
        ("壹佰元零伍分", "100.05"),
        ("伍角整", "0.50"),
        ("伍角", "0.50"),
        ("叁分", "0.03"),
        ("拾元整", "10.00"),
        ("壹拾元正", "10.00"),
        ("壹佰圆整", "100.00"),
        ("零元整", "0.00"),
        ("壹亿零壹万元整", "100010000.00"),
        ("贰亿叁仟万零伍元整", "230000005.00"),
        ("负壹佰元整", "-100.00"),
        ("壹 仟 元 整", "1000.00"),
    ],
)
def test_parse_capital_amount(text: str, amount: str) -> None:
    assert v.chinese_capital_amount(text) == Decimal(amount)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "壹佰",  # no 元/角/分
        "壹贰元整",  # two digits in a row
        "壹佰壹仟元整",  # units ascending
        "佰元整",  # 佰 without a digit
        "壹佰元叁分角",
        "壹佰元零零分",
        "123元",
        "壹万壹万元",
        "元整",
    ],
)
def test_bad_capital_amounts_raise_naming_the_text(text: str) -> None:
    with pytest.raises(v.InvalidValueError) as info:
        v.chinese_capital_amount(text)
    assert repr(text) in str(info.value)


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        ("12345.67", "壹万贰仟叁佰肆拾伍元陆角柒分"),
        ("100", "壹佰元整"),
        ("10", "壹拾元整"),
        ("105000", "壹拾万零伍仟元整"),
        ("100000", "壹拾万元整"),
        ("1005", "壹仟零伍元整"),
        ("1050", "壹仟零伍拾元整"),
        ("10005", "壹万零伍元整"),
        ("1000500", "壹佰万零伍佰元整"),
        ("100010000", "壹亿零壹万元整"),
        ("110000000", "壹亿壹仟万元整"),
        ("0.50", "伍角整"),
        ("0.05", "伍分"),
        ("100.05", "壹佰元零伍分"),
        ("1680.30", "壹仟陆佰捌拾元叁角整"),
        ("0", "零元整"),
        ("-100", "负壹佰元整"),
    ],
)
def test_format_capital_amount(amount: str, text: str) -> None:
    assert v.amount_to_chinese_capital(Decimal(amount)) == text


def test_capital_round_trip_over_many_amounts() -> None:
    for cents in [*range(0, 3000, 7), *range(999_000, 1_010_000, 997), 10**11 + 1, 10**13 + 5]:
        amount = Decimal(cents) / 100
        assert v.chinese_capital_amount(v.amount_to_chinese_capital(amount)) == amount


@pytest.mark.parametrize("amount", ["1.005", "1e13", "NaN"])
def test_format_capital_rejects(amount: str) -> None:
    with pytest.raises(v.InvalidValueError):
        v.amount_to_chinese_capital(Decimal(amount))


# --- sums and dates ----------------------------------------------------------------------


def test_amounts_add_up() -> None:
    assert v.amounts_add_up(Decimal("1000.00"), Decimal("130.00"), Decimal("1130.00"))
    assert not v.amounts_add_up(Decimal("1000.00"), Decimal("130.00"), Decimal("1130.01"))
    assert v.amounts_add_up(
        Decimal("1000.00"), Decimal("130.00"), Decimal("1130.01"), tolerance=Decimal("0.01")
    )


def test_line_items_sum() -> None:
    items = [Decimal("10.50"), Decimal("20.25"), Decimal("0.25")]
    assert v.line_items_sum_ok(items, Decimal("31.00"))
    assert not v.line_items_sum_ok(items, Decimal("31.10"))
    assert v.line_items_sum_ok([], Decimal("0"))


def test_dates_ordered() -> None:
    assert v.dates_ordered([date(2020, 1, 1), None, date(2020, 1, 1), date(2021, 5, 1)])
    assert not v.dates_ordered([date(2021, 1, 1), date(2020, 1, 1)])
    assert v.dates_ordered([])


# --- driver licence classes --------------------------------------------------------------


def test_parse_licence_classes() -> None:
    assert v.parse_licence_classes("C1") == {"C1"}
    assert v.parse_licence_classes("A2D") == {"A2", "D"}
    assert v.parse_licence_classes("b2 e") == {"B2", "E"}
    for bad in ["", "C7", "X", "A", "C1Z"]:
        with pytest.raises(v.InvalidValueError):
            v.parse_licence_classes(bad)


def test_inclusions_are_followed_transitively() -> None:
    assert v.licence_classes_covered("A1") == {"A1", "A3", "B1", "B2", "C1", "C2", "C3", "C4", "M"}
    assert v.licence_classes_covered("A2") >= {"B1", "B2", "C1", "C6", "M"}
    assert "A1" not in v.licence_classes_covered("A2")
    assert v.licence_classes_covered("C1") == {"C1", "C2", "C3", "C4"}
    assert v.licence_classes_covered("C2") == {"C2"}
    assert v.licence_classes_covered("D") == {"D", "E", "F"}
    assert v.licence_classes_covered("C1E") == {"C1", "C2", "C3", "C4", "E", "F"}


@pytest.mark.parametrize(
    ("licence", "vehicle", "allowed"),
    [
        ("C1", "小型轿车", True),
        ("C2", "小型普通客车", True),  # gearbox unknown: automatic-only class accepted
        ("C1", "轻型厢式货车", True),
        ("C1", "重型半挂牵引车", False),
        ("A2", "重型半挂牵引车", True),
        ("B2", "重型仓栅式货车", True),
        ("C1", "重型仓栅式货车", False),
        ("A1", "大型普通客车", True),
        ("B1", "大型普通客车", False),
        ("A1", "中型普通客车", True),
        ("C1", "普通二轮摩托车", False),
        ("C1E", "普通二轮摩托车", True),
        ("D", "轻便二轮摩托车", True),
        ("E", "普通三轮摩托车", False),
        ("C1", "三轮汽车", True),
        ("C3", "低速货车", True),
        ("C4", "低速货车", False),
        ("C6", "轻型牵引挂车", True),  # light tractor-trailer: C6, not A2's 挂车 rule
        ("C1", "轻型牵引挂车", False),
        ("A2", "轻型牵引挂车", True),
        ("C1", "中型普通客车", False),
        ("B1", "中型普通客车", True),
        ("C1", "轻型普通货车", True),
        ("C2", "低速货车", False),
        ("E", "普通二轮摩托车", True),
        ("D", "普通二轮摩托车", True),
    ],
)
def test_licence_allows_vehicle(licence: str, vehicle: str, allowed: bool) -> None:
    assert v.licence_allows_vehicle(licence, vehicle) is allowed


def test_unknown_vehicle_type_is_none() -> None:
    assert v.licence_allows_vehicle("C1", "飞行汽车") is None


def test_licence_validity() -> None:
    start, end = date(2020, 3, 5), date(2026, 3, 5)
    assert v.licence_valid_on(start, end, date(2024, 1, 1))
    assert v.licence_valid_on(start, end, end)
    assert not v.licence_valid_on(start, end, date(2026, 3, 6))
    assert not v.licence_valid_on(start, end, date(2020, 3, 4))
    assert v.licence_valid_on(start, None, date(2090, 1, 1))  # 长期


def test_licence_validity_period() -> None:
    assert v.licence_validity_period_ok(date(2020, 3, 5), date(2026, 3, 5))
    assert v.licence_validity_period_ok(date(2020, 3, 5), date(2030, 3, 5))
    assert v.licence_validity_period_ok(date(2020, 3, 5), None)
    assert v.licence_validity_period_ok(date(2020, 2, 29), date(2026, 2, 28))
    assert not v.licence_validity_period_ok(date(2020, 3, 5), date(2027, 3, 5))
    assert not v.licence_validity_period_ok(date(2020, 3, 5), date(2026, 3, 6))


def test_unreadable_licence_class_cannot_decide() -> None:
    assert v.licence_allows_vehicle("C7", "小型轿车") is None
    assert v.licence_allows_vehicle("", "小型轿车") is None


@pytest.mark.parametrize(
    "text", ["⑧壹佰元整", "x壹佰元整", "(⊗)壹佰元整", "人民币：壹佰元整", "壹佰圓整", "壹佰元正"]
)
def test_capital_amount_tolerates_marks_and_variants(text: str) -> None:
    assert v.chinese_capital_amount(text) == Decimal("100.00")


def test_capital_amount_variants() -> None:
    assert v.chinese_capital_amount("陸萬貳仟元整") == Decimal("62000.00")
    assert v.chinese_capital_amount("参佰元整") == Decimal("300.00")


def test_capital_amount_matches() -> None:
    assert v.capital_amount_matches("⊗壹仟壹佰叁拾元整", Decimal("1130.00"))
    assert not v.capital_amount_matches("⊗壹仟壹佰叁拾元整", Decimal("1130.01"))
    assert not v.capital_amount_matches("garbage", Decimal("1130.00"))


def test_id_number_born_in_the_future() -> None:
    future = "110105209901010010"
    future = future[:17] + v.id_check_char(future)
    assert v.id_number_ok(future)
    assert not v.id_number_ok(future, on=date(2025, 1, 1))
    assert v.id_number_ok("11010519491231002X", on=date(2025, 1, 1))


def test_taxpayer_ids_of_every_issued_form_are_checked() -> None:
    from autoclaim.ocr.validators import (
        id_check_char,
        org_code_check_char,
        taxpayer_id_problem,
        uscc_check_char,
    )

    uscc = "91110000100000000" + uscc_check_char("91110000100000000")
    assert taxpayer_id_problem(uscc) is None
    old = "110105" + "10000000" + org_code_check_char("10000000")  # 15 characters
    assert taxpayer_id_problem(old) is None  # not a credit code, and not invalid for that
    wrong_check = old[:14] + ("1" if old[14] != "1" else "2")
    assert "GB 11714" in (taxpayer_id_problem(wrong_check) or "")
    person = "11010519850314123" + id_check_char("11010519850314123") + "01"
    assert taxpayer_id_problem(person) is None
    assert "ID number" in (taxpayer_id_problem(person[:17] + "0" + "01") or "x")
    assert "16 characters" in (taxpayer_id_problem("1" * 16) or "")
