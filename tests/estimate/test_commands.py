"""`autoclaim price-book` validates a price book file."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from autoclaim.cli import app


def test_price_book_command_reports_default_and_names_bad_rows(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["price-book"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["version"] == "default-2026.1"

    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"version": "x", "currency": "CNY"}), encoding="utf-8")
    result = runner.invoke(app, ["price-book", str(bad)])
    assert result.exit_code == 1
    assert "vehicle_classes" in result.output
