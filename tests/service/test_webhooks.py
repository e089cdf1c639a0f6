"""Webhooks: each event is POSTed, signed; a failing endpoint is retried with backoff."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from fastapi.testclient import TestClient

from autoclaim.claims.webhooks import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify
from tests.service.test_flow import FNOL


class Receiver:
    """A real HTTP endpoint that fails its first `fail_first` requests with 500."""

    def __init__(self, fail_first: int) -> None:
        self.fail_first = fail_first
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.attempts = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.attempts += 1
                if receiver.attempts <= receiver.fail_first:
                    self.send_response(500)
                else:
                    receiver.received.append((dict(self.headers), body))
                    self.send_response(204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver(fail_first=2)
    thread = threading.Thread(target=r.server.serve_forever, daemon=True)
    thread.start()
    yield r
    r.server.shutdown()


def test_events_are_delivered_signed_and_retried(
    api: TestClient, admin: dict[str, str], claimant: dict[str, str], receiver: Receiver
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
