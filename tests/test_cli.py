from __future__ import annotations

import json

from typer.testing import CliRunner

from autoclaim import __version__
from autoclaim.cli import app

runner = CliRunner()


def test_help_lists_commands() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "serve" in result.output
    assert "version" in result.output


def test_version_prints_json() -> None:
    result = runner.invoke(app, ["version"])
    assert result.exit_code == 0
    body = json.loads(result.output)
    assert body["autoclaim"] == __version__
    assert body["tesseract"]
