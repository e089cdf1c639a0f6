from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from autoclaim.ocr.engines import OcrLine, OcrWord
from autoclaim.ocr.parsers.receipt import (
    amounts_in,
    fix_confusables,
    fix_word_breaks,
    fold_latin_marks,
    parse_date,
    parse_receipt,
    tidy_company,
)
from tests.ocr.lines import layout

RECEIPT = [
    ["TAN WOON YANN"],
    ["SOON HUAT MACHINERY ENTERPRISE (JM0352019-K)"],
    ["(JM0352019-K)"],
    ["NO.53 JALAN PUTRA 1,"],
    ["TAMAN SRI PUTRA,"],
    ["81200 JOHOR BAHRU"],
    ["JOHOR"],
    ["TEL : 07-5547360"],
    ["GST ID : 002116837376"],
    ["CASH SALES"],
    ["Doc No.", "CS00004040", "Date: 11/01/2019"],
    ["REPAIR ENGINE POWER SPRAYER", "1", "80.00"],
    ["GIANT 606 OVERFLOW ASSY", "2", "247.00"],
    ["Sub Total", "", "327.00"],
    ["Total GST", "", "0.00"],
    ["Rounded Total (RM):", "", "327.00"],
    ["CASH", "", "400.00"],
    ["CHANGE", "", "73.00"],
    ["GST Summary", "Amount", "Tax"],
    ["Total:", "327.00", "0.00"],
]


def test_receipt_header_fields_by_position() -> None:
    parsed = parse_receipt(layout(RECEIPT, col_width=330))
    f = parsed.fields
    assert f["seller"].value == "SOON HUAT MACHINERY ENTERPRISE"
    assert f["address"].value == "NO.53 JALAN PUTRA 1, TAMAN SRI PUTRA, 81200 JOHOR BAHRU JOHOR"
    assert f["date"].value == "2019-01-11"
    assert f["date"].raw == "11/01/2019"
    assert f["total"].value == "327.00"
    assert f["total"].status == "valid"
    assert {c.name: c.passed for c in parsed.checks}["cash_minus_change_is_total"]
    assert [i.amount for i in parsed.line_items] == ["80.00", "247.00"]


def test_total_disagreeing_with_cash_and_change_is_flagged() -> None:
    rows = [r if r[0] != "CHANGE" else ["CHANGE", "", "70.00"] for r in RECEIPT]
    parsed = parse_receipt(layout(rows, col_width=330))
    assert parsed.fields["total"].status == "invalid"
    assert "cash 400.00 minus change 70.00" in parsed.fields["total"].reasons[0]


def test_total_falls_back_to_cash_minus_change_when_label_is_misread() -> None:
    rows = [
        ["KEDAI RUNCIT ABC SDN BHD"],
        ["12 JALAN MAWAR, 50000 KUALA LUMPUR"],
        ["ITEM A", "", "5.10"],
        ["lotai After Rounding", "", "85.10"],
        ["CASH", "", "100.10"],
        ["CHANGE", "", "15.00"],
    ]
    parsed = parse_receipt(layout(rows, col_width=330))
    assert parsed.fields["total"].value == "85.10"


def test_total_label_glued_to_a_misread_word() -> None:
    lines = layout([["ABC TRADING SDN BHD"], ["TotalSaies Inciucive GST:", "18.00"]], col_width=400)
    assert parse_receipt(lines).fields["total"].value == "18.00"


def test_missing_fields_say_so() -> None:
    parsed = parse_receipt(layout([["HELLO WORLD"]]))
    assert parsed.fields["total"].status == "missing"
    assert parsed.fields["date"].status == "missing"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Date: 25/12/2018 8:13:39 PM", date(2018, 12, 25)),
        ("25/12/20188: 13:39 PM", date(2018, 12, 25)),
        ("Date:09/02/1711:12", date(2017, 2, 9)),
        ("29-12-2017", date(2017, 12, 29)),
        ("05-02-18 18:38", date(2018, 2, 5)),
        ("2018-03-23", date(2018, 3, 23)),
        ("15 JAN 2019", date(2019, 1, 15)),
        ("no date here 12.50", None),
    ],
)
def test_receipt_dates(text: str, expected: date | None) -> None:
    found = parse_date(text)
    assert (found[1] if found else None) == expected


