"""Store fixtures: one migrated database per test, on SQLite and (marked) on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from autoclaim.claims.db import make_engine
from autoclaim.claims.migrate import upgrade
from autoclaim.claims.store import ClaimStore
from tests.claims.pg import fresh_schema


@pytest.fixture
def pg_engine() -> Iterator[Engine]:
    """An engine on a fresh schema in the local PostgreSQL, dropped afterwards."""
    with fresh_schema() as url:
        engine = make_engine(url)
        try:
            yield engine
        finally:
            engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        eng = make_engine(f"sqlite:///{tmp_path / 'claims.sqlite3'}")
        yield eng
        eng.dispose()
    else:
        yield request.getfixturevalue("pg_engine")


@pytest.fixture
def store(engine: Engine) -> ClaimStore:
    upgrade(engine)
    return ClaimStore(engine)
