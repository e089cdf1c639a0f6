from __future__ import annotations

from dataclasses import replace

from autoclaim.ocr.engines import OcrLine
from autoclaim.ocr.parsers.chinese import (
    parse_driver_licence,
    parse_invoice,
    parse_vehicle_licence,
)
from tests.ocr.lines import layout, valid_id, valid_uscc, valid_vin


def vehicle_licence_lines(vin: str, register: str = "2015-03-02") -> list[OcrLine]:
    return layout(
        [
            ["中华人民共和国机动车行驶证"],
            ["号牌号码", "京A·12345", "车辆类型", "小型轿车"],
            ["所有人", "张三"],
            ["住址", "北京市朝阳区建国路88号"],
            ["使用性质", "非营运", "品牌型号", "大众牌FV7152"],
            ["车辆识别代号", vin],
            ["发动机号码", "CSS123456"],
            ["注册日期", register, "发证日期", "2015年03月02日"],
        ]
    )


def test_vehicle_licence_fields_are_read_by_label_position() -> None:
    vin = valid_vin()
    parsed = parse_vehicle_licence(vehicle_licence_lines(vin))
    f = parsed.fields
    assert f["plate"].value == "京A12345"
    assert f["plate"].status == "valid"
    assert f["vehicle_type"].value == "小型轿车"
    assert f["owner"].value == "张三"
    assert f["address"].value == "北京市朝阳区建国路88号"
    assert f["use_character"].value == "非营运"
    assert f["model"].value == "大众牌FV7152"
    assert f["vin"].value == vin
    assert f["vin"].status == "valid"
    assert f["engine_no"].value == "CSS123456"
    assert f["register_date"].value == "2015-03-02"
    assert f["issue_date"].value == "2015-03-02"
    assert f["vin"].box is not None
    assert all(c.passed for c in parsed.checks)


def test_vehicle_licence_bad_vin_check_digit_lowers_confidence() -> None:
    good = valid_vin()
    bad = good[:8] + ("1" if good[8] != "1" else "2") + good[9:]
    parsed = parse_vehicle_licence(vehicle_licence_lines(bad))
    vin = parsed.fields["vin"]
    assert vin.status == "invalid"
    assert "check digit" in vin.reasons[0]
    assert vin.confidence < 0.95 * 0.6


def test_vehicle_licence_dates_out_of_order_fail_the_check() -> None:
    lines = vehicle_licence_lines(valid_vin(), register="2019-03-02")
    parsed = parse_vehicle_licence(lines)
    assert not parsed.checks[0].passed
    assert parsed.fields["issue_date"].status == "invalid"


def driver_licence_lines(number: str, birth: str = "1985-03-14") -> list[OcrLine]:
    return layout(
        [
            ["中华人民共和国机动车驾驶证"],
            ["证号", number],
            ["姓名", "李四", "性别", "男", "国籍", "中国"],
            ["住址", "上海市浦东新区世纪大道100号"],
            ["出生日期", birth],
            ["初次领证日期", "2005-06-01"],
            ["准驾车型", "C1"],
            ["有效期限", "2015-06-01至2025-06-01"],
        ]
    )


def test_driver_licence_fields_and_id_checks() -> None:
    number = valid_id()
    parsed = parse_driver_licence(driver_licence_lines(number))
    f = parsed.fields
    assert f["licence_no"].value == number
    assert f["licence_no"].status == "valid"
    assert f["name"].value == "李四"
    assert f["sex"].value == "男"
    assert f["nationality"].value == "中国"
    assert f["birth_date"].value == "1985-03-14"
    assert f["first_issue_date"].value == "2005-06-01"
    assert f["licence_class"].value == "C1"
    assert f["valid_from"].value == "2015-06-01"
    assert f["valid_until"].value == "2025-06-01"
    assert all(c.passed for c in parsed.checks), parsed.checks


def test_driver_licence_invalid_id_check_char_and_birth_mismatch() -> None:
    number = valid_id()
    bad = number[:17] + ("0" if number[17] != "0" else "1")
    parsed = parse_driver_licence(driver_licence_lines(bad, birth="1986-03-14"))
    assert parsed.fields["licence_no"].status == "invalid"
    assert "check character" in parsed.fields["licence_no"].reasons[0]
    birth_check = next(c for c in parsed.checks if c.name == "birth_date_in_id_number")
    assert not birth_check.passed
    assert parsed.fields["birth_date"].status == "invalid"


def invoice_lines(
    seller_id: str, total: str = "1130.00", capital: str = "壹仟壹佰叁拾圆整"
) -> list[OcrLine]:
    return layout(
        [
            ["机动车维修增值税普通发票", "发票代码", "011001900111"],
            ["", "发票号码", "12345678"],
            ["", "开票日期", "2024年05月06日"],
            ["购买方", "名称", "王五"],
            ["", "纳税人识别号", valid_uscc("91310000200000000")],
            ["货物或应税劳务、服务名称", "数量", "金额", "税额"],
            ["*维修*前保险杠喷漆", "1", "600.00", "78.00"],
            ["*修理*更换大灯", "1", "400.00", "52.00"],
            ["合计", "", "¥1000.00", "¥130.00"],
            ["价税合计(大写)", capital, "(小写)¥" + total],
            ["销售方", "名称", "北京某某汽车维修有限公司"],
            ["", "纳税人识别号", seller_id],
            ["车牌号", "京B54321", "车架号", valid_vin()],
        ],
        col_width=300,
    )