def test_amounts_accept_either_decimal_separator() -> None:
    assert [v for _, v in amounts_in("RM 4,00 and 1,234.50")] == [
        pytest.approx(4),
        pytest.approx(1234.5),
    ]


def test_company_suffix_glued_to_name_and_reg_number_dropped() -> None:
    assert tidy_company("KING'S CONFECTIONERYS/B 273500-U (KSB)") == "KING'S CONFECTIONERY S/B"


def test_misread_company_suffix_and_reg_line_as_seller() -> None:
    assert tidy_company("99 SPEED MARTS/D (519537-X)") == "99 SPEED MART S/B"
    lines = layout([["COMPANY REG NO.: 75495-W"], ["GL HANDICRAFT & TAILORING"], ["TOTAL", "9.00"]])
    assert parse_receipt(lines).fields["seller"].value == "GL HANDICRAFT & TAILORING"


def test_address_words_run_together_are_split() -> None:
    assert fix_word_breaks("19,JALANKANCIL, 40.300 SHAH ALAM, SELANGORD.E.") == (
        "19,JALAN KANCIL, 40300 SHAH ALAM, SELANGOR D.E."
    )
    assert fix_word_breaks("DAMANSARAUTAMA") == "DAMANSARA UTAMA"


def test_confusables_fixed_by_context() -> None:
    assert fix_confusables("L0T 8110O JOHOR, C0. SAN BHD") == "LOT 81100 JOHOR, CO. SDN BHD"
    assert fix_confusables("BEMED SAN. BHD.") == "BEMED SDN. BHD."


def test_total_is_cash_minus_change_when_only_a_gst_summary_total_is_read() -> None:
    rows = [
        ["ASO ELECTRICAL TRADING SDN BHD"],
        ["NO 31G, JALAN SEPADU, 40400 SHAH ALAM"],
        ["CABLE 2.5MM", "", "93.40"],
        ["Total :", "", ""],
        ["CASH :", "", "100.00"],
        ["Change :", "", "1.00"],
        ["GST Summary", "Amount", "Tax"],
        ["Total :", "93.40", "5.60"],
    ]
    total = parse_receipt(layout(rows, col_width=330)).fields["total"]
    assert total.value == "99.00"
    assert "computed as cash" in total.reasons[0]


def test_total_shifted_a_row_by_perspective_is_settled_by_arithmetic() -> None:
    """The amount beside TOTAL belongs to the CASH row; the one a row up is the total
    (subtotal + tax and cash - change both give it)."""
    lines = layout(
        [
            ["ABC AUTO PARTS SDN BHD"],
            ["SUBTOTAL", "441.27"],
            ["SST 6%", "26.48"],
            ["", "467.75"],
            ["TOTAL AMOUNT", "470.00"],
            ["CASH", "2.25"],
            ["CHANGE"],
        ],
        col_width=330,
    )
    assert parse_receipt(lines).fields["total"].value == "467.75"


def test_address_skips_a_date_printed_under_the_name() -> None:
    rows = [
        ["KEDAI MAJU JAYA SDN BHD"],
        ["15 MAY 2018 18:43"],
        ["(867388-U)"],
        ["12, JALAN MAWAR 3,KAWASAN PERINDUSTRIAN"],
        ["MELATI,81200 JOHOR BAHRU,JOHOR"],
        ["TAX INVOICE"],
    ]
    fields = parse_receipt(layout(rows)).fields
    assert fields["address"].value == (
        "12, JALAN MAWAR 3,KAWASAN PERINDUSTRIAN MELATI,81200 JOHOR BAHRU,JOHOR"
    )
    assert fields["date"].value == "2018-05-15"


