"""Stop the service with queued work, start it again: the work completes."""

from __future__ import annotations

from fastapi.testclient import TestClient

from autoclaim.claims.jobs import claim_work
from autoclaim.claims.principals import SYSTEM
from autoclaim.config import Settings
from autoclaim.service.app import create_app
from tests.service.conftest import ADMIN_KEY, make_key, wait_for_claim
from tests.service.doubles import PngTextReader, StatsAssessor, photo_bytes
from tests.service.test_flow import FNOL


def test_queued_and_interrupted_work_completes_after_restart(api_settings: Settings) -> None:
    """Queued items are taken at once; the one a dead process held, once its lease lapses."""
    api_settings = api_settings.model_copy(update={"job_lease_seconds": 1.0})
    admin = {"X-API-Key": ADMIN_KEY}
    first = create_app(api_settings, StatsAssessor(), PngTextReader(), run_worker=False)
    with TestClient(first) as client:
        claimant = make_key(client, "claimant")
        claim_id = client.post("/v1/claims", json=FNOL, headers=claimant).json()["id"]
        files = [
            ("files", (f"p{i}.jpg", photo_bytes((30, 30, 200), seed=i), "image/jpeg"))
            for i in range(3)
        ]
        assert (
            client.post(f"/v1/claims/{claim_id}/photos", files=files, headers=claimant).status_code
            == 202
        )
        store = client.app.state.store  # type: ignore[attr-defined]
        # one item was in the middle of running when the process stopped
        assert len(claim_work(store, batch_size=1, lease_seconds=60)) == 1
        assert store.queue_depth() == {"queued": 2, "running": 1}
        assert store.get_claim(SYSTEM, claim_id).estimate is None

    second = create_app(api_settings, StatsAssessor(), PngTextReader())
    with TestClient(second) as client:
        claim = wait_for_claim(client, claim_id, admin)
        assert [p["status"] for p in claim["photos"]] == ["assessed"] * 3  # type: ignore[union-attr]
        assert claim["status"] == "assessed"
        assert claim["estimate"] is not None
