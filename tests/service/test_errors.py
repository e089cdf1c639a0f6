"""Bad input gets a clear JSON error and changes nothing."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.service.doubles import photo_bytes
from tests.service.test_flow import FNOL


def _claim(api: TestClient, headers: dict[str, str]) -> str:
    response = api.post("/v1/claims", json=FNOL, headers=headers)
    assert response.status_code == 201
    return str(response.json()["id"])


def _snapshot(api: TestClient, claim_id: str, headers: dict[str, str]) -> tuple[int, int, int]:
    body = api.get(f"/v1/claims/{claim_id}", headers=headers).json()
    return body["version"], len(body["photos"]), len(body["timeline"])


def test_auth_and_roles(
    api: TestClient, claimant: dict[str, str], adjuster: dict[str, str]
) -> None:
    assert api.get("/v1/claims").status_code == 401
    assert api.get("/v1/claims", headers={"X-API-Key": "nope"}).json()["error"]["code"] == (
        "unauthorized"
    )
    other = api.post("/v1/keys", json={"role": "claimant"}, headers=claimant)
    assert other.status_code == 403
    claim_id = _claim(api, claimant)
    stranger = {
        "X-API-Key": api.post(
            "/v1/keys",
            json={"role": "claimant"},
            headers={"X-API-Key": "ak_test-admin-key-0123456789"},
        ).json()["key"]
    }
    assert api.get(f"/v1/claims/{claim_id}", headers=stranger).status_code == 403
    assert api.post(f"/v1/claims/{claim_id}/estimate", headers=claimant).status_code == 403
    missing = api.get("/v1/claims/unknown-claim", headers=adjuster)
    assert missing.status_code == 404
    assert "unknown-claim" in missing.json()["error"]["message"]


def test_refused_requests_change_nothing(
    api: TestClient, claimant: dict[str, str], adjuster: dict[str, str]
) -> None:
    claim_id = _claim(api, claimant)
    before = _snapshot(api, claim_id, adjuster)

    invalid = api.post(
        f"/v1/claims/{claim_id}/review", json={"action": "approve"}, headers=adjuster
    )
    assert invalid.status_code == 409
    assert invalid.json()["error"]["code"] == "invalid_transition"
    assert "'reported'" in invalid.json()["error"]["message"]

    big = api.post(
        f"/v1/claims/{claim_id}/photos",
        files=[("files", ("big.jpg", b"\xff\xd8\xff" + b"0" * 300_000, "image/jpeg"))],
        headers=claimant,
    )
    assert big.status_code == 413 and big.json()["error"]["code"] == "file_too_large"

    good = ("files", ("ok.jpg", photo_bytes((200, 0, 0)), "image/jpeg"))
    text = api.post(
        f"/v1/claims/{claim_id}/photos",
        files=[good, ("files", ("a.txt", b"just text", "image/jpeg"))],
        headers=claimant,
    )
    assert text.status_code == 415 and "a.txt" in text.json()["error"]["message"]

    corrupt = api.post(
        f"/v1/claims/{claim_id}/photos",
        files=[good, ("files", ("bad.jpg", photo_bytes((1, 2, 3))[:80], "image/jpeg"))],
        headers=claimant,
    )
    assert corrupt.status_code == 422 and corrupt.json()["error"]["code"] == "corrupt_file"

    malformed = api.post("/v1/claims", json={**FNOL, "accident_at": "yesterday"}, headers=claimant)
    assert malformed.status_code == 422
    assert "accident_at" in malformed.json()["error"]["message"]
    naive = api.post(
        "/v1/claims", json={**FNOL, "accident_at": "2026-11-20T08:30:00"}, headers=claimant
    )
    assert naive.status_code == 422
    no_line = api.post(
        f"/v1/claims/{claim_id}/review",
        json={
            "action": "override",
            "lines": [{"line": "Door", "reason": "x y z", "part_cost": "1.00"}],
        },
        headers=adjuster,
    )
    assert no_line.status_code == 409 and no_line.json()["error"]["code"] == "state_conflict"
    stale = api.post(
        f"/v1/claims/{claim_id}/review",
        json={"action": "reject", "reason": "not covered", "expected_version": 99},
        headers=adjuster,
    )
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "version_conflict"
    reused = api.post(
        "/v1/claims",
        json={**FNOL, "plate": "沪B00000"},
        headers={**claimant, "Idempotency-Key": "k"},
    )
    assert reused.status_code == 201
    clash = api.post("/v1/claims", json=FNOL, headers={**claimant, "Idempotency-Key": "k"})
    assert clash.status_code == 409 and clash.json()["error"]["code"] == "idempotency_conflict"

    assert _snapshot(api, claim_id, adjuster) == before

    api.post(
        f"/v1/claims/{claim_id}/review",
        json={"action": "close", "reason": "withdrawn"},
        headers=adjuster,
    )
    closed = api.post(f"/v1/claims/{claim_id}/photos", files=[good], headers=claimant)
    assert closed.status_code == 409


def test_oversized_request_is_refused_before_parsing(
    api: TestClient, claimant: dict[str, str]
) -> None:
    claim_id = _claim(api, claimant)
    huge = b"0" * (200_000 * 20 + 70_000)
    response = api.post(
        f"/v1/claims/{claim_id}/photos",
        content=huge,
        headers={**claimant, "Content-Type": "multipart/form-data; boundary=x"},
    )
    assert response.status_code == 413


def test_unknown_vehicle_class_is_refused_with_the_known_ones(
    api: TestClient, claimant: dict[str, str], adjuster: dict[str, str]
) -> None:
    response = api.post("/v1/claims", json={**FNOL, "vehicle_class": "tank"}, headers=claimant)
    assert response.status_code == 422
    assert "'tank'" in response.json()["error"]["message"]
    assert api.get("/v1/claims", headers=adjuster).json()["total"] == 0