def test_address_goes_on_after_a_postcode_that_ends_its_line() -> None:
    rows = [
        ["KEDAI MAJU JAYA SDN BHD"],
        ["NO: G3, BLK G, JLN PJU 1A/3,"],
        ["ARA DAMANSARA, 47301"],
        ["PETALING JAYA, SELANGOR DARUL EHSAN."],
        ["TEL: 03-7832 6929"],
    ]
    address = parse_receipt(layout(rows)).fields["address"].value
    assert address == (
        "NO: G3, BLK G, JLN PJU 1A/3, ARA DAMANSARA, 47301 PETALING JAYA, SELANGOR DARUL EHSAN."
    )


def test_address_stops_at_a_name_after_the_postcode_line() -> None:
    rows = [
        ["KEDAI MAJU JAYA SDN BHD"],
        ["NO 8, JALAN 7/118B, DESA TUN RAZAK"],
        ["56000 KUALA LUMPUR"],
        ["AEON BRANCH OUTLET"],
        ["TEL: 03-7832 6929"],
    ]
    address = parse_receipt(layout(rows)).fields["address"].value
    assert address == "NO 8, JALAN 7/118B, DESA TUN RAZAK 56000 KUALA LUMPUR"


def test_address_line_running_into_the_phone_number_keeps_the_address_part() -> None:
    rows = [
        ["MOONLIGHT CAKE HOUSE SDN BHD"],
        ["NO.1, JALAN PERMAS 10/5, BANDAR BARU PERMAS JAYA"],
        ["81750 JOHOR BAHRU, JOHOR, TEL NO.: 07-387 3322"],
        ["TABLE 3"],
    ]
    address = parse_receipt(layout(rows)).fields["address"].value
    # The separator after the state ends the address: its full stop, read as a comma.
    assert address == "NO.1, JALAN PERMAS 10/5, BANDAR BARU PERMAS JAYA 81750 JOHOR BAHRU, JOHOR."
    rows[2] = ["81750 JOHOR BAHRU, TAMAN PERMAS, TEL NO.: 07-387 3322"]  # not a state: dropped
    assert parse_receipt(layout(rows)).fields["address"].value.endswith("TAMAN PERMAS")


def test_bracket_before_a_tax_number_is_not_part_of_the_address() -> None:
    rows = [
        ["KEDAI MAJU JAYA SDN BHD"],
        ["LOT 1851-A, JALAN KPB 6,"],
        ["43300 SERI KEMBANGAN, SELANGOR"],
        ["(GST REG NO: 000306020352)"],
    ]
    address = parse_receipt(layout(rows)).fields["address"].value
    assert address == "LOT 1851-A, JALAN KPB 6, 43300 SERI KEMBANGAN, SELANGOR"


def test_seller_cut_into_two_boxes_on_one_row_is_joined() -> None:
    rows = [
        ["SWC ENTERPRISE", "SDN BHD"],
        ["(1125830-V)"],
        ["5-7, JALAN MAHAGONI 7/1"],
        ["44300 BATANG KALI, SELANGOR"],
    ]
    lines = layout(rows)
    lines[1] = replace(lines[1], box=(lines[1].box[0], lines[1].box[1] - 2, *lines[1].box[2:]))
    assert parse_receipt(lines).fields["seller"].value == "SWC ENTERPRISE SDN BHD"


def test_digits_misread_as_i_inside_numbers() -> None:
    assert fix_confusables("LOT P.T. 28II, BATU 1I KAMPUNG") == "LOT P.T. 2811, BATU 11 KAMPUNG"


def test_address_words_misread_are_corrected() -> None:
    rows = [
        ["KEDAI MAJU JAYA SDN BHD"],
        ["LOT 3, JALAN PELABUR 23/1,"],
        ["40300 SHAH ALAN, SETANGOR."],
        ["TEL: 03-5542 3228"],
    ]
    address = parse_receipt(layout(rows)).fields["address"].value
    assert address == "LOT 3, JALAN PELABUR 23/1, 40300 SHAH ALAM, SELANGOR."


