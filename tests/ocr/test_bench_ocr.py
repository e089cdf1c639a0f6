"""The receipt scoring of scripts/bench_ocr.py: the headline SROIE match and the diagnostic
that ignores spaces and punctuation."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest

from tests.scripts import load_script


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    return load_script("bench_ocr")


def test_headline_match_keeps_spaces_and_punctuation(bench: ModuleType) -> None:
    assert bench.sroie_match("address", "NO.1, JALAN  SAGU", "no.1, jalan sagu")
    assert not bench.sroie_match("address", "NO. 1, JALAN SAGU", "NO.1, JALAN SAGU")
    assert bench.sroie_match("total", "RM 9.00", "9.00")
    assert bench.sroie_match("date", "25/12/2018", "2018-12-25")


def test_loose_match_ignores_spaces_and_punctuation_of_names_only(bench: ModuleType) -> None:
    assert bench.loose_match("address", "NO. 1, JALAN SAGU.", "NO.1 JALAN SAGU")
    assert bench.loose_match("company", "MR. D. I. Y. (M) SDN BHD", "MR. D.I.Y. (M) SDN BHD")
    assert not bench.loose_match("address", "NO.53 JALAN SAGU", "NO.5: JALAN SAGU")
    assert not bench.loose_match("address", "NO.1", None)
    assert not bench.loose_match("total", "87.10", "87.16")


def test_f1_counts_fields_read_and_fields_expected(bench: ModuleType) -> None:
    assert bench.f1_score(3, 4, 6) == pytest.approx((0.75, 0.5, 0.6))
    assert bench.f1_score(0, 0, 5) == (0.0, 0.0, 0.0)


@pytest.mark.slow
def test_receipt_benchmark_scores_and_times_a_receipt_folder(
    bench: ModuleType, tmp_path: Path
) -> None:
    """A folder laid out like SROIE's is scored per engine, and each receipt is also read
    whole with its type undeclared and timed."""
    import json

    from autoclaim.ocr.reader import DocumentReader
    from tests.ocr.documents import image_bytes, text_image

    lines = ["KEDAI MAJU JAYA SDN BHD", "DATE: 15/03/2019", "TOTAL 9.00", "CASH 10.00"]
    (tmp_path / "images").mkdir()
    (tmp_path / "keys").mkdir()
    (tmp_path / "images" / "001.jpg").write_bytes(image_bytes(text_image(lines, size=28), "JPEG"))
    key = {"company": "KEDAI MAJU JAYA SDN BHD", "date": "15/03/2019", "total": "9.00"}
    (tmp_path / "keys" / "001.json").write_text(json.dumps(key))
    result = bench.bench_receipts(DocumentReader("auto", threads=1), tmp_path, None, None)
    assert result["documents"] == 1
    assert result["combined"]["exact_match"]["total"] == 1.0
    assert result["combined"]["exact_match"]["date"] == 1.0
    assert result["undeclared_read"]["median_s"] > 0
