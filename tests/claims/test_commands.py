from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from autoclaim.claims.db import make_engine
from autoclaim.claims.principals import Role
from autoclaim.claims.store import ClaimStore
from autoclaim.cli import app
from autoclaim.config import get_settings


def test_keys_create_prints_a_working_key_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AUTOCLAIM_VAR_DIR", str(tmp_path / "var"))
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["keys", "create", "--role", "adjuster", "--name", "d1"])
        assert result.exit_code == 0, result.output
        created = json.loads(result.output)
        store = ClaimStore(make_engine(get_settings().resolved_database_url()))
        principal = store.authenticate(created["key"])
        assert principal is not None and principal.role == Role.ADJUSTER
        bad = CliRunner().invoke(app, ["keys", "create", "--role", "pilot"])
        assert bad.exit_code == 2
        assert "pilot" in bad.output
    finally:
        get_settings.cache_clear()