def test_address_lines_are_read_row_by_row() -> None:
    """One printed row cut in two boxes, the right one a little higher: left part first."""
    rows = [["DOMMAL FOOD SERVICES SDN BHD"], ["D-08, M AVENUE", ", JLN 1 / 38A"]]
    lines = layout(rows)
    right = lines[2]
    lines[2] = replace(right, box=(right.box[0], right.box[1] - 3, right.box[2], right.box[3] - 3))
    lines += layout([[""], [""], ["51200 KUALA LUMPUR"]])
    address = parse_receipt(lines).fields["address"].value
    assert address == "D-08, M AVENUE , JLN 1 / 38A 51200 KUALA LUMPUR"


def test_bracketed_line_under_the_name_is_not_the_address() -> None:
    rows = [
        ["POPULAR BOOK CO. (M) SDN BHD"],
        ["(C). NO. 1382!. -W)"],
        ["NO 8, JALAN 7/118B, DESA TUN RAZAK"],
        ["56000 KUALA LUMPUR"],
        ["TE1:017-7765076 / 7765987"],
    ]
    address = parse_receipt(layout(rows)).fields["address"].value
    assert address == "NO 8, JALAN 7/118B, DESA TUN RAZAK 56000 KUALA LUMPUR"


def test_misread_phone_label_ends_the_address() -> None:
    rows = [
        ["KEDAI MAJU JAYA SDN BHD"],
        ["NO 8, JALAN 7/118B,"],
        ["DESA TUN RAZAK KUALA LUMPUR"],
        ["TE1:017-7765076 / 7765987"],
    ]
    address = parse_receipt(layout(rows)).fields["address"].value
    assert address == "NO 8, JALAN 7/118B, DESA TUN RAZAK KUALA LUMPUR"


def test_label_before_a_registration_number_is_not_kept_as_address_tail() -> None:
    rows = [
        ["GL HANDICRAFT & TAILORING"],
        ["19, JALAN KANCIL,"],
        ["OFF JALAN PUDU,"],
        ["KUALA LUMPUR MALAYSIA"],
        ["COMPANY REG NO. :75495-V"],
    ]
    address = parse_receipt(layout(rows)).fields["address"].value
    assert address == "19, JALAN KANCIL, OFF JALAN PUDU, KUALA LUMPUR MALAYSIA"


def test_numbered_line_between_postcode_line_and_phone_belongs_to_the_address() -> None:
    rows = [
        ["99 SPEED MART S/B (519537-X)"],
        ["LOT P.T. 2811, JALAN ANGSA,"],
        ["TAMAN BERKELEY"],
        ["41150 KLANG, SELANGOR"],
        ["1245-DESA SRI HARTAMAS"],
        ["GST ID.NO:000181747712"],
    ]
    address = parse_receipt(layout(rows)).fields["address"].value
    assert address == (
        "LOT P.T. 2811, JALAN ANGSA, TAMAN BERKELEY 41150 KLANG, SELANGOR 1245-DESA SRI HARTAMAS"
    )


def test_second_postcode_line_above_the_phone_belongs_to_the_address() -> None:
    rows = [
        ["GH DISTRIBUTOR & MARKETING SDN BHD"],
        ["95, BEACH ROAD, 10300 PENANG."],
        ["10400 PENANG."],
        ["TEL: 04-262 0635"],
    ]
    address = parse_receipt(layout(rows)).fields["address"].value
    assert address == "95, BEACH ROAD, 10300 PENANG. 10400 PENANG."


def test_company_suffix_with_b_misread() -> None:
    assert tidy_company("DIGI TELECOMMUNICATIONS SDN EHD") == "DIGI TELECOMMUNICATIONS SDN BHD"
    assert tidy_company("ABC SDN. 8HD.") == "ABC SDN. BHD."


def test_name_line_in_the_same_type_right_above_the_company_line_is_part_of_it() -> None:
    rows = [
        ["GHEE HIANG"],
        ["GH DISTRIBUTOR & MARKETING SDN BHD"],
        ["95, BEACH ROAD, 10300 PENANG."],
    ]
    lines = layout(rows, row_height=30)
    lines[0] = replace(lines[0], box=(*lines[0].box[:3], lines[0].box[3] + 8))  # touching
    assert parse_receipt(lines).fields["seller"].value == (
        "GHEE HIANG GH DISTRIBUTOR & MARKETING SDN BHD"
    )


