from __future__ import annotations

from pathlib import Path

import pytest

from autoclaim.config import Settings


def test_default_database_is_sqlite_under_var_dir(tmp_path: Path) -> None:
    url = Settings(var_dir=tmp_path).resolved_database_url()
    assert url == f"sqlite:///{(tmp_path / 'autoclaim.sqlite3').resolve()}"


def test_env_prefix_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUTOCLAIM_DATABASE_URL", "postgresql+psycopg://u@h/db")
    monkeypatch.setenv("AUTOCLAIM_PORT", "9001")
    settings = Settings()
    assert settings.resolved_database_url() == "postgresql+psycopg://u@h/db"
    assert settings.port == 9001


def test_invalid_setting_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUTOCLAIM_MAX_UPLOAD_BYTES", "0")
    with pytest.raises(ValueError, match="max_upload_bytes"):
        Settings()
