from __future__ import annotations

from fastapi.testclient import TestClient

from tests.service.conftest import make_key, wait_for_claim
from tests.service.doubles import photo_bytes
from tests.service.test_flow import FNOL


def test_list_filters_and_pagination(
    api: TestClient, claimant: dict[str, str], adjuster: dict[str, str]
) -> None:
    ids = [api.post("/v1/claims", json=FNOL, headers=claimant).json()["id"] for _ in range(5)]
    files = [("files", ("p.jpg", photo_bytes((200, 10, 10)), "image/jpeg"))]
    api.post(f"/v1/claims/{ids[0]}/photos", files=files, headers=claimant)
    assessed = wait_for_claim(api, ids[0], adjuster)
    api.post(
        f"/v1/claims/{ids[1]}/review",
        json={"action": "reject", "reason": "lapsed"},
        headers=adjuster,
    )

    page = api.get("/v1/claims?limit=2&offset=0", headers=adjuster).json()
    assert page["total"] == 5 and len(page["items"]) == 2
    rest = api.get("/v1/claims?limit=10&offset=2", headers=adjuster).json()
    assert len(rest["items"]) == 3
    assert {i["id"] for i in page["items"] + rest["items"]} == set(ids)
    rejected = api.get("/v1/claims?status=rejected", headers=adjuster).json()
    assert [i["id"] for i in rejected["items"]] == [ids[1]]
    fast = assessed["fast_track"]
    assert isinstance(fast, bool)
    by_fast = api.get(f"/v1/claims?fast_track={str(fast).lower()}", headers=adjuster).json()
    assert [i["id"] for i in by_fast["items"]] == [ids[0]]
    flagged = api.get("/v1/claims?has_flags=true", headers=adjuster).json()
    assert {i["id"] for i in flagged["items"]} <= {ids[0]}
    assert (ids[0] in {i["id"] for i in flagged["items"]}) == bool(assessed["flags"])
    assert api.get("/v1/claims?status=flying", headers=adjuster).status_code == 422
    other = make_key(api, "claimant")
    assert api.get("/v1/claims", headers=other).json()["total"] == 0


def test_metrics_are_prometheus_text(api: TestClient, claimant: dict[str, str]) -> None:
    api.post("/v1/claims", json=FNOL, headers=claimant)
    api.get("/v1/claims/nope", headers=claimant)
    text = api.get("/metrics").text
    assert "# TYPE autoclaim_http_requests_total counter" in text
    assert 'route="/v1/claims",status="201"' in text
    assert 'route="/v1/claims/{claim_id}",status="404"' in text
    assert "autoclaim_http_request_duration_seconds_bucket" in text
    assert 'autoclaim_work_items{status="queued"}' in text


def test_openapi_has_examples_for_bodies(api: TestClient) -> None:
    spec = api.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    assert schemas["ClaimCreate"]["examples"]
    review = spec["paths"]["/v1/claims/{claim_id}/review"]["post"]["requestBody"]
    assert set(review["content"]["application/json"]["examples"]) >= {"override", "approve"}
    assert (
        "ApiKeyHeader" in str(spec["components"]["securitySchemes"])
        or spec["components"]["securitySchemes"]
    )


def test_list_sorts_across_pages_and_carries_queue_columns(
    api: TestClient, claimant: dict[str, str], adjuster: dict[str, str]
) -> None:
    ids = [api.post("/v1/claims", json=FNOL, headers=claimant).json()["id"] for _ in range(3)]
    big, small, bare = ids
    for claim_id in (big, small):
        files = [("files", ("p.jpg", photo_bytes((200, 10, 10)), "image/jpeg"))]
        api.post(f"/v1/claims/{claim_id}/photos", files=files, headers=claimant)
        wait_for_claim(api, claim_id, adjuster)
    line = api.get(f"/v1/claims/{big}", headers=adjuster).json()["estimate"]["model"]["lines"][0]
    override = {"line": line["part"], "total": "99999.00", "reason": "shop quote"}
    api.post(
        f"/v1/claims/{big}/review",
        json={"action": "override", "lines": [override]},
        headers=adjuster,
    )
    api.post(
        f"/v1/claims/{bare}/review", json={"action": "reject", "reason": "lapsed"}, headers=adjuster
    )

    def order(query: str, limit: int = 1) -> list[str]:
        """The ids over all pages of `limit` items, to show the order holds across pages."""
        out: list[str] = []
        for offset in range(0, 3, limit):
            page = api.get(f"/v1/claims?{query}&limit={limit}&offset={offset}", headers=adjuster)
            assert page.status_code == 200, page.text
            out += [i["id"] for i in page.json()["items"]]
        return out

    assert order("sort=amount&order=desc") == [big, small, bare]
    assert order("sort=amount&order=asc") == [small, big, bare]  # no amount: last either way
    assert order("sort=created") == [bare, small, big]  # newest first by default
    assert order("sort=age&order=desc") == [big, small, bare]  # oldest first
    assert order("sort=status&order=desc")[0] == bare  # rejected comes after assessed
    flags = [
        i["flag_count"]
        for i in api.get("/v1/claims?sort=flags&order=desc", headers=adjuster).json()["items"]
    ]
    assert flags == sorted(flags, reverse=True)

    items = {i["id"]: i for i in api.get("/v1/claims", headers=adjuster).json()["items"]}
    assert items[big]["amount"] == "99999.00"
    small_total = api.get(f"/v1/claims/{small}", headers=adjuster).json()["estimate"]["total"]
    assert items[small]["amount"] == small_total
    assert items[bare]["amount"] is None and items[bare]["fast_track"] is None
    assert isinstance(items[small]["fast_track"], bool)
    assert all(i["age_seconds"] >= 0 for i in items.values())
    assert api.get("/v1/claims?sort=colour", headers=adjuster).status_code == 422
    assert api.get("/v1/claims?order=up", headers=adjuster).status_code == 422


def test_openapi_has_an_example_for_every_json_body_and_path_parameter(api: TestClient) -> None:
    spec = api.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    missing = []
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            body = op.get("requestBody", {}).get("content", {}).get("application/json")
            if body is not None:
                name = body["schema"].get("$ref", "").rsplit("/", 1)[-1]
                if not (body.get("examples") or schemas.get(name, {}).get("examples")):
                    missing.append(f"{method} {path} body")
            for param in op.get("parameters", []):
                if param["in"] == "path" and not (
                    param.get("examples") or param["schema"].get("examples")
                ):
                    missing.append(f"{method} {path} {param['name']}")
    assert missing == []