def test_logo_line_above_the_company_line_is_not_part_of_it() -> None:
    rows = [["MYDIN MART"], ["MYDIN MART SDN BHD"], ["4-20, JALAN RIA 25/62"]]
    lines = layout(rows, row_height=30)
    logo = lines[0]  # twice the height of the name under it
    lines[0] = replace(logo, box=(logo.box[0], logo.box[1] - 32, logo.box[2], logo.box[3] + 8))
    assert parse_receipt(lines).fields["seller"].value == "MYDIN MART SDN BHD"


def test_proprietor_name_above_the_company_line_is_not_part_of_it() -> None:
    rows = [["TAN WOON YANN"], ["SOON HUAT MACHINERY ENTERPRISE"], ["NO.53 JALAN PUTRA 1,"]]
    lines = layout(rows, row_height=30)
    lines[0] = replace(lines[0], box=(*lines[0].box[:3], lines[0].box[3] + 8))
    assert parse_receipt(lines).fields["seller"].value == "SOON HUAT MACHINERY ENTERPRISE"


def test_company_name_over_three_lines_is_read_whole() -> None:
    """ENTERPRISE cannot begin a name (the line above holds its start) and an open
    parenthesis runs on to the line below."""
    rows = [
        ["AIK HUAT HARDWARE"],
        ["ENTERPRISE (SETIA"],
        ["ALAM) SDNBHU"],
        ["NO. 17-G, JALAN SETIA INDAH (X) U13/X,"],
    ]
    assert parse_receipt(layout(rows)).fields["seller"].value == (
        "AIK HUAT HARDWARE ENTERPRISE (SETIA ALAM) SDN BHD"
    )


def test_open_parenthesis_in_a_company_name_runs_on_to_the_next_line() -> None:
    rows = [["KEDAI ABC ENTERPRISE (TAMAN"], ["MELATI) SDN BHD"], ["NO. 1, JALAN MELATI"]]
    assert parse_receipt(layout(rows)).fields["seller"].value == (
        "KEDAI ABC ENTERPRISE (TAMAN MELATI) SDN BHD"
    )


def test_larger_logo_above_a_line_starting_with_enterprise_is_not_joined() -> None:
    rows = [["AIK HUAT"], ["ENTERPRISE SDN BHD"], ["NO. 17-G, JALAN SETIA INDAH"]]
    lines = layout(rows, row_height=30)
    logo = lines[0]  # twice the height of the name under it
    lines[0] = replace(logo, box=(logo.box[0], logo.box[1] - 32, logo.box[2], logo.box[3]))
    assert parse_receipt(lines).fields["seller"].value == "ENTERPRISE SDN BHD"


def test_total_without_a_readable_label_is_the_largest_amount_printed_twice() -> None:
    rows = [
        ["KING'S CONFECTIONERY S/B"],
        ["BREAD", "", "6.40"],
        ["CAKE", "", "18.75"],
        ["Qty 8", "", "25.15"],
        ["Fay", "", "25.15"],
        ["Chanqe", "", "0.00"],
    ]
    total = parse_receipt(layout(rows, col_width=330)).fields["total"]
    assert total.value == "25.15"
    assert total.status == "invalid"  # a guess, flagged for review


def test_date_missed_by_rapidocr_is_read_from_the_tesseract_words_on_the_line() -> None:
    label = OcrLine(
        "Date",
        (40, 460, 110, 490),
        0.9,
        words=(OcrWord(": 25 May 2017", (40, 460, 110, 490), 0.8),),
    )
    lines = [*layout([["SEGI CASH & CARRY SDN. BHD."]]), label]
    assert parse_receipt(lines).fields["date"].value == "2017-05-25"


def test_total_shifted_off_its_label_row_with_nothing_beside_the_label() -> None:
    """Perspective lifted every amount half a row: TOTAL has no amount on its row; the one
    above it is subtotal + tax."""
    lines = layout([["ABC AUTO PARTS SDN BHD"]])
    y = 100
    for label, amount in [("SUBTOTAL", "405.22"), ("SST 6%", "24.31"), ("TOTAL (RM)", "429.53")]:
        lines.append(OcrLine(label, (20, y, 200, y + 30), 0.9))
        lines.append(OcrLine(amount, (400, y - 20, 480, y + 10), 0.9))
        y += 40
    assert parse_receipt(lines).fields["total"].value == "429.53"


