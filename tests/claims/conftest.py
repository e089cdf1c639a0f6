"""Store fixtures: one migrated database per test, on SQLite and (marked) on PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from autoclaim.claims.db import make_engine
from autoclaim.claims.migrate import upgrade
from autoclaim.claims.store import ClaimStore
from tests.conftest import POSTGRES_URL


def postgres_schema_url(schema: str) -> str:
    """The test database URL with `schema` first on the search path."""
    separator = "&" if "?" in POSTGRES_URL else "?"
    return f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"


@pytest.fixture
def pg_engine() -> Iterator[Engine]:
    """A fresh schema in the local PostgreSQL, dropped afterwards."""
    schema = f"autoclaim_test_{uuid.uuid4().hex[:12]}"
    admin = make_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(postgres_schema_url(schema))
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


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
