"""The whole HTTP flow and the parallel writes on the local PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from autoclaim.config import Settings
from autoclaim.service.app import create_app
from tests.pg import fresh_schema
from tests.service.conftest import ADMIN_KEY, make_key
from tests.service.doubles import PngTextReader, StatsAssessor
from tests.service.test_concurrency import test_parallel_uploads_and_reviews as run_parallel
from tests.service.test_flow import test_whole_flow as run_whole_flow

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_api(tmp_path: Path) -> Iterator[tuple[TestClient, StatsAssessor]]:
    with fresh_schema() as url:
        settings = Settings(
            var_dir=tmp_path / "var", database_url=url, log_json=False, admin_api_key=ADMIN_KEY
        )
        assessor = StatsAssessor()
        with TestClient(create_app(settings, assessor, PngTextReader())) as client:
            yield client, assessor


def test_whole_flow_on_postgres(pg_api: tuple[TestClient, StatsAssessor]) -> None:
    client, _ = pg_api
    assert client.get("/healthz").json()["database"]["backend"] == "postgresql"
    run_whole_flow(client, make_key(client, "claimant"), make_key(client, "adjuster"))


def test_parallel_writes_on_postgres(pg_api: tuple[TestClient, StatsAssessor]) -> None:
    client, assessor = pg_api
    run_parallel(client, make_key(client, "claimant"), make_key(client, "adjuster"), assessor)
