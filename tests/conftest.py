"""Shared fixtures and the rules for data- and database-dependent tests.

`needs_data` and `postgres` tests skip with a reason on a machine without the datasets or
the local PostgreSQL, but in CI (CI=true) a missing dependency fails them instead: CI must
never pass by skipping them.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from autoclaim.claims.db import make_engine
from autoclaim.config import Settings
from autoclaim.service.app import create_app

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
POSTGRES_URL = os.environ.get(
    "AUTOCLAIM_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def _missing(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: this test must run in CI)")
    pytest.skip(reason)


def _postgres_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("needs_data"):
        root = Settings().data_root
        if not (root / "car-damage-severity").is_dir():
            _missing(f"datasets not found at {root} (set AUTOCLAIM_DATA_ROOT)")
    if item.get_closest_marker("postgres") and not _postgres_reachable():
        _missing("PostgreSQL not reachable on 127.0.0.1:5432")


@pytest.fixture
def data_root() -> Path:
    """The datasets folder (tests using it must be marked `needs_data`)."""
    return Settings().data_root


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings isolated in a temporary folder: own SQLite file, own blobs."""
    return Settings(var_dir=tmp_path / "var", log_json=False)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    """An HTTP client over the app, with its lifespan run."""
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture
def pg_engine() -> Iterator[Engine]:
    """An engine on a fresh schema in the local PostgreSQL, dropped afterwards."""
    from tests.pg import fresh_schema  # tests.pg reads POSTGRES_URL from this module

    with fresh_schema() as url:
        engine = make_engine(url)
        try:
            yield engine
        finally:
            engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An unmigrated database: a SQLite file, and (marked `postgres`) a PostgreSQL schema."""
    if request.param == "sqlite":
        eng = make_engine(f"sqlite:///{tmp_path / 'claims.sqlite3'}")
        yield eng
        eng.dispose()
    else:
        yield request.getfixturevalue("pg_engine")
