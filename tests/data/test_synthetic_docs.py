"""The synthetic document generator: deterministic, valid truth, true boxes, readable print."""

from __future__ import annotations

import io
import json
import random
from collections import Counter
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import numpy as np
import pytesseract
import pytest
from PIL import Image, ImageDraw

from autoclaim.data import synthetic_docs as sd
from autoclaim.data.synthetic_docs import degrade as dg
from autoclaim.data.synthetic_docs import fonts, values
from autoclaim.ocr import normalise as n
from autoclaim.ocr import validators as v
from autoclaim.ocr.types import FIELD_NAMES
from tests.scripts import load_script

SEEDS = (0, 1, 2)


@pytest.fixture(scope="module")
def clean_docs() -> dict[tuple[str, int], sd.SyntheticDocument]:
    return {(t, s): sd.generate(t, s, degrade=False) for t in sd.SYNTHETIC_DOC_TYPES for s in SEEDS}


@pytest.mark.parametrize("doc_type", sd.SYNTHETIC_DOC_TYPES)
def test_generate_is_deterministic(doc_type: str) -> None:
    a, b = sd.generate(doc_type, 11), sd.generate(doc_type, 11)
    assert a.image.tobytes() == b.image.tobytes()
    assert (a.truth, a.boxes, a.line_items, a.degradations) == (
        b.truth,
        b.boxes,
        b.line_items,
        b.degradations,
    )


@pytest.mark.parametrize("doc_type", sd.SYNTHETIC_DOC_TYPES)
def test_degradation_keeps_content_changes_pixels(
    doc_type: str, clean_docs: dict[tuple[str, int], sd.SyntheticDocument]
) -> None:
    clean = clean_docs[(doc_type, 1)]
    degraded = sd.generate(doc_type, 1)
    assert degraded.truth == clean.truth
    assert degraded.degradations
    assert clean.degradations == []
    w, h = degraded.image.size
    assert min(w, h) >= 400 and max(w, h) <= 4000
    if degraded.image.size == clean.image.size:
        diff = np.abs(
            np.asarray(degraded.image, dtype=np.int16) - np.asarray(clean.image, dtype=np.int16)
        )
        assert diff.mean() > 0.5


def test_seeds_give_different_documents(
    clean_docs: dict[tuple[str, int], sd.SyntheticDocument],
) -> None:
    for doc_type in sd.SYNTHETIC_DOC_TYPES:
        truths = [tuple(clean_docs[(doc_type, s)].truth.items()) for s in SEEDS]
        assert len(set(truths)) == len(SEEDS)


def test_every_type_renders_at_a_realistic_size(
    clean_docs: dict[tuple[str, int], sd.SyntheticDocument],
) -> None:
    for (doc_type, _), doc in clean_docs.items():
        assert doc.image.mode == "RGB"
        w, h = doc.image.size
        if doc_type.endswith("licence"):
            assert 850 <= w <= 1300 and 1.4 < w / h < 1.5  # an 88 x 60 mm card at 250-350 dpi
        elif doc_type.endswith("invoice"):
            assert 1500 <= w <= 2100 and w > h  # 240 mm wide at 165-215 dpi
        else:
            assert 500 <= w <= 800 and h > w  # an 80 mm till roll


def test_truth_uses_canonical_names_and_boxes_cover_it(
    clean_docs: dict[tuple[str, int], sd.SyntheticDocument],
) -> None:
    for (doc_type, _), doc in clean_docs.items():
        canonical = set(FIELD_NAMES[doc_type])  # type: ignore[index]
        assert set(doc.truth) <= canonical
        optional = {"buyer_tax_id"} if doc_type == "vat_invoice" else set()
        assert canonical - optional <= set(doc.truth)
        assert set(doc.boxes) == set(doc.truth)
        w, h = doc.image.size
        for x0, y0, x1, y1 in doc.boxes.values():
            assert 0 <= x0 < x1 <= w and 0 <= y0 < y1 <= h