def test_space_before_the_full_stop_ending_a_line_is_dropped() -> None:
    rows = [
        ["KEDAI MAJU JAYA SDN BHD"],
        ["NO. 63, LORONG SETIA 14,"],
        ["58200 KUALA LUMPUR, WILAYAH PERSEKUTUAN ."],
        ["TEL: 03-7832 6929"],
    ]
    address = parse_receipt(layout(rows)).fields["address"].value
    assert address == "NO. 63, LORONG SETIA 14, 58200 KUALA LUMPUR, WILAYAH PERSEKUTUAN."


def test_space_printed_before_a_comma_is_kept() -> None:
    rows = [
        ["SANYU STATIONERY SHOP"],
        ["NO. 31G&33G, JALAN SETIA INDAH X ,U13/X"],
        ["40170 SETIA ALAM"],
        ["TEL: +603-3362 4137"],
    ]
    address = parse_receipt(layout(rows)).fields["address"].value
    assert address == "NO. 31G&33G, JALAN SETIA INDAH X ,U13/X 40170 SETIA ALAM"


def test_total_paid_exactly_is_the_labelled_amount_after_rounding() -> None:
    rows = [
        ["ONE ONE THREE SEAFOOD RESTAURANT SDN BHD"],
        ["NO.1, TAMAN SRI DENGKIL, 43800 DENGKIL, SELANGOR."],
        ["Total (Excluding GST):", "", "62.00"],
        ["Total (Inclusive of GST):", "", "65.72"],
        ["Rounding Adj", "", "-0.02"],
        ["TOTAL:", "", "65.70"],
        ["CASH :", "", "65.70"],
    ]
    assert parse_receipt(layout(rows, col_width=330)).fields["total"].value == "65.70"


def test_tax_total_of_the_gst_summary_is_not_the_total() -> None:
    rows = [
        ["KEDAI RUNCIT ABC SDN BHD"],
        ["12 JALAN MAWAR, 50000 KUALA LUMPUR"],
        ["SUB-TOTAL (GST)", "", "2.50"],
        ["CASH", "", "10.00"],
        ["CHANGE"],  # its amount not read
        ["GST SUMMARY"],
        ["SR", "2.36", "0.14"],
        ["TAX TOTAL:", "", "0.14"],
        ["TOTAL QTY: 1", "", "2.50"],
    ]
    assert parse_receipt(layout(rows, col_width=330)).fields["total"].value == "2.50"


def test_company_suffix_with_d_read_as_a_dot_and_a_stray_colon() -> None:
    assert tidy_company("SEAFOOD RESTAURANT SDN BH.") == "SEAFOOD RESTAURANT SDN BHD"
    assert tidy_company("THE: TOAST F&B SDN BHD") == "THE TOAST F&B SDN BHD"
    assert tidy_company("SEGI CASH & CARRY SDN. BHD.") == "SEGI CASH & CARRY SDN. BHD."


def test_lot_number_of_five_digits_is_not_the_postcode() -> None:
    rows = [
        ["LEONG HENG SHELL SERVICE STATION"],
        ["LOT 26151 BANDAR SG LONG,"],
        ["11 1/4 MILES CHERAS,"],
        ["43000 KAJANG, SELANGOR"],
        ["Site : 2188"],
        ["Telephone : 03-90805318"],
    ]
    address = parse_receipt(layout(rows)).fields["address"].value
    assert address == "LOT 26151 BANDAR SG LONG, 11 1/4 MILES CHERAS, 43000 KAJANG, SELANGOR"


