"""A claimant without an API key: a public report returns the tracking token, and the token
reaches that claim's progress and evidence uploads — never another claim."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from autoclaim.claims.errors import NotFoundError
from autoclaim.claims.principals import tracking_link_holder
from autoclaim.claims.store import ClaimStore
from tests.service.conftest import wait_for_claim
from tests.service.doubles import document_bytes, photo_bytes
from tests.service.test_flow import FNOL


def _photo(name: str = "p.jpg") -> list[tuple[str, tuple[str, bytes, str]]]:
    return [("files", (name, photo_bytes((200, 20, 20)), "image/jpeg"))]


def test_public_report_and_uploads_by_tracking_token(
    api: TestClient, claimant: dict[str, str], adjuster: dict[str, str]
) -> None:
    created = api.post("/v1/claims", json=FNOL, headers={"Idempotency-Key": "phone-1"})
    assert created.status_code == 201, created.text
    claim_id, token = created.json()["id"], created.json()["tracking_token"]
    assert len(token) >= 32
    replay = api.post("/v1/claims", json=FNOL, headers={"Idempotency-Key": "phone-1"})
    assert replay.status_code == 200 and replay.json()["tracking_token"] == token
    other_body = api.post(
        "/v1/claims", json={**FNOL, "place": "elsewhere"}, headers={"Idempotency-Key": "phone-1"}
    )
    assert other_body.status_code == 409 and claim_id not in other_body.text

    # the claim id alone opens nothing; a claimant key does not own a public claim
    assert api.get(f"/v1/claims/{claim_id}").status_code == 401
    assert api.get(f"/v1/claims/{claim_id}", headers=claimant).status_code == 403
    assert api.post(f"/v1/claims/{claim_id}/photos", files=_photo()).status_code == 401

    photos = api.post(f"/v1/track/{token}/photos", files=_photo())
    assert photos.status_code == 202, photos.text
    scan = document_bytes("vehicle_licence", {"plate": "沪A12345"})
    docs = api.post(
        f"/v1/track/{token}/documents",
        files=[("files", ("xsz.png", scan, "image/png"))],
        data={"doc_type": "vehicle_licence"},
    )
    assert docs.status_code == 202, docs.text
    staff_view = wait_for_claim(api, claim_id, adjuster)
    assert len(staff_view["photos"]) == 1 and len(staff_view["documents"]) == 1  # type: ignore[arg-type]
    uploaded = [e for e in staff_view["timeline"] if e["kind"] == "photos_uploaded"]  # type: ignore[union-attr]
    assert uploaded[0]["role"] == "claimant" and uploaded[0]["actor"] == "tracking-link"

    progress = api.get(f"/v1/track/{token}").json()
    assert [p["filename"] for p in progress["photos"]] == ["p.jpg"]
    assert progress["documents"][0]["doc_type"] == "vehicle_licence"
    assert progress["accepts_evidence"] and not progress["estimate_released"]
    assert progress["estimate_lines"] == []
    assert "13812345678" not in str(progress) and "张三" not in str(progress)


def test_a_token_reaches_its_own_claim_only(
    api: TestClient, claimant: dict[str, str], adjuster: dict[str, str]
) -> None:
    first = api.post("/v1/claims", json=FNOL).json()
    second = api.post("/v1/claims", json=FNOL, headers=claimant).json()
    assert api.post(f"/v1/track/{first['tracking_token']}/photos", files=_photo()).is_success
    assert api.get(f"/v1/claims/{second['id']}", headers=adjuster).json()["photos"] == []
    store: ClaimStore = api.app.state.store  # type: ignore[attr-defined]
    holder = tracking_link_holder(first["id"])
    for reach in (
        lambda: store.get_claim(holder, second["id"]),
        lambda: store.check_access(holder, second["id"]),
        lambda: store.request_estimate(holder, second["id"]),
    ):
        with pytest.raises(NotFoundError):
            reach()
    assert api.get("/v1/track/" + "x" * 32).status_code == 404
    assert api.post("/v1/track/" + "x" * 32 + "/photos", files=_photo()).status_code == 404
    assert api.get("/v1/track/short").status_code == 422
    assert api.post("/v1/claims", json=FNOL, headers={"X-API-Key": "ak_wrong"}).status_code == 401
    rejected = api.post(
        f"/v1/claims/{first['id']}/review",
        json={"action": "reject", "reason": "not covered"},
        headers=adjuster,
    )
    assert rejected.status_code == 200
    closed = api.post(f"/v1/track/{first['tracking_token']}/photos", files=_photo())
    assert closed.status_code == 409


def test_report_and_upload_pages_work_with_the_tracking_link_alone(api: TestClient) -> None:
    form = {
        "policy_number": "PDAA202431010000123456",
        "plate": "沪a12345",
        "accident_at": "2026-11-20T08:30",
        "place": "上海市浦东新区世纪大道100号",
        "cause": "collision",
        "reporter_name": "张三",
        "reporter_phone": "13812345678",
        "region": "shanghai",
        "payee_kind": "claimant_account",
        "idempotency_key": "page-1",
    }
    assert api.get("/report?lang=zh-CN").status_code == 200
    reported = api.post("/report", data=form, follow_redirects=False)
    assert reported.status_code == 303, reported.text
    match = re.fullmatch(r"/track/([A-Za-z0-9_-]+)\?reported=1", reported.headers["location"])
    assert match
    token = match.group(1)
    page = api.get(reported.headers["location"])
    assert page.status_code == 200
    assert f'action="/track/{token}/photos"' in page.text and 'id="tracking-url"' in page.text
    uploaded = api.post(f"/track/{token}/photos", files=_photo("door.jpg"), follow_redirects=False)
    assert uploaded.status_code == 303 and uploaded.headers["location"].endswith("uploaded=1")
    assert "door.jpg" in api.get(f"/track/{token}").text
    empty = api.post(f"/track/{token}/photos", files=[("files", ("", b"", "image/jpeg"))])
    assert empty.status_code == 422
    assert api.post("/track/" + "y" * 32 + "/photos", files=_photo()).status_code == 404
    zh = api.get(f"/track/{token}?lang=zh-CN").text
    assert "上传受损照片" in zh
