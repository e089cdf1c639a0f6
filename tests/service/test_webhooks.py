"""Webhooks: each event is POSTed, signed; a failing endpoint is retried with backoff."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from autoclaim.claims.webhooks import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify
from tests.service.test_flow import FNOL
from tests.webhook_receiver import WebhookReceiver, running


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with running(WebhookReceiver(fail_first=2)) as r:
        yield r


def test_events_are_delivered_signed_and_retried(
    api: TestClient, admin: dict[str, str], claimant: dict[str, str], receiver: WebhookReceiver
) -> None:
    created = api.post("/v1/webhooks", json={"url": receiver.url}, headers=admin)
    assert created.status_code == 201
    secret = created.json()["secret"]
    assert api.get("/v1/webhooks", headers=admin).json()[0]["secret"] is None
    assert api.post("/v1/webhooks", json={"url": receiver.url}, headers=claimant).status_code == 403

    claim_id = api.post("/v1/claims", json=FNOL, headers=claimant).json()["id"]
    deadline = time.monotonic() + 15
    while not receiver.received and time.monotonic() < deadline:
        time.sleep(0.05)
    assert receiver.received, "no delivery arrived"
    headers, body = receiver.received[0]
    assert verify(secret, headers[TIMESTAMP_HEADER], body, headers[SIGNATURE_HEADER])
    assert not verify("other", headers[TIMESTAMP_HEADER], body, headers[SIGNATURE_HEADER])
    event = json.loads(body)
    assert (event["claim_id"], event["kind"]) == (claim_id, "claim_reported")
    assert receiver.attempts == 3  # two 500s, then delivered
    # The receiver answers before the dispatcher records the outcome: wait for the record.
    url = f"/v1/webhooks/{created.json()['id']}/deliveries"
    deadline = time.monotonic() + 15
    deliveries = api.get(url, headers=admin).json()
    while deliveries[0]["status"] != "delivered" and time.monotonic() < deadline:
        time.sleep(0.05)
        deliveries = api.get(url, headers=admin).json()
    assert deliveries[0]["status"] == "delivered" and deliveries[0]["attempts"] == 3
