"""Without the vision model and OCR installed the service runs; their work fails visibly."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from autoclaim.claims.analysers import OcrReader, VisionAssessor
from autoclaim.config import Settings
from autoclaim.service.app import create_app
from tests.service.conftest import ADMIN_KEY, make_key, wait_for_claim
from tests.service.doubles import PngTextReader, StatsAssessor, document_bytes, photo_bytes
from tests.service.test_flow import FNOL


@pytest.fixture
def bare(api_settings: Settings) -> Iterator[TestClient]:
    """The app with the real, guarded analysers pointed at packages that are not installed."""
    missing = "autoclaim.not_installed"
    app = create_app(api_settings, VisionAssessor(missing), OcrReader(missing))
    with TestClient(app) as client:
        yield client


def test_failures_are_recorded_and_retried(api_settings: Settings, bare: TestClient) -> None:
    admin = {"X-API-Key": ADMIN_KEY}
    claimant = make_key(bare, "claimant")
    claim_id = bare.post("/v1/claims", json=FNOL, headers=claimant).json()["id"]
    files = [("files", ("p.jpg", photo_bytes((200, 10, 10)), "image/jpeg"))]
    assert (
        bare.post(f"/v1/claims/{claim_id}/photos", files=files, headers=claimant).status_code == 202
    )
    claim = wait_for_claim(bare, claim_id, admin)
    assert claim["failures"][0]["kind"] == "assess_photo"  # type: ignore[index]
    assert "vision model not installed" in claim["failures"][0]["error"]  # type: ignore[index]
    assert claim["photos"][0]["status"] == "failed"  # type: ignore[index]
    helper = bare.post("/v1/assess", files=files, headers=claimant)
    assert helper.status_code == 503
    assert "vision model not installed" in helper.json()["error"]["message"]
    doc = [("files", ("d.png", document_bytes("receipt", {}), "image/png"))]
    read = bare.post("/v1/documents/read", files={"file": doc[0][1]}, headers=claimant)
    assert read.status_code == 503
    assert "OCR engine not installed" in read.json()["error"]["message"]

    bare.close()
    # the model arrives: a recompute retries the failed work, nothing was lost
    with TestClient(create_app(api_settings, StatsAssessor(), PngTextReader())) as client:
        assert (
            client.post(f"/v1/claims/{claim_id}/estimate", headers=admin).json()[
                "retried_failed_work"
            ]
            == 1
        )
        claim = wait_for_claim(client, claim_id, admin)
        assert claim["failures"] == []
        assert claim["photos"][0]["status"] == "assessed"  # type: ignore[index]
        assert claim["estimate"] is not None


def test_helpers_with_the_doubles(api: TestClient, claimant: dict[str, str]) -> None:
    files = [
        ("files", ("a.jpg", photo_bytes((200, 10, 10)), "image/jpeg")),
        ("files", ("b.jpg", photo_bytes((10, 200, 10)), "image/jpeg")),
    ]
    out = api.post("/v1/assess", files=files, headers=claimant).json()
    assert [r["assessment"]["parts"][0]["label"] for r in out["results"]] == ["Bumper", "Door"]
    doc = ("x/../lic.png", document_bytes("vehicle_licence", {"plate": "沪A12345"}), "image/png")
    read = api.post("/v1/documents/read", files={"file": doc}, headers=claimant).json()
    assert read["filename"] == "lic.png"
    assert read["reading"]["fields"]["plate"]["value"] == "沪A12345"
    bad = api.post(
        "/v1/assess", files=[("files", ("t.txt", b"text", "text/plain"))], headers=claimant
    )
    assert bad.status_code == 415
