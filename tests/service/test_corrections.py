"""Adjusters correct extracted document fields over HTTP; the OCR reading stays beside the
correction and the next estimate's checks use the corrected value."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.service.conftest import wait_for_claim
from tests.service.doubles import document_bytes, photo_bytes
from tests.service.test_flow import FNOL


def _flag_codes(claim: dict[str, Any]) -> set[str]:
    return {str(f["code"]) for f in claim["flags"]}


def _claim_with_misread_plate(api: TestClient, claimant: dict[str, str]) -> str:
    claim_id = str(api.post("/v1/claims", json=FNOL, headers=claimant).json()["id"])
    photo = [("files", ("p.jpg", photo_bytes((200, 20, 20)), "image/jpeg"))]
    assert api.post(f"/v1/claims/{claim_id}/photos", files=photo, headers=claimant).is_success
    scan = document_bytes("vehicle_licence", {"plate": "沪A12346", "vin": "LSVAU2187N2123456"})
    doc = [("files", ("xsz.png", scan, "image/png"))]
    assert api.post(f"/v1/claims/{claim_id}/documents", files=doc, headers=claimant).is_success
    return claim_id


def test_correction_keeps_the_ocr_reading_and_feeds_the_estimate(
    api: TestClient, claimant: dict[str, str], adjuster: dict[str, str]
) -> None:
    claim_id = _claim_with_misread_plate(api, claimant)
    before = wait_for_claim(api, claim_id, adjuster)
    assert "plate_mismatch" in _flag_codes(before)
    doc = before["documents"][0]  # type: ignore[index]
    url = f"/v1/claims/{claim_id}/documents/{doc['id']}/corrections"
    body = {"field": "plate", "value": "沪a12345", "reason": "licence photo shows 5"}

    created = api.post(url, json={**body, "expected_version": before["version"]}, headers=adjuster)
    assert created.status_code == 201, created.text
    out = created.json()
    assert out["value"] == "沪a12345" and out["estimate_queued"]
    assert out["original"] == {
        "value": "沪A12346",
        "raw": "沪A12346",
        "confidence": 0.95,
        "status": "valid",
        "reasons": [],
    }
    assert out["claim_version"] > before["version"]  # type: ignore[operator]

    after = wait_for_claim(api, claim_id, adjuster)
    plate = after["documents"][0]["fields"]["plate"]  # type: ignore[index]
    assert plate["value"] == "沪A12345"  # normalised as the parser normalises plates
    assert plate["corrected"] and plate["status"] == "valid" and plate["confidence"] == 1.0
    assert plate["original"]["value"] == "沪A12346"
    assert plate["raw"] == "沪A12346"  # the OCR's text is never rewritten
    assert plate["correction"]["reason"] == "licence photo shows 5"
    assert "plate_mismatch" not in _flag_codes(after)
    assert after["estimate"]["id"] != before["estimate"]["id"]  # type: ignore[index]
    events = [e for e in after["timeline"] if e["kind"] == "field_corrected"]  # type: ignore[union-attr]
    assert len(events) == 1 and events[0]["reason"] == "licence photo shows 5"
    assert events[0]["detail"]["original"]["value"] == "沪A12346"
    assert [c["field"] for c in after["documents"][0]["corrections"]] == ["plate"]  # type: ignore[index]


def test_a_corrected_value_is_checked_again(
    api: TestClient, claimant: dict[str, str], adjuster: dict[str, str]
) -> None:
    claim_id = _claim_with_misread_plate(api, claimant)
    doc_id = wait_for_claim(api, claim_id, adjuster)["documents"][0]["id"]  # type: ignore[index]
    url = f"/v1/claims/{claim_id}/documents/{doc_id}/corrections"
    # position 9 of this VIN is not its check digit
    wrong = {"field": "vin", "value": "LSVAU2180N2123456", "reason": "typed from the form"}
    assert api.post(url, json=wrong, headers=adjuster).status_code == 201
    vin = wait_for_claim(api, claim_id, adjuster)["documents"][0]["fields"]["vin"]  # type: ignore[index]
    assert vin["status"] == "invalid" and "check digit" in vin["reasons"][0]
    assert vin["original"]["value"] == "LSVAU2187N2123456"


def test_corrections_are_refused_with_clear_errors(
    api: TestClient, claimant: dict[str, str], adjuster: dict[str, str]
) -> None:
    claim_id = _claim_with_misread_plate(api, claimant)
    claim = wait_for_claim(api, claim_id, adjuster)
    doc_id = claim["documents"][0]["id"]  # type: ignore[index]
    url = f"/v1/claims/{claim_id}/documents/{doc_id}/corrections"
    body = {"field": "plate", "value": "沪A12345", "reason": "licence photo"}
    assert api.post(url, json=body, headers=claimant).status_code == 403
    assert api.post(url, json=body).status_code == 401
    no_reason = api.post(url, json={"field": "plate", "value": "沪A12345"}, headers=adjuster)
    assert no_reason.status_code == 422
    unknown = api.post(url, json={**body, "field": "colour"}, headers=adjuster)
    assert unknown.status_code == 422 and "plate" in unknown.json()["error"]["message"]
    other_doc = f"/v1/claims/{claim_id}/documents/{'0' * 32}/corrections"
    assert api.post(other_doc, json=body, headers=adjuster).status_code == 404
    stale = api.post(url, json={**body, "expected_version": 1}, headers=adjuster)
    assert stale.status_code == 409
    api.post(
        f"/v1/claims/{claim_id}/review",
        json={"action": "reject", "reason": "not covered"},
        headers=adjuster,
    )
    assert api.post(url, json=body, headers=adjuster).status_code == 409  # claim is closed
    assert wait_for_claim(api, claim_id, adjuster)["documents"][0]["corrections"] == []  # type: ignore[index]