def test_printed_values_normalise_to_the_truth(
    clean_docs: dict[tuple[str, int], sd.SyntheticDocument],
) -> None:
    """What is drawn in a field's boxes, normalised, is the truth (the generator's contract)."""
    for doc in clean_docs.values():
        for name, truth in doc.truth.items():
            pieces = [t.text for t in doc.texts if t.field == name and t.role == "value"]
            separator = " " if name == "address" and doc.doc_type == "receipt" else ""
            printed = separator.join(pieces)
            if name in {"date", "register_date", "issue_date", "birth_date", "first_issue_date"}:
                assert n.normalise_date(printed) == truth
            elif name in {"amount", "tax", "total"}:
                assert n.normalise_amount(printed) == truth
            elif name == "vin":
                assert n.normalise_vin(printed) == truth
            elif name == "plate":
                assert n.normalise_plate(printed) == truth
            else:
                assert n.normalise_text(printed) == truth


def test_labels_sit_left_of_their_values_on_the_same_row(
    clean_docs: dict[tuple[str, int], sd.SyntheticDocument],
) -> None:
    """Layout-aware extraction finds a value right of its label: the layouts keep to that."""
    labelled = 0
    for doc in clean_docs.values():
        for label in (t for t in doc.texts if t.role == "label" and t.field is not None):
            value = next(t for t in doc.texts if t.role == "value" and t.field == label.field)
            label_middle = (label.box[1] + label.box[3]) / 2
            assert label.box[2] <= value.box[0], (doc.layout, label, value)
            assert value.box[1] <= label_middle <= value.box[3], (doc.layout, label, value)
            labelled += 1
    assert labelled >= 5 * len(clean_docs)


def _d(text: str) -> date:
    return date.fromisoformat(text)


def test_truth_passes_the_validators(
    clean_docs: dict[tuple[str, int], sd.SyntheticDocument],
) -> None:
    for (doc_type, _), doc in clean_docs.items():
        t = doc.truth
        if doc_type == "vehicle_licence":
            assert v.vin_check_digit_ok(t["vin"]), t["vin"]
            assert v.plate_ok(t["plate"]), t["plate"]
            assert v.dates_ordered([_d(t["register_date"]), _d(t["issue_date"])])
            assert v.required_licence_classes(t["vehicle_type"]) is not None
        elif doc_type == "driver_licence":
            assert v.id_number_ok(t["licence_no"]), t["licence_no"]
            assert v.id_birth_date(t["licence_no"]) == _d(t["birth_date"])
            assert v.id_sex(t["licence_no"]) == t["sex"]
            assert v.parse_licence_classes(t["licence_class"])
            until = None if t["valid_until"] == "长期" else _d(t["valid_until"])
            assert v.licence_validity_period_ok(_d(t["valid_from"]), until)
            assert v.dates_ordered([_d(t["birth_date"]), _d(t["first_issue_date"])])
            assert v.dates_ordered([_d(t["first_issue_date"]), _d(t["valid_from"])])
        elif doc_type.endswith("invoice"):
            for key in ("buyer_tax_id", "seller_tax_id"):
                if key in t:
                    assert v.uscc_ok(t[key]) and v.uscc_org_code_ok(t[key]), t[key]
            amount, tax, total = Decimal(t["amount"]), Decimal(t["tax"]), Decimal(t["total"])
            assert v.amounts_add_up(amount, tax, total)
            assert v.chinese_capital_amount(t["total_capital"]) == total
            items = [Decimal(i.amount or "x") for i in doc.line_items]
            assert v.line_items_sum_ok(items, amount)
            assert t["invoice_code"].isdigit() and len(t["invoice_code"]) in (10, 12)
            assert t["invoice_no"].isdigit() and len(t["invoice_no"]) == 8
            if doc_type == "repair_invoice":
                assert v.plate_ok(t["plate"]) and v.vin_check_digit_ok(t["vin"])
        else:
            assert n.normalise_date(t["date"]) == t["date"]
            items = [Decimal(i.amount or "x") for i in doc.line_items]
            subtotal = sum(items, Decimal(0))
            # total = subtotal, or subtotal + 6% SST rounded to the cent
            assert Decimal(t["total"]) in (
                subtotal,
                subtotal + (subtotal * Decimal("0.06")).quantize(Decimal("0.01")),
            )
        for item in doc.line_items:
            assert item.quantity and item.unit_price and item.amount
            product = Decimal(item.quantity) * Decimal(item.unit_price)
            rounded = product.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            assert rounded == Decimal(item.amount)  # the amount is printed rounded to the cent


