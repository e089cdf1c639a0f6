"""The learned receipt extractor: candidates and features, training, the file, the reader."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from autoclaim.ocr.engines import OcrLine, OcrWord
from autoclaim.ocr.extraction import corpus
from autoclaim.ocr.extraction.candidates import FIELDS, build_page, candidates
from autoclaim.ocr.extraction.model import (
    FEATURE_SET,
    MODEL_FORMAT,
    ExtractorModelError,
    parse_extractor,
    shipped_extractor,
)
from autoclaim.ocr.extraction.training import evaluate, examples, train_extractor
from autoclaim.ocr.reader import parse_lines
from tests.ocr.lines import layout

SHOPS = ["ACME TRADING SDN BHD", "KEDAI MAJU ENTERPRISE", "SINAR HARDWARE SDN BHD", "BESTARI CO"]
STREETS = ["JALAN MAJU 3", "JALAN BESAR", "JALAN SAGU 18", "LORONG DUA"]


def receipt_rows(rng: random.Random) -> tuple[list[list[str]], dict[str, str]]:
    """A receipt laid out as rows of cells, and its SROIE keys."""
    shop, street = rng.choice(SHOPS), rng.choice(STREETS)
    a, b = rng.randint(100, 2000) / 100, rng.randint(100, 2000) / 100
    total = round(a + b, 2)
    paid = float(int(total) + 10)
    day, month = rng.randint(1, 28), rng.randint(1, 12)
    address = f"NO {rng.randint(1, 99)}, {street}, {rng.randint(10000, 89999)} JOHOR BAHRU, JOHOR."
    first, second = address.split(", ", 1)[0] + ",", address.split(", ", 1)[1]
    rows = [
        [shop],
        [first],
        [second],
        ["TEL: 07-1234567"],
        [f"DATE: {day:02d}/{month:02d}/2018", "10:15"],
        ["ITEM A", "1", f"{a:.2f}"],
        ["ITEM B", "1", f"{b:.2f}"],
        ["SUB TOTAL", f"{total:.2f}"],
        ["TOTAL", f"{total:.2f}"],
        ["CASH", f"{paid:.2f}"],
        ["CHANGE", f"{paid - total:.2f}"],
        [f"VOUCHER VALID UNTIL {day:02d}/{month:02d}/2019"],
    ]
    keys = {
        "company": shop,
        "date": f"{day:02d}/{month:02d}/2018",
        "address": f"{first} {second}",
        "total": f"{total:.2f}",
    }
    return rows, keys


def labelled(n: int, seed: int = 1) -> list[corpus.LabelledReceipt]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        rows, keys = receipt_rows(rng)
        out.append(corpus.LabelledReceipt(f"{i:03d}", layout(rows, col_width=330), keys))
    return out


def test_total_candidates_carry_the_label_and_the_payment_arithmetic() -> None:
    rows, keys = receipt_rows(random.Random(3))
    page = build_page(layout(rows, col_width=330))
    found = {c.value: c for c in candidates(page, "total")}
    total = found[keys["total"]]
    assert total.features["label_row"] > 0
    assert total.features["paid_minus_change"] == 1.0
    change = next(c for c in found.values() if c.features["change_row"] == 1.0)
    assert change.value != keys["total"] and change.features["paid_minus_change"] == 0.0


def test_seller_and_address_candidates_are_runs_of_lines() -> None:
    rows, keys = receipt_rows(random.Random(4))
    page = build_page(layout(rows, col_width=330))
    sellers = {c.value: c for c in candidates(page, "seller")}
    assert (
        sellers[keys["company"]].features["company_words"] > 0
        or "ENTERPRISE" not in keys["company"]
    )
    assert sellers[keys["company"]].lines == (0,)
    addresses = [c for c in candidates(page, "address") if c.value == keys["address"]]
    assert addresses and addresses[0].lines == (1, 2)
    assert addresses[0].features["postcode_last_line"] == 1.0


def test_dates_are_found_in_text_and_in_the_second_engine_words() -> None:
    lines = layout([["SHOP SDN BHD"], ["DATE:", ""]])
    lines[1] = replace(lines[1], words=(OcrWord("05/02/2018", lines[1].box, 0.9),))
    page = build_page(lines)
    found = candidates(page, "date")
    assert [c.value for c in found] == ["2018-02-05"]
    assert found[0].features["from_words"] == 1.0


def test_an_unknown_field_is_refused() -> None:
    with pytest.raises(ValueError, match="'phone'"):
        candidates(build_page(layout([["X"]])), "phone")


def test_training_on_a_small_set_learns_every_field_and_round_trips() -> None:
    data = examples(labelled(30))
    extractor, cv = train_extractor(data, "test", seed=0)
    assert cv["receipts"] == 30 and isinstance(cv["f1"], float) and cv["f1"] >= 0.9
    again = parse_extractor(extractor.to_json())
    held = examples(labelled(10, seed=99))
    values = [{f: r.value for f, r in again.extract_page(ex.page).items()} for ex in held]
    assert evaluate(held, values)["f1"] >= 0.9
    assert again.fields["total"].weights == extractor.fields["total"].weights


def test_a_chosen_field_says_why() -> None:
    rows, keys = receipt_rows(random.Random(5))
    extractor, _ = train_extractor(examples(labelled(20)), "test", seed=0)
    fields, _, checks = extractor.read(layout(rows, col_width=330))
    total = fields["total"]
    assert total.value == keys["total"]
    assert "receipt extractor test" in total.explanation[0]
    assert total.explanation[1].startswith("weighed most: ")
    assert any(c.name == "extractor_agrees_with_rules" for c in checks)


def _shipped_json() -> dict[str, object]:
    data: dict[str, object] = json.loads(shipped_extractor().to_json())
    return data


def test_the_loader_refuses_a_foreign_file() -> None:
    with pytest.raises(ExtractorModelError, match="not JSON"):
        parse_extractor("{", "x.json")
    with pytest.raises(ExtractorModelError, match="format 'something-else'"):
        parse_extractor(json.dumps({**_shipped_json(), "format": "something-else"}))


def test_the_loader_refuses_a_file_trained_on_other_features() -> None:
    stale = {**_shipped_json(), "feature_set": "receipt-candidates/0"}
    with pytest.raises(ExtractorModelError, match="retrain"):
        parse_extractor(json.dumps(stale))


def test_the_loader_names_a_malformed_field() -> None:
    data = _shipped_json()
    fields = dict(data["fields"])  # type: ignore[call-overload]
    fields["total"] = {**fields["total"], "threshold": 1.5}
    with pytest.raises(ExtractorModelError, match=r"fields\.total\.threshold"):
        parse_extractor(json.dumps({**data, "fields": fields}))
    fields["total"] = {**fields["total"], "threshold": 0.5, "weights": {"label_row": "big"}}
    with pytest.raises(ExtractorModelError, match=r"fields\.total\.weights"):
        parse_extractor(json.dumps({**data, "fields": fields}))
    del fields["total"]
    with pytest.raises(ExtractorModelError, match="fields must be exactly"):
        parse_extractor(json.dumps({**data, "fields": fields}))


def test_the_shipped_extractor_says_what_it_was_trained_on() -> None:
    shipped = _shipped_json()
    assert shipped["format"] == MODEL_FORMAT and shipped["feature_set"] == FEATURE_SET
    meta = shipped_extractor().metadata
    training = meta["training"]
    assert isinstance(training, dict) and "sroie-receipts-train" in str(training["data"])
    assert "train_cross_validated" in meta and "validation" in meta


def test_the_reader_parses_receipts_with_the_extractor() -> None:
    rows, keys = receipt_rows(random.Random(6))
    parsed = parse_lines("receipt", layout(rows, col_width=330))
    assert set(FIELDS) <= set(parsed.fields)
    assert parsed.fields["total"].value == keys["total"]
    assert parsed.fields["total"].explanation  # chosen by the extractor, not the rules


def test_cached_lines_round_trip_and_malformed_rows_are_named() -> None:
    lines = [OcrLine("TOTAL 9.00", (1, 2, 30, 12), 0.9, (OcrWord("TOTAL", (1, 2, 10, 12), 0.8),))]
    assert corpus.lines_from_json(corpus.lines_to_json(lines)) == lines
    with pytest.raises(ValueError, match="four numbers"):
        corpus.lines_from_json([{"text": "X", "box": [1, 2], "confidence": 1.0}])


def _folder_with_cache(tmp_path: Path, n: int) -> tuple[Path, Path]:
    """A SROIE-style folder whose lines are already cached (no OCR runs)."""
    folder, cache = tmp_path / "receipts", tmp_path / "cache"
    (folder / "images").mkdir(parents=True)
    (folder / "keys").mkdir()
    cache.mkdir()
    for receipt in labelled(n):
        (folder / "images" / f"{receipt.name}.jpg").write_bytes(b"not read")
        (folder / "keys" / f"{receipt.name}.json").write_text(json.dumps(receipt.truth))
        payload = {"format": corpus.CACHE_FORMAT, "lines": corpus.lines_to_json(receipt.lines)}
        (cache / f"receipts-{receipt.name}.json").write_text(json.dumps(payload))
    return folder, cache


def test_the_corpus_is_read_from_the_cache_without_ocr(tmp_path: Path) -> None:
    folder, cache = _folder_with_cache(tmp_path, 3)

    def no_reader() -> object:
        raise AssertionError("the cache should have been used")

    found = corpus.load_corpus(folder, cache, no_reader)  # type: ignore[arg-type]
    assert [r.name for r in found] == ["000", "001", "002"]
    assert found[0].truth["total"] and found[0].lines


def test_train_extractor_command_fits_reports_and_writes(tmp_path: Path) -> None:
    from autoclaim.cli import app

    _, cache = _folder_with_cache(tmp_path, 25)
    out = tmp_path / "extractor.json"
    result = CliRunner().invoke(
        app,
        [
            "train-extractor",
            "--data-root",
            str(tmp_path),
            "--train",
            "receipts",
            "--val",
            "receipts",
            "--cache",
            str(cache),
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout[result.stdout.index("{") : result.stdout.rindex("}") + 1])
    assert set(report) == {"train_cross_validated", "validation"}
    assert parse_extractor(out.read_text()).metadata["validation"]


def test_train_extractor_command_names_a_missing_folder(tmp_path: Path) -> None:
    from autoclaim.cli import app

    result = CliRunner().invoke(app, ["train-extractor", "--data-root", str(tmp_path)])
    assert result.exit_code == 2 and "no receipts under" in result.output


@pytest.mark.slow
@pytest.mark.needs_data
def test_validation_f1_holds_the_shipped_figure(data_root: Path) -> None:
    """All 125 validation receipts read the reader's way (about 2.5 min): the SROIE F1 must
    not drop below the figure the shipped extractor recorded when it was trained."""
    from autoclaim.ocr.reader import DocumentReader

    shipped = shipped_extractor()
    validation = shipped.metadata["validation"]
    assert isinstance(validation, dict)
    receipts = corpus.load_corpus(data_root / str(validation["data"]), None, DocumentReader)
    data = examples(receipts)
    values = [{f: r.value for f, r in shipped.extract_page(ex.page).items()} for ex in data]
    measured = evaluate(data, values)
    assert measured["f1"] >= validation["f1"], measured