def test_repair_invoice_fields_totals_and_items() -> None:
    seller_id = valid_uscc()
    parsed = parse_invoice(invoice_lines(seller_id), repair=True)
    f = parsed.fields
    assert f["invoice_code"].value == "011001900111"
    assert f["invoice_no"].value == "12345678"
    assert f["date"].value == "2024-05-06"
    assert f["buyer"].value == "王五"
    assert f["buyer_tax_id"].value == valid_uscc("91310000200000000")
    assert f["seller"].value == "北京某某汽车维修有限公司"
    assert f["seller_tax_id"].value == seller_id
    assert f["seller_tax_id"].status == "valid"
    assert f["amount"].value == "1000.00"
    assert f["tax"].value == "130.00"
    assert f["total"].value == "1130.00"
    assert f["total_capital"].value == "壹仟壹佰叁拾圆整"
    assert f["plate"].value == "京B54321"
    assert f["vin"].value == valid_vin()
    assert [i.amount for i in parsed.line_items] == ["600.00", "400.00"]
    assert {c.name: c.passed for c in parsed.checks} == {
        "amount_plus_tax_is_total": True,
        "capitals_equal_total": True,
        "line_items_sum": True,
    }


def test_invoice_inconsistent_totals_and_bad_tax_id_are_flagged() -> None:
    seller_id = valid_uscc()
    bad_id = seller_id[:17] + ("0" if seller_id[17] != "0" else "1")
    parsed = parse_invoice(
        invoice_lines(bad_id, total="1200.00", capital="壹仟壹佰叁拾圆整"), repair=False
    )
    f = parsed.fields
    assert f["seller_tax_id"].status == "invalid"
    checks = {c.name: c.passed for c in parsed.checks}
    assert checks["amount_plus_tax_is_total"] is False
    assert checks["capitals_equal_total"] is False
    assert f["total"].status == "invalid"
    assert any("total" in r for r in f["total"].reasons)
    assert "plate" not in f  # VAT invoices carry no plate field


def test_bilingual_labels_joined_or_misread_by_ocr_are_dropped() -> None:
    lines = layout(
        [
            ["中华人民共和国机动车驾驶证"],
            ["证号", valid_id()],
            ["姓名", "Name李四", "国籍", "Nationalty中国"],
            ["准驾车型", "CB2"],
            ["有效期限", "2015-06-01至长期"],
        ]
    )
    f = parse_driver_licence(lines).fields
    assert f["name"].value == "李四"
    assert f["nationality"].value == "中国"
    assert f["licence_class"].value == "B2"
    assert f["valid_until"].value == "长期"


def test_plate_separator_misread_as_i_is_dropped() -> None:
    lines = vehicle_licence_lines(valid_vin())
    lines[2] = OcrLine("川IAD16695", lines[2].box, 0.9)  # the value beside 号牌号码
    assert parse_vehicle_licence(lines).fields["plate"].value == "川AD16695"


def test_skewed_sum_row_is_settled_by_the_capital_total() -> None:
    """On a skewed scan the 合计 amounts sit off their label's row and 合 is lost; the pair
    that adds up to the total in capitals is taken."""
    lines = []
    for line in invoice_lines(valid_uscc()):
        if line.text == "合计":
            line = OcrLine("计", line.box, line.confidence)
        elif line.text in ("¥1000.00", "¥130.00"):
            x0, y0, x1, y1 = line.box
            line = OcrLine(line.text, (x0, y0 - 22, x1, y1 - 22), line.confidence)
        lines.append(line)
    f = parse_invoice(lines, repair=True).fields
    assert (f["amount"].value, f["tax"].value, f["total"].value) == ("1000.00", "130.00", "1130.00")


def test_english_label_joined_to_the_chinese_one_is_not_the_value() -> None:
    """`住址Address` on one line, the address in the next box on the row."""
    lines = layout(
        [
            ["中华人民共和国机动车驾驶证"],
            ["证号License No.", valid_id()],
            ["住址Address", "江苏省苏州市虎丘区和平路199号"],
            ["准驾车型", "class", "C1"],
            ["有效期限", "2015-06-01至2025-06-01"],
        ]
    )
    fields = parse_driver_licence(lines).fields
    assert fields["address"].value == "江苏省苏州市虎丘区和平路199号"
    assert fields["licence_class"].value == "C1"


def test_pattern_value_is_found_after_a_misread_english_label_on_the_row() -> None:
    lines = layout([["中华人民共和国机动车驾驶证"], ["准驾车型", "-chass", "C1"]], col_width=200)
    assert parse_driver_licence(lines).fields["licence_class"].value == "C1"


def test_invoice_amount_and_tax_found_near_the_total_row_when_the_sum_label_is_missed() -> None:
    lines = [ln for ln in invoice_lines(valid_uscc()) if ln.text != "合计"]
    fields = parse_invoice(lines, repair=True).fields
    assert (fields["amount"].value, fields["tax"].value) == ("1000.00", "130.00")


def test_invoice_date_label_with_one_character_misread() -> None:
    lines = [
        replace(ln, text="开禁日期") if ln.text == "开票日期" else ln
        for ln in invoice_lines(valid_uscc())
    ]
    assert parse_invoice(lines, repair=True).fields["date"].value == "2024-05-06"


def test_stray_marks_around_the_english_label_are_not_part_of_the_value() -> None:
    lines = layout(
        [
            ["中华人民共和国机动车驾驶证"],
            ["姓名 Name~邱艳怡"],
            ["国籍[Nationality", "中国"],
        ]
    )
    fields = parse_driver_licence(lines).fields
    assert fields["name"].value == "邱艳怡"
    assert fields["nationality"].value == "中国"
