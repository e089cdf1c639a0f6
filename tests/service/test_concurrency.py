"""20 parallel uploads to one claim and 20 parallel reviews lose nothing."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from fastapi.testclient import TestClient

from tests.service.conftest import wait_for_claim
from tests.service.doubles import StatsAssessor, photo_bytes
from tests.service.test_flow import FNOL


def test_parallel_uploads_and_reviews(
    api: TestClient,
    claimant: dict[str, str],
    adjuster: dict[str, str],
    assessor: StatsAssessor,
) -> None:
    claim_id = api.post("/v1/claims", json=FNOL, headers=claimant).json()["id"]

    def upload(i: int) -> int:
        files = [("files", (f"p{i}.jpg", photo_bytes((200, 20, 20), seed=i + 1), "image/jpeg"))]
        return api.post(f"/v1/claims/{claim_id}/photos", files=files, headers=claimant).status_code

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(upload, range(20)))
    assert statuses == [202] * 20
    claim = wait_for_claim(api, claim_id, adjuster)
    assert len(claim["photos"]) == 20  # type: ignore[arg-type]
    assert {p["filename"] for p in claim["photos"]} == {f"p{i}.jpg" for i in range(20)}  # type: ignore[union-attr]
    assert all(p["status"] == "assessed" for p in claim["photos"])  # type: ignore[union-attr]
    kinds = [e["kind"] for e in claim["timeline"]]  # type: ignore[union-attr]
    assert kinds.count("photos_uploaded") == 20
    assert sum(assessor.batches) == 20 and max(assessor.batches) > 1  # batched per claim
    assert claim["estimate"] is not None

    version = claim["version"]

    def review(i: int) -> int:
        body = {
            "action": "override",
            "lines": [{"line": "Bumper", "part_cost": f"{100 + i}.00", "reason": f"quote {i}"}],
        }
        return api.post(f"/v1/claims/{claim_id}/review", json=body, headers=adjuster).status_code

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(review, range(20)))
    assert statuses == [200] * 20
    claim = api.get(f"/v1/claims/{claim_id}", headers=adjuster).json()
    assert len(claim["estimate"]["overrides"]) == 20
    assert [e["kind"] for e in claim["timeline"]].count("line_overridden") == 20
    assert claim["version"] == version + 20  # no lost update
    reasons = {o["reason"] for o in claim["estimate"]["overrides"]}
    assert reasons == {f"quote {i}" for i in range(20)}
