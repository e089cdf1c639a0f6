"""An app with deterministic analysers, an admin key and helpers to make role keys."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from autoclaim.config import Settings
from autoclaim.service.app import create_app
from tests.service.doubles import PngTextReader, StatsAssessor

ADMIN_KEY = "ak_test-admin-key-0123456789"


@pytest.fixture
def api_settings(tmp_path: Path) -> Settings:
    return Settings(
        var_dir=tmp_path / "var",
        log_json=False,
        admin_api_key=ADMIN_KEY,
        max_upload_bytes=200_000,
        webhook_backoff_seconds=0.05,
    )


@pytest.fixture
def assessor() -> StatsAssessor:
    return StatsAssessor()


@pytest.fixture
def api(api_settings: Settings, assessor: StatsAssessor) -> Iterator[TestClient]:
    app = create_app(api_settings, assessor=assessor, reader=PngTextReader())
    with TestClient(app) as client:
        yield client


def make_key(client: TestClient, role: str) -> dict[str, str]:
    """Headers carrying a new key of `role`, created through the admin API."""
    response = client.post("/v1/keys", json={"role": role}, headers={"X-API-Key": ADMIN_KEY})
    assert response.status_code == 201, response.text
    return {"X-API-Key": response.json()["key"]}


@pytest.fixture
def admin() -> dict[str, str]:
    return {"X-API-Key": ADMIN_KEY}


@pytest.fixture
def adjuster(api: TestClient) -> dict[str, str]:
    return make_key(api, "adjuster")


@pytest.fixture
def claimant(api: TestClient) -> dict[str, str]:
    return make_key(api, "claimant")


def wait_for_claim(
    client: TestClient, claim_id: str, headers: dict[str, str], timeout: float = 30.0
) -> dict[str, object]:
    """The claim once the background worker has nothing left to do for it."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        body: dict[str, object] = client.get(f"/v1/claims/{claim_id}", headers=headers).json()
        if body["pending_work"] == 0:
            return body
        if time.monotonic() > deadline:
            raise AssertionError(f"work still pending after {timeout}s: {body['pending_work']}")
        time.sleep(0.05)