def test_word_after_sdn_one_letter_off_is_bhd() -> None:
    assert (
        tidy_company("ONE THREE SEAFOOD RESTAURANT SDN DH.")
        == "ONE THREE SEAFOOD RESTAURANT SDN BHD"
    )
    assert tidy_company("ABC TRADING SDN BH") == "ABC TRADING SDN BHD"
    assert tidy_company("ABC TRADING SDN BHD") == "ABC TRADING SDN BHD"
    assert tidy_company("ABC TRADING SDN XYZ") == "ABC TRADING SDN XYZ"  # not a misread of BHD


def test_latin_marks_the_recogniser_adds_are_dropped() -> None:
    rows = [
        ["GARDENIA BAKERIES (KL) SDN BHD"],
        ["LOT 3, JALAN PELABUR 23/1,"],
        ["40300 SHAH ALAM, SÉLANGOR."],
        ["Tel : 03-55423228"],
    ]
    fields = parse_receipt(layout(rows)).fields
    assert fields["address"].value == "LOT 3, JALAN PELABUR 23/1, 40300 SHAH ALAM, SELANGOR."
    assert fold_latin_marks("ŞSEKSYEN ìN 家") == "SSEKSYEN iN 家"


def test_address_printed_above_the_operating_company() -> None:
    rows = [
        ["TAX INVOICE"],
        ["BHPetrol Permas Jaya 2"],
        ["LOT PTD 101051"],
        ["Jalan Permas 10/10"],
        ["81750 Masai, Johor"],
        ["Esjay Fuel Enterprise"],
        ["CO. REG. NO: 001011128-T"],
        ["GST REG. NO: 000153358336"],
    ]
    fields = parse_receipt(layout(rows)).fields
    assert fields["seller"].value == "ESJAY FUEL ENTERPRISE"
    assert fields["address"].value == "LOT PTD 101051 JALAN PERMAS 10/10 81750 MASAI, JOHOR"


def test_hp_inside_a_word_does_not_end_the_address() -> None:
    rows = [
        ["KEDAI RUNCIT BHP ENTERPRISE"],
        ["NO 5, JALAN BHP 2,"],
        ["81750 MASAI, JOHOR"],
        ["H/P: 012-3456789"],
    ]
    assert parse_receipt(layout(rows)).fields["address"].value == (
        "NO 5, JALAN BHP 2, 81750 MASAI, JOHOR"
    )


def test_a_hyphen_read_twice_in_an_address_is_one() -> None:
    rows = [["TRI SHAAS SDN BHD"], ["4--20, JALAN RIA 25/62"], ["40400 SHAH ALAM SELANGOR"]]
    assert parse_receipt(layout(rows)).fields["address"].value == (
        "4-20, JALAN RIA 25/62 40400 SHAH ALAM SELANGOR"
    )


def test_a_cash_bill_title_is_not_where_the_payment_is_printed() -> None:
    """The payment line is the CASH line with an amount; the totals above it stand even
    when the change is misread (9.00 for 1.00)."""
    rows = [
        ["BOOK TA .K (TAMAN DAYA) SDN BHD"],
        ["CASH BILL"],
        ["ITEM", "QTY", "AMOUNT"],
        ["EXERCISE BOOK", "9", "9.00"],
        ["Total :", "", "9.00"],
        ["Rounded Total (RM):", "", "9.00"],
        ["Cash", "", "10.00"],
        ["CHANGE", "", "9.00"],
    ]
    total = parse_receipt(layout(rows)).fields["total"]
    assert total.value == "9.00"
    assert "cash 10.00 minus change 9.00 is not the total 9.00" in total.reasons


# A restaurant bill down to its grand total (receipt 409), before a rounding adjustment and
# the net total.
RESTAURANT_BILL = [
    ["KOI RESTAURANT SDN BHD"],
    ["Qty Description", "", "Amount"],
    ["1 UROKO SALAD @ 28.00", "", "28.00 SR"],
    ["1 NIKU SHOGAYAKI SET @", "", "38.68 SR"],
    ["2 GREEN TEA @ 1.00", "", "2.00 SR"],
    ["Total :", "", "74.68"],
    ["Service Chg 10.00% :", "", "7.47"],
    ["GST :", "", "4.93"],
    ["Grand Total :", "", "87.08"],
]


