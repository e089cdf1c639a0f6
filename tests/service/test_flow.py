"""The whole claim over HTTP: FNOL → photos → documents → estimate → override → approve →
repair → review → paid, and the claimant's view of it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient

from tests.service.conftest import wait_for_claim
from tests.service.doubles import document_bytes, photo_bytes

FNOL: dict[str, Any] = {
    "policy_number": "PDAA202431010000123456",
    "plate": "沪A12345",
    "vin": "LSVAU2180N2123456",
    "accident_at": "2026-11-20T08:30:00+08:00",
    "place": "上海市浦东新区世纪大道100号",
    "cause": "collision",
    "description": "Rear-ended; call me on 13812345678",
    "injury": False,
    "reporter": {"name": "张三", "phone": "13812345678", "id_number": "110101199003074578"},
    "payee": {"kind": "repair_shop", "shop_name": "浦东汽修", "shop_id": "SHOP-001"},
    "region": "shanghai",
}


def _photos(*colours: tuple[int, int, int]) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [
        ("files", (f"dir/../photo{i}.jpg", photo_bytes(c, seed=i), "image/jpeg"))
        for i, c in enumerate(colours)
    ]


def test_whole_flow(api: TestClient, claimant: dict[str, str], adjuster: dict[str, str]) -> None:
    created = api.post("/v1/claims", json=FNOL, headers={**claimant, "Idempotency-Key": "fnol-1"})
    assert created.status_code == 201, created.text
    claim_id = created.json()["id"]
    token = created.json()["tracking_token"]
    assert any("photos" in step for step in created.json()["next_steps"])
    replay = api.post("/v1/claims", json=FNOL, headers={**claimant, "Idempotency-Key": "fnol-1"})
    assert replay.status_code == 200 and replay.json()["id"] == claim_id

    photos = api.post(
        f"/v1/claims/{claim_id}/photos",
        files=_photos((200, 30, 30), (210, 40, 20), (30, 190, 40)),
        headers=claimant,
    )
    assert photos.status_code == 202, photos.text
    assert photos.json()["filenames"] == ["photo0.jpg", "photo1.jpg", "photo2.jpg"]
    docs = [
        (
            "files",
            (
                "xsz.png",
                document_bytes(
                    "vehicle_licence", {"plate": "沪A12345", "vin": "LSVAU2180N2123456"}
                ),
                "image/png",
            ),
        ),
        (
            "files",
            (
                "jsz.png",
                document_bytes(
                    "driver_licence", {"licence_no": "110101199003074578", "licence_class": "C1"}
                ),
                "image/png",
            ),
        ),
    ]
    uploaded = api.post(f"/v1/claims/{claim_id}/documents", files=docs, headers=claimant)
    assert uploaded.status_code == 202, uploaded.text

    claim = wait_for_claim(api, claim_id, adjuster)
    assert claim["status"] == "assessed"
    first = claim["photos"][0]  # type: ignore[index]
    content = api.get(f"/v1/claims/{claim_id}/photos/{first['id']}/content", headers=adjuster)
    assert content.content == photo_bytes((200, 30, 30), seed=0)
    assert content.headers["content-type"] == "image/jpeg"
    assert (
        api.get(
            f"/v1/claims/{claim_id}/documents/{first['id']}/content", headers=adjuster
        ).status_code
        == 404
    )
    assert claim["failures"] == []
    estimate = claim["estimate"]
    assert isinstance(estimate, dict)
    lines = {line["part"]: line for line in estimate["model"]["lines"]}
    assert set(lines) == {"Bumper", "Door"}
    bumper = lines["Bumper"]
    assert len(bumper["evidence"]["photo_ids"]) == 2
    assert bumper["evidence"]["rule_id"]
    assert bumper["evidence"]["price_book_version"]
    assert Decimal(bumper["total"]) > 0
    assert {d["parts"][0]["label"] for d in claim["damages"]} == {"Bumper", "Door"}  # type: ignore[index]
    fields = {d["doc_type"]: d["fields"] for d in claim["documents"]}  # type: ignore[union-attr]
    assert fields["vehicle_licence"]["plate"]["value"] == "沪A12345"
    materials = {m["name"]: m for m in claim["materials"]}  # type: ignore[union-attr]
    assert materials["photos"]["received"] and materials["driver_licence"]["received"]

    model_total = Decimal(estimate["model"]["total"])
    new_cost = Decimal(bumper["part_cost"]) - Decimal("100.00")
    review = api.post(
        f"/v1/claims/{claim_id}/review",
        json={
            "action": "override",
            "lines": [{"line": "Bumper", "part_cost": str(new_cost), "reason": "shop quote"}],
        },
        headers=adjuster,
    )
    assert review.status_code == 200, review.text
    claim = api.get(f"/v1/claims/{claim_id}", headers=adjuster).json()
    estimate = claim["estimate"]
    assert Decimal(estimate["model"]["total"]) == model_total  # the model's figures stay
    assert Decimal(estimate["total"]) == model_total - Decimal("100.00")
    assert estimate["adjusted"] is True
    assert estimate["overrides"][0]["original"] == {"part_cost": bumper["part_cost"]}

    forbidden = api.post(
        f"/v1/claims/{claim_id}/review", json={"action": "approve"}, headers=claimant
    )
    assert forbidden.status_code == 403
    assert (
        api.post(
            f"/v1/claims/{claim_id}/review", json={"action": "approve"}, headers=adjuster
        ).json()["status"]
        == "repairing"
    )
    invoice = [
        ("files", ("fp.png", document_bytes("repair_invoice", {"total": "2000.00"}), "image/png"))
    ]
    assert (
        api.post(f"/v1/claims/{claim_id}/documents", files=invoice, headers=claimant).status_code
        == 202
    )
    submitted = api.post(
        f"/v1/claims/{claim_id}/review", json={"action": "submit_for_review"}, headers=claimant
    )
    assert submitted.json()["status"] == "under_review"
    paid = api.post(
        f"/v1/claims/{claim_id}/review",
        json={"action": "approve", "reason": "invoice matches"},
        headers=adjuster,
    )
    assert paid.json()["status"] == "paid"

    mine = api.get(f"/v1/claims/{claim_id}", headers=claimant).json()
    assert mine["reporter"]["phone"] == "138****5678"
    assert mine["reporter"]["id_number"] == "110101********4578"
    assert "13812345678" not in mine["description"]
    assert all(event["actor"] is None for event in mine["timeline"])
    steps = [(e["from_status"], e["to_status"]) for e in mine["timeline"] if e["to_status"]]
    assert [to for _, to in steps] == [
        "reported",
        "surveying",
        "assessed",
        "repairing",
        "under_review",
        "paid",
    ]
    progress = api.get(f"/v1/track/{token}")
    assert progress.status_code == 200
    assert progress.json()["status"] == "paid"
    assert "110101199003074578" not in progress.text
    assert "13812345678" not in progress.text
    assert progress.json()["timeline"][0]["kind"] == "claim_reported"