def test_generate_set_spreads_over_types_deterministically() -> None:
    docs = list(sd.generate_set(10, seed=5, degrade=False))
    assert Counter(d.doc_type for d in docs) == {t: 2 for t in sd.SYNTHETIC_DOC_TYPES}
    assert len({d.seed for d in docs}) == 10
    again = list(sd.generate_set(3, seed=5, degrade=False))
    assert [d.truth for d in again] == [d.truth for d in docs[:3]]
    assert list(sd.generate_set(0, seed=5)) == []
    with pytest.raises(ValueError):
        list(sd.generate_set(-1, seed=5))
    receipts = list(sd.generate_set(2, seed=5, degrade=False, doc_types=["receipt"]))
    assert [d.doc_type for d in receipts] == ["receipt", "receipt"]
    with pytest.raises(sd.UnknownDocTypeError, match="passport"):
        list(sd.generate_set(2, seed=5, doc_types=["receipt", "passport"]))


def test_encode_gives_image_file_bytes() -> None:
    doc = sd.generate("receipt", 2, degrade=False)
    for image_format in ("PNG", "JPEG"):
        with Image.open(io.BytesIO(doc.encode(image_format))) as decoded:
            assert decoded.format == image_format and decoded.size == doc.image.size


def test_unknown_doc_type_is_a_clear_error() -> None:
    with pytest.raises(sd.UnknownDocTypeError, match="passport"):
        sd.generate("passport", 1)


def test_missing_cjk_font_names_the_debian_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fonts, "_cjk_font_files", lambda: {})
    with pytest.raises(sd.MissingFontError, match="fonts-noto-cjk"):
        fonts.font_path("sans")


def test_layouts_vary() -> None:
    layouts = {sd.generate("vat_invoice", s, degrade=False).layout for s in range(8)}
    assert layouts == {"vat_paper", "vat_electronic"}


# --- box tracking through geometric degradations -----------------------------------------


def _dark_bbox(image: Image.Image) -> tuple[int, int, int, int]:
    ys, xs = np.nonzero(np.asarray(image.convert("L")) < 128)
    return int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1


@pytest.mark.parametrize("turn", [90, 180, 270])
def test_quarter_turns_move_boxes_with_the_pixels(turn: int) -> None:
    image = Image.new("RGB", (300, 200), "white")
    box = (40, 30, 120, 60)
    ImageDraw.Draw(image).rectangle([box[0], box[1], box[2] - 1, box[3] - 1], fill="black")
    turned = image.transpose(dg._TRANSPOSE[turn])
    moved = dg._apply(dg._quarter_turn(turn, 300, 200), box, turned.size)
    assert moved == _dark_bbox(turned)


def test_perspective_warp_moves_boxes_with_the_pixels() -> None:
    image = Image.new("RGB", (400, 300), "white")
    box = (100, 80, 220, 140)
    ImageDraw.Draw(image).rectangle([box[0], box[1], box[2] - 1, box[3] - 1], fill="black")
    src = [(0.0, 0.0), (400.0, 0.0), (400.0, 300.0), (0.0, 300.0)]
    dst = [(30.0, 20.0), (420.0, 35.0), (400.0, 330.0), (15.0, 300.0)]
    matrix = dg._homography(src, dst)
    warped = dg._warp(image, matrix, (450, 350), (255, 255, 255))
    moved = dg._apply(matrix, box, warped.size)
    dark = _dark_bbox(warped)
    assert all(abs(a - b) <= 2 for a, b in zip(moved, dark, strict=True))


