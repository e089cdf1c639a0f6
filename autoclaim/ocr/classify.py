"""Which document is this? Keyword evidence from the text, with a reason for "unknown"."""

from __future__ import annotations

import re
from dataclasses import dataclass

from autoclaim.ocr.types import DocType

KEYWORDS: dict[DocType, list[str]] = {
    "vehicle_licence": [
        "行驶证",
        "号牌号码",
        "车辆识别代号",
        "发动机号",
        "使用性质",
        "品牌型号",
        "注册日期",
    ],
    "driver_licence": ["驾驶证", "准驾车型", "初次领证", "国籍", "出生日期", "有效期限"],
    "vat_invoice": [
        "增值税",
        "发票代码",
        "发票号码",
        "价税合计",
        "纳税人识别号",
        "购买方",
        "销售方",
        "开票日期",
    ],
    # Words a repair invoice prints and a VAT invoice from a garage does not: a company
    # name such as 某某汽车维修服务有限公司 alone does not make a repair invoice.
    "repair_invoice": ["车牌号", "车架号", "维修结算", "机动车维修", "工时费", "维修项目", "送修"],
    "receipt": [
        "TOTAL",
        "RECEIPT",
        "INVOICE",
        "CASH",
        "CHANGE",
        "GST",
        "SUBTOTAL",
        "QTY",
        "AMOUNT",
        "THANK YOU",
        "SDN BHD",
        "TAX",
    ],
}
MIN_SCORE = 2


@dataclass(frozen=True)
class Classification:
    doc_type: DocType
    scores: dict[DocType, int]
    message: str


def classify_text(text: str) -> Classification:
    """The document type whose keywords appear most; repair invoices are invoices that
    also talk about repairs. Too few keywords gives "unknown" with the reason."""
    compact = re.sub(r"\s+", "", text).upper()
    spaced = " ".join(text.upper().split())
    scores: dict[DocType, int] = {}
    for doc_type, words in KEYWORDS.items():
        haystack = spaced if doc_type == "receipt" else compact
        scores[doc_type] = sum(word in haystack for word in words)
    invoice = scores["vat_invoice"]
    if invoice >= MIN_SCORE and scores["repair_invoice"] >= 1:
        scores["repair_invoice"] += invoice
    else:
        scores["repair_invoice"] = 0
    best = max(scores, key=lambda k: scores[k])
    if not text.strip():
        return Classification("unknown", scores, "no text found: a blank page or not a document")
    if scores[best] < MIN_SCORE:
        return Classification(
            "unknown",
            scores,
            "text found but no document keywords (licence, invoice or receipt labels): "
            "perhaps a photo rather than a document",
        )
    return Classification(best, scores, f"{best} ({scores[best]} keywords)")


CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def printed_in_latin(text: str) -> bool:
    """No Chinese character and at least two Latin letters: from a page's top lines, enough
    to tell an English receipt from a Chinese licence or invoice, whose titles and labels
    are Chinese (on the benchmark's 125 receipts and 240 Chinese documents, the top three
    lines tell every page but one receipt whose name is printed in Chinese too)."""
    latin = sum(c.isascii() and c.isalpha() for c in text)
    return latin >= 2 and CJK.search(text) is None
