"""The HTML pages over the claim API: sign-in, claimant pages, adjuster queue and workbench.

Pages act through the same API functions as integrators, so each test checks the effect
through the JSON API too.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from autoclaim.claims.workflow import ClaimStatus
from autoclaim.estimate.inputs import MATERIALS
from autoclaim.service.pages import claimant as claimant_pages
from autoclaim.service.pages.guidance import MIN_PHOTOS, photo_guidance
from autoclaim.service.pages.i18n import MESSAGES
from autoclaim.service.schemas import PhotoOut
from tests.browser.harness import QualityAwareAssessor, car_photo
from tests.service.conftest import make_key, wait_for_claim
from tests.service.doubles import document_bytes
from tests.service.test_flow import FNOL

TEMPLATES = Path(claimant_pages.__file__).parent / "templates"

FORM = {
    "policy_number": "PDAA202431010000123456",
    "plate": "沪a12345",
    "accident_at": "2026-11-20T08:30",
    "place": "上海市浦东新区世纪大道100号",
    "cause": "collision",
    "reporter_name": "张三",
    "reporter_phone": "13812345678",
    "region": "shanghai",
    "payee_kind": "claimant_account",
    "idempotency_key": "form-1",
}


@pytest.fixture
def assessor() -> QualityAwareAssessor:
    """Warns about dark photos, as the real model does (overrides the service fixture)."""
    return QualityAwareAssessor()


def sign_in(client: TestClient, headers: dict[str, str]) -> None:
    client.cookies.clear()
    response = client.post("/sign-in", data={"key": headers["X-API-Key"]}, follow_redirects=False)
    assert response.status_code == 303, response.text


def report_through_page(client: TestClient, **changes: str) -> str:
    response = client.post("/report", data={**FORM, **changes}, follow_redirects=False)
    assert response.status_code == 303, response.text
    match = re.match(r"/my/claims/([0-9a-f]+)\?reported=1", response.headers["location"])
    assert match
    return match.group(1)


def photos(*specs: tuple[tuple[int, int, int], bool]) -> list[tuple[str, Any]]:
    return [
        ("files", (f"p{i}.jpg", car_photo(colour, seed=i, dark=dark), "image/jpeg"))
        for i, (colour, dark) in enumerate(specs)
    ]


def assessed_claim(api: TestClient, claimant: dict[str, str], adjuster: dict[str, str]) -> str:
    claim_id = str(api.post("/v1/claims", json=FNOL, headers=claimant).json()["id"])
    files = photos(((200, 40, 40), False), ((190, 50, 30), False), ((40, 170, 50), False))
    assert api.post(f"/v1/claims/{claim_id}/photos", files=files, headers=claimant).is_success
    assert wait_for_claim(api, claim_id, adjuster)["status"] == "assessed"
    return claim_id


def test_sign_in_keeps_the_key_in_an_httponly_cookie(
    api: TestClient, claimant: dict[str, str]
) -> None:
    response = api.post(
        "/sign-in",
        data={"key": claimant["X-API-Key"], "next": "//evil.example/"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/report"  # no open redirect
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    api.cookies.clear()
    refused = api.post("/sign-in", data={"key": "ak_not-a-key"}, follow_redirects=False)
    assert refused.status_code == 401
    assert "unknown or revoked" in refused.text
    assert "set-cookie" not in refused.headers


def test_pages_need_a_key_and_the_right_role(api: TestClient, claimant: dict[str, str]) -> None:
    anonymous = api.get("/adjuster")
    assert anonymous.status_code == 401
    assert 'href="/sign-in?next=/adjuster"' in anonymous.text
    assert api.get("/report").status_code == 200  # a public report needs no key
    sign_in(api, claimant)
    assert api.get("/adjuster").status_code == 403
    assert api.get("/report").status_code == 200


def test_fnol_form_opens_one_claim_through_the_api(
    api: TestClient, claimant: dict[str, str]
) -> None:
    sign_in(api, claimant)
    form = api.get("/report").text
    for name in ("policy_number", "plate", "accident_at", "reporter_phone", "region"):
        assert f'<label for="f-{name}"' in form  # every field is labelled
    extra = {"third_party_plate": "沪b54321", "injury": "yes", "vehicle_class": "suv"}
    first = report_through_page(api, **extra)
    again = report_through_page(api, **extra)
    assert again == first  # the form's Idempotency-Key: a double submit opens one claim
    claim = api.get(f"/v1/claims/{first}", headers=claimant).json()
    assert claim["plate"] == "沪A12345"
    assert claim["accident_at"].startswith("2026-11-20T00:30")  # read as UTC+8
    assert claim["injury"] is True and claim["vehicle_class"] == "suv"
    assert claim["third_parties"][0]["plate"] == "沪B54321"
    assert api.get("/v1/claims", headers=claimant).json()["total"] == 1


def test_fnol_form_marks_invalid_fields_and_stores_nothing(
    api: TestClient, claimant: dict[str, str]
) -> None:
    sign_in(api, claimant)
    response = api.post("/report", data={**FORM, "reporter_phone": "call me", "place": ""})
    assert response.status_code == 422
    assert 'id="f-reporter_phone"' in response.text
    phone_input = re.search(r'<input id="f-reporter_phone"[^>]*>', response.text)
    assert phone_input and 'aria-invalid="true"' in phone_input.group(0)
    assert 'id="e-place"' in response.text
    assert 'value="call me"' in response.text  # what was typed is kept
    unknown_class = api.post("/report", data={**FORM, "vehicle_class": "tank"})
    assert unknown_class.status_code == 422 and "tank" in unknown_class.text
    assert api.get("/v1/claims", headers=claimant).json()["total"] == 0


def test_uploads_checklist_and_photo_guidance(
    api: TestClient, claimant: dict[str, str], adjuster: dict[str, str]
) -> None:
    sign_in(api, claimant)
    claim_id = report_through_page(api)
    page = api.get(f"/my/claims/{claim_id}").text
    assert 'accept="image/*" capture="environment"' in page
    assert 'data-material="photos"' in page
    empty = api.post(
        f"/my/claims/{claim_id}/photos", files=[("files", ("", b"", "application/octet-stream"))]
    )
    assert empty.status_code == 422 and "Choose at least one file" in empty.text
    uploaded = api.post(
        f"/my/claims/{claim_id}/photos",
        files=photos(((200, 40, 40), False), ((200, 40, 40), True)),
        follow_redirects=False,
    )
    assert uploaded.status_code == 303
    assert uploaded.headers["location"].endswith("uploaded=2")
    licence = [
        (
            "files",
            ("xsz.png", document_bytes("vehicle_licence", {"plate": "沪A12345"}), "image/png"),
        )
    ]
    bad_type = api.post(
        f"/my/claims/{claim_id}/documents", data={"doc_type": "passport"}, files=licence
    )
    assert bad_type.status_code == 422
    docs = api.post(
        f"/my/claims/{claim_id}/documents",
        data={"doc_type": "vehicle_licence"},
        files=licence,
        follow_redirects=False,
    )
    assert docs.status_code == 303
    wait_for_claim(api, claim_id, adjuster)
    page = api.get(f"/my/claims/{claim_id}").text
    retake = re.search(r'<li class="retake"[^>]*>(.*?)</li>', page, re.S)
    assert retake and "p1.jpg" in retake.group(1) and "too dark" in retake.group(1)
    assert f"at least {MIN_PHOTOS - 1} more photo" in page
    assert "Bumper: seen in one photo only" in page
    assert re.search(r'<li class="done" data-material="vehicle_licence">', page)
    stored = api.get(f"/v1/claims/{claim_id}", headers=claimant).json()
    assert [p["filename"] for p in stored["photos"]] == ["p0.jpg", "p1.jpg"]
    assert stored["documents"][0]["declared_type"] == "vehicle_licence"


def test_photo_guidance_asks_again_for_failed_and_unclear_photos() -> None:
    def photo(pid: str, status: str, parts: list[str], warnings: list[dict[str, str]]) -> PhotoOut:
        assessment = {
            "parts": [{"label": p, "probability": 0.9, "detected": True} for p in parts],
            "warnings": warnings,
        }
        return PhotoOut.model_validate(
            {
                "id": pid,
                "filename": f"{pid}.jpg",
                "content_type": "image/jpeg",
                "size": 1,
                "width": 1,
                "height": 1,
                "sha256": "0" * 64,
                "captured_at": None,
                "uploaded_at": "2026-11-20T00:00:00Z",
                "status": status,
                "error": "cannot decode" if status == "failed" else None,
                "assessment": assessment if status == "assessed" else None,
            }
        )

    guidance = photo_guidance(
        [
            photo("a", "assessed", ["Bumper"], []),
            photo("b", "assessed", ["Bumper", "Door"], []),
            photo("c", "assessed", [], []),
            photo("d", "failed", [], []),
            photo("e", "assessed", ["Door"], [{"code": "blurred", "message": "blurred"}]),
            photo("f", "queued", [], []),
        ]
    )
    assert {r.photo_id: r.reasons for r in guidance.retakes} == {
        "c": ["unclear"],
        "d": ["failed"],
        "e": ["blurred"],
    }
    assert guidance.single_view_parts == ["Door"]
    assert guidance.parts_seen == ["Bumper", "Door"]
    assert guidance.more_photos_needed == 0 and guidance.pending == 1
    assert not guidance.all_good


def test_another_claimant_sees_neither_the_claim_nor_its_photos(
    api: TestClient, claimant: dict[str, str], adjuster: dict[str, str]
) -> None:
    claim_id = assessed_claim(api, claimant, adjuster)
    photo_id = api.get(f"/v1/claims/{claim_id}", headers=claimant).json()["photos"][0]["id"]
    sign_in(api, claimant)
    mine = api.get(f"/files/claims/{claim_id}/photos/{photo_id}")
    assert mine.status_code == 200 and mine.headers["content-type"] == "image/jpeg"
    sign_in(api, make_key(api, "claimant"))
    assert api.get(f"/my/claims/{claim_id}").status_code == 403
    assert api.get(f"/files/claims/{claim_id}/photos/{photo_id}").status_code == 403
    api.cookies.clear()
    assert api.get(f"/files/claims/{claim_id}/photos/{photo_id}").status_code == 401


def test_workbench_override_and_decision_go_through_the_review_api(
    api: TestClient, claimant: dict[str, str], adjuster: dict[str, str]
) -> None:
    claim_id = assessed_claim(api, claimant, adjuster)
    sign_in(api, adjuster)
    page = api.get(f"/adjuster/claims/{claim_id}").text
    assert 'id="line-Bumper"' in page and 'id="line-Door"' in page
    assert 'class="region"' in page and 'id="show-regions"' in page
    assert "R-" in page  # the rule that fired is shown as evidence
    before = api.get(f"/v1/claims/{claim_id}", headers=adjuster).json()
    url = f"/adjuster/claims/{claim_id}"

    no_reason = api.post(f"{url}/override", data={"line": "Bumper", "total": "100.00"})
    assert no_reason.status_code == 422 and "reason" in no_reason.text
    stale = api.post(
        f"{url}/override",
        data={"line": "Bumper", "total": "100.00", "reason": "quote", "expected_version": "1"},
    )
    assert stale.status_code == 409 and "version" in stale.text
    assert api.get(f"/v1/claims/{claim_id}", headers=adjuster).json()["estimate"]["overrides"] == []

    done = api.post(
        f"{url}/override",
        data={"line": "Bumper", "total": "100.00", "reason": "Shop quote", "part_cost": ""},
        follow_redirects=False,
    )
    assert done.status_code == 303
    estimate = api.get(f"/v1/claims/{claim_id}", headers=adjuster).json()["estimate"]
    assert estimate["overrides"][0]["changes"] == {"total": "100.00"}
    bumper = next(line for line in before["estimate"]["model"]["lines"] if line["part"] == "Bumper")
    assert float(estimate["total"]) == pytest.approx(
        float(before["estimate"]["total"]) - float(bumper["total"]) + 100
    )
    assert "Overridden" in api.get(url).text

    assert api.post(f"{url}/decision", data={"action": "reject", "reason": ""}).status_code == 422
    assert api.post(f"{url}/decision", data={"action": "pay"}).status_code == 422
    asked = api.post(
        f"{url}/decision",
        data={
            "action": "request_evidence",
            "reason": "Door photo is blurred",
            "materials": ["photos", "driver_licence"],
        },
        follow_redirects=False,
    )
    assert asked.status_code == 303
    claim = api.get(f"/v1/claims/{claim_id}", headers=adjuster).json()
    assert claim["status"] == "surveying"
    requested = claim["timeline"][-1]
    assert requested["kind"] == "evidence_requested"
    assert requested["detail"]["materials"] == ["photos", "driver_licence"]
    sign_in(api, claimant)
    asked_page = api.get(f"/my/claims/{claim_id}").text
    assert "More evidence requested: Door photo is blurred" in asked_page
    sign_in(api, adjuster)
    # surveying cannot be approved: the page explains the refusal and changes nothing
    refused = api.post(f"{url}/decision", data={"action": "approve"})
    assert refused.status_code == 409
    assert api.get(f"/v1/claims/{claim_id}", headers=adjuster).json()["status"] == "surveying"


def test_workbench_corrects_a_document_field_through_the_api(
    api: TestClient, claimant: dict[str, str], adjuster: dict[str, str]
) -> None:
    claim_id = assessed_claim(api, claimant, adjuster)
    scan = document_bytes("vehicle_licence", {"plate": "沪A12346"})
    files = [("files", ("xsz.png", scan, "image/png"))]
    assert api.post(f"/v1/claims/{claim_id}/documents", files=files, headers=claimant).is_success
    doc_id = wait_for_claim(api, claim_id, adjuster)["documents"][0]["id"]  # type: ignore[index]
    sign_in(api, adjuster)
    url = f"/adjuster/claims/{claim_id}"
    page = api.get(url).text
    assert f'action="{url}/documents/{doc_id}/corrections"' in page
    assert f'id="c-{doc_id}-plate-reason"' in page

    action = f"{url}/documents/{doc_id}/corrections"
    no_reason = api.post(action, data={"field": "plate", "value": "沪A12345"})
    assert no_reason.status_code == 422 and "reason" in no_reason.text
    unknown = api.post(action, data={"field": "colour", "value": "red", "reason": "seen"})
    assert unknown.status_code == 422 and "no field" in unknown.text
    done = api.post(
        action,
        data={"field": "plate", "value": "沪A12345", "reason": "Licence photo shows 5"},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"].endswith(f"#doc-{doc_id}")
    claim = wait_for_claim(api, claim_id, adjuster)
    plate = claim["documents"][0]["fields"]["plate"]  # type: ignore[index]
    assert plate["value"] == "沪A12345" and plate["original"]["value"] == "沪A12346"
    after = api.get(url).text
    assert 'class=" corrected"' in after or "corrected" in after
    assert "Licence photo shows 5" in after and "OCR read" in after


def test_queue_filters_sorts_and_pages(
    api: TestClient, claimant: dict[str, str], adjuster: dict[str, str]
) -> None:
    oldest = api.post("/v1/claims", json=FNOL, headers=claimant).json()["id"]
    for i in range(19):
        api.post("/v1/claims", json={**FNOL, "policy_number": f"P{i}"}, headers=claimant)
    assessed = assessed_claim(api, claimant, adjuster)
    sign_in(api, adjuster)
    rows = re.compile(r'<tr data-claim="([0-9a-f]+)">')
    first = api.get("/adjuster").text
    assert len(rows.findall(first)) == 20
    assert "Page 1 of 2 (21 claims)" in first
    second = api.get("/adjuster?page=2").text
    assert len(rows.findall(second)) == 1
    assert rows.findall(second) == [oldest]  # newest first: the oldest is last
    assert rows.findall(first)[0] == assessed
    by_age = rows.findall(api.get("/adjuster?sort=age").text)
    assert by_age[0] == oldest and assessed not in by_age  # oldest first over all pages
    assert rows.findall(api.get("/adjuster?sort=age&page=2").text) == [assessed]
    by_amount = rows.findall(api.get("/adjuster?sort=amount&page=1").text)
    assert by_amount[0] == assessed  # the only claim with an estimate
    only = api.get("/adjuster?status=assessed&sort=age").text
    assert rows.findall(only) == [assessed]
    assert "Page 1 of 1 (1 claims)" in only
    flagged = api.get("/v1/claims?has_flags=true", headers=adjuster).json()["items"]
    assert rows.findall(api.get("/adjuster?flags=yes").text) == [c["id"] for c in flagged]
    unflagged = rows.findall(api.get("/adjuster?flags=no").text)
    assert assessed not in unflagged and len(unflagged) == min(20, 21 - len(flagged))


def test_tracking_page_shows_progress_and_the_estimate_once_approved(
    api: TestClient, claimant: dict[str, str], adjuster: dict[str, str]
) -> None:
    claim_id = assessed_claim(api, claimant, adjuster)
    token = api.get(f"/v1/claims/{claim_id}", headers=claimant).json()["tracking_token"]
    assert api.get("/track/not-a-real-token-at-all").status_code == 404
    assert api.get("/track/x").status_code == 404
    waiting = api.get(f"/track/{token}").text
    assert "once an adjuster has approved it" in waiting
    assert "What will be repaired" not in waiting  # no lines before approval
    assert "13812345678" not in waiting and "沪A12345" not in waiting  # masked
    api.post(f"/v1/claims/{claim_id}/review", json={"action": "approve"}, headers=adjuster)
    approved = api.get(f"/track/{token}").text
    assert "Approved estimate for the repair" in approved
    kinds = re.findall(r'data-kind="([a-z_]+)"', approved)
    assert kinds[0] == "claim_reported" and "estimate_approved" in kinds
    # the tracking link alone is the claimant's way back: it shows the approved repairs
    assert "What will be repaired" in approved and "Bumper: repair + paint" in approved
    sign_in(api, claimant)
    assert f'href="/my/claims/{claim_id}"' in api.get(f"/track/{token}").text
    chinese = api.get(f"/track/{token}", headers={"Accept-Language": "zh-CN,zh;q=0.9"}).text
    assert "处理记录" in chinese and "核定维修金额约" in chinese


def test_language_choice_is_remembered(api: TestClient) -> None:
    english = api.get("/", headers={"Accept-Language": "en-GB"})
    assert '<html lang="en">' in english.text
    chosen = api.get("/?lang=zh-CN")
    assert '<html lang="zh-CN">' in chosen.text
    assert "lang=zh-CN" in chosen.headers["set-cookie"]
    assert '<html lang="zh-CN">' in api.get("/", headers={"Accept-Language": "en-GB"}).text
    assert 'href="http://testserver/?lang=en"' in api.get("/").text


def test_every_message_a_page_uses_exists_in_both_languages() -> None:
    used: set[str] = set()
    for template in TEMPLATES.glob("*.html"):
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_]+)["']""", template.read_text()))
    used |= {f"status_{s.value}" for s in ClaimStatus}
    used |= {f"status_text_{s.value}" for s in ClaimStatus}
    used |= {f"cause_{c}" for c in claimant_pages.CAUSES}
    used |= {f"doc_{d}" for d in (*claimant_pages.DOC_TYPES, "unknown")}
    used |= {f"material_{m}" for m in MATERIALS}
    used = {k for k in used if not k.endswith("_")}  # prefixes of the keys added above
    missing = sorted(k for k in used if k not in MESSAGES)
    assert missing == []
    assert all(en.strip() and zh.strip() for en, zh in MESSAGES.values())


def test_static_files_are_served_and_others_are_not(api: TestClient) -> None:
    css = api.get("/static/pages.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert api.get("/static/pages.js").status_code == 200
    assert api.get("/static/..%2Fclaimant.py").status_code == 404