def test_degraded_boxes_stay_inside_the_image() -> None:
    for seed in range(6):
        doc = sd.generate("driver_licence", seed)
        w, h = doc.image.size
        for x0, y0, x1, y1 in doc.boxes.values():
            assert 0 <= x0 <= x1 <= w and 0 <= y0 <= y1 <= h


def test_degradations_cover_every_kind() -> None:
    rng = random.Random(0)
    seen: set[str] = set()
    for i in range(40):
        image = Image.new("RGB", (200, 120), "white")
        texts = [sd.TextBox("x", (50, 50, 80, 70), "value", "total")]
        _, moved, applied = dg.degrade(image, texts, random.Random(rng.random() + i))
        seen.update(a.split("_")[0] for a in applied)
        assert len(moved) == 1
    assert {
        "stamp",
        "shadow",
        "low",
        "skew",
        "perspective",
        "rotate",
        "blur",
        "noise",
        "jpeg",
    } <= seen


# --- the renderer prints text an OCR engine reads ----------------------------------------


def _ocr_crop(doc: sd.SyntheticDocument, name: str) -> str:
    x0, y0, x1, y1 = doc.boxes[name]
    pad = 8
    crop = doc.image.crop((x0 - pad, y0 - pad, x1 + pad, y1 + pad)).convert("L")
    return str(pytesseract.image_to_string(crop, lang="eng", config="--psm 7")).strip()


def test_tesseract_reads_back_a_printed_vin() -> None:
    doc = sd.generate("vehicle_licence", 3, degrade=False)
    assert n.normalise_vin(_ocr_crop(doc, "vin")) == doc.truth["vin"]


def test_tesseract_reads_back_a_receipt_total_and_invoice_number() -> None:
    receipt = sd.generate("receipt", 3, degrade=False)
    assert n.normalise_amount(_ocr_crop(receipt, "total")) == receipt.truth["total"]
    invoice = sd.generate("vat_invoice", 3, degrade=False)
    assert _ocr_crop(invoice, "invoice_no") == invoice.truth["invoice_no"]


# --- scripts/make_synthetic_docs.py ------------------------------------------------------


def test_make_synthetic_docs_script_writes_images_and_truth(tmp_path: Path) -> None:
    module = load_script("make_synthetic_docs")
    assert module.main(["--n", "3", "--seed", "4", "--out", str(tmp_path), "--clean"]) == 0
    records = [json.loads(line) for line in (tmp_path / "index.jsonl").read_text().splitlines()]
    assert [r["doc_type"] for r in records] == list(sd.SYNTHETIC_DOC_TYPES[:3])
    expected = list(sd.generate_set(3, seed=4, degrade=False))
    for record, doc in zip(records, expected, strict=True):
        assert record["truth"] == doc.truth
        assert json.loads((tmp_path / record["image"]).with_suffix(".json").read_text()) == record
        with Image.open(tmp_path / record["image"]) as written:
            assert written.size == doc.image.size
            assert written.convert("RGB").tobytes() == doc.image.tobytes()


def test_value_generators_always_give_valid_values() -> None:
    rng = random.Random(42)
    for _ in range(500):
        region = rng.choice(values.REGIONS)
        assert v.vin_check_digit_ok(values.vin(rng, rng.choice(values.MAKERS)[0], 2024))
        assert v.plate_ok(values.plate(rng, region[4], new_energy=rng.random() < 0.5))
        born = values.random_date(rng, date(1950, 1, 1), date(2005, 12, 31))
        male = rng.random() < 0.5
        number = values.id_number(rng, region[0], born, male)
        assert v.id_number_ok(number) and v.id_birth_date(number) == born
        assert v.id_sex(number) == ("男" if male else "女")
        code = values.uscc(rng, region[0])
        assert v.uscc_ok(code) and v.uscc_org_code_ok(code)