def test_a_nearby_amount_smaller_than_an_item_is_not_the_total() -> None:
    """GRAND TOTAL's amount has no two-amount support (it is total + service + GST), and the
    GST a row above happens to be a difference of two amounts below (87.16 - 82.23): still
    not the total, since items above cost more."""
    rows = [
        *RESTAURANT_BILL,
        ["Net Total :", "", "87.16"],
        ["GST Summary", "Amount(RM)", "Tax(RM)"],
        ["SR @ 6%", "82.23", "4.93"],
    ]
    assert parse_receipt(layout(rows)).fields["total"].value == "87.08"


def test_a_lone_date_with_one_separator_read_as_a_space() -> None:
    rows = [
        ["SANYU STATIONERY SHOP"],
        ["INVOICE NO : 18299/102/T0230"],
        ["", "05 02-18"],
        ["Total Sales (Inclusive GST)", "RM 141.50"],
        ["Table 12 34"],  # not a date: only a whole line of day, month and year counts
    ]
    assert parse_receipt(layout(rows)).fields["date"].value == "2018-02-05"
    assert parse_receipt(layout(rows[:2] + rows[3:])).fields["date"].value is None


def test_an_address_ending_in_its_state_and_a_comma_ends_with_a_full_stop() -> None:
    """The faint final dot read as a comma; a comma after a street or town is kept."""
    rows = [["TRI SHAAS SDN BHD"], ["4, JALAN RIA 25/62,"], ["40400 SHAH ALAM, SELANGOR,"]]
    assert parse_receipt(layout(rows)).fields["address"].value == (
        "4, JALAN RIA 25/62, 40400 SHAH ALAM, SELANGOR."
    )
    rows = [["TRI SHAAS SDN BHD"], ["4, JALAN RIA 25/62,"], ["KAWASAN BUKIT SERDANG,"]]
    assert parse_receipt(layout(rows)).fields["address"].value.endswith("SERDANG,")


def test_a_misread_rounded_total_is_settled_by_the_rounding_adjustment() -> None:
    """87.16 cannot follow a 5-sen rounding; 87.08 + 0.02 = 87.10 can."""
    rows = [*RESTAURANT_BILL, ["Rounding Adjustment:", "", "0.02"], ["Net Total :", "", "87.16"]]
    total = parse_receipt(layout(rows)).fields["total"]
    assert total.value == "87.10"
    assert "rounding" in " ".join(total.reasons)
    rows[-1] = ["Net Total :", "", "87.10"]  # read right: kept as read
    assert parse_receipt(layout(rows)).fields["total"].value == "87.10"
    rows[-2] = ["Rounding Adjustment:", "", "0.04"]  # neither sum is a 5-sen total: kept
    rows[-1] = ["Net Total :", "", "87.16"]
    assert parse_receipt(layout(rows)).fields["total"].value == "87.08"  # as before
    rows[-2] = ["Rounding Adjustment:", "", "0.12"]  # not a rounding adjustment: kept
    assert parse_receipt(layout(rows)).fields["total"].value == "87.08"


def test_total_inclusive_gst_with_total_cut_off_is_the_total() -> None:
    """The faint TOTAL at the line's start is lost and INCLUSIVE misread (Indlusive)."""
    rows = [
        ["BEMED (SP) SDN. BHD."],
        ["PRISTIN OMEGA-3 FISH OIL", "300.00", "300.00"],
        ["ALPHA LIPID LIFE LINE", "330.00", "330.00"],
        ["DERMAPRO OINT 15G", "5.00", "5.00"],
        ["SubTotal:", "", "835.00"],
        ["al Indlusive GST:", "", "635.00"],
        ["ZRL", "5.00", "0.00"],
    ]
    assert parse_receipt(layout(rows)).fields["total"].value == "635.00"


def test_a_lone_underscore_in_a_company_name_is_a_dot() -> None:
    rows = [["BOOK TA _K (TAMAN DAYA) SDN BHD"], ["NO.53, JALAN SAGU 18, 81100 JOHOR BAHRU"]]
    assert parse_receipt(layout(rows)).fields["seller"].value == "BOOK TA .K (TAMAN DAYA) SDN BHD"
