"""Store fixtures: one migrated database per test, on SQLite and (marked) on PostgreSQL
(the `engine` fixture is shared, in tests/conftest.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from autoclaim.claims.migrate import upgrade
from autoclaim.claims.store import ClaimStore


@pytest.fixture
def store(engine: Engine) -> ClaimStore:
    upgrade(engine)
    return ClaimStore(engine)
