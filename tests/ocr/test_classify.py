from __future__ import annotations

import pytest

from autoclaim.ocr.classify import classify_text, printed_in_latin


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("中华人民共和国机动车行驶证 号牌号码 京A12345 车辆识别代号", "vehicle_licence"),
        ("中华人民共和国机动车驾驶证 证号 准驾车型 C1 初次领证日期", "driver_licence"),
        ("增值税普通发票 发票代码 发票号码 价税合计 购买方 销售方", "vat_invoice"),
        ("机动车维修 增值税发票 发票代码 发票号码 价税合计 车牌号", "repair_invoice"),
        ("ABC SDN BHD\nTOTAL 12.50\nCASH 20.00\nCHANGE 7.50", "receipt"),
        ("增值税普通发票 发票代码 发票号码 价税合计 名称:江苏汽车维修服务有限公司", "vat_invoice"),
    ],
)
def test_document_types_from_keywords(text: str, expected: str) -> None:
    assert classify_text(text).doc_type == expected


def test_blank_text_is_unknown_with_reason() -> None:
    result = classify_text("")
    assert result.doc_type == "unknown"
    assert "no text" in result.message


def test_unrelated_text_is_unknown_with_reason() -> None:
    result = classify_text("TOYOTA\nABC 1234")
    assert result.doc_type == "unknown"
    assert "no document keywords" in result.message


@pytest.mark.parametrize(
    ("text", "latin"),
    [
        ("KEDAI MAJU JAYA SDN BHD\n12, JALAN MAWAR 3,", True),
        ("中华人民共和国机动车行驶证\n号牌号码 京A12345", False),
        ("SYARIKAT 新华 TRADING", False),  # a name printed in both scripts
        ("1100182130\n12345678", False),  # digits alone tell nothing
        ("", False),
    ],
)
def test_printed_in_latin_tells_english_top_lines_from_chinese(text: str, latin: bool) -> None:
    assert printed_in_latin(text) is latin
