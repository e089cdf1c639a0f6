from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from autoclaim.cli import app
from tests.ocr.documents import text_pdf

runner = CliRunner()


def test_ocr_command_prints_one_json_object_per_file(tmp_path: Path) -> None:
    good = tmp_path / "receipt.pdf"
    good.write_bytes(text_pdf([["ABC TRADING SDN BHD", "DATE: 01/02/2019", "TOTAL 12.50"]]))
    result = runner.invoke(app, ["ocr", str(good), str(good)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert len(rows) == 2
    assert rows[0]["doc_type"] == "receipt"
    assert rows[0]["fields"]["total"]["value"] == "12.50"


def test_ocr_command_reports_bad_files_and_exits_nonzero(tmp_path: Path) -> None:
    bad = tmp_path / "locked.pdf"
    bad.write_bytes(text_pdf([["x"]], encrypt=True))
    result = runner.invoke(app, ["ocr", str(bad)])
    assert result.exit_code == 1
    row = json.loads(result.stdout.splitlines()[0])
    assert row["error"] == "EncryptedPdfError"


def test_ocr_command_rejects_unknown_type(tmp_path: Path) -> None:
    path = tmp_path / "a.pdf"
    path.write_bytes(text_pdf([["x"]]))
    result = runner.invoke(app, ["ocr", str(path), "--type", "passport"])
    assert result.exit_code != 0
