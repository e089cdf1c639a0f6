"""The marker rules themselves: data and database tests really run where they can."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from autoclaim.claims.db import make_engine
from tests.conftest import POSTGRES_URL


@pytest.mark.needs_data
def test_datasets_are_readable(data_root: Path) -> None:
    assert (data_root / "car-damage-severity" / "val" / "_annotations.coco.json").is_file()
    assert (data_root / "car-damage-parts" / "data.yaml").is_file()
    assert any((data_root / "sroie-receipts" / "images").iterdir())


@pytest.mark.postgres
def test_postgres_answers() -> None:
    engine = make_engine(POSTGRES_URL)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT 1")).scalar_one() == 1
    engine.dispose()
