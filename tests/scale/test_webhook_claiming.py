"""Webhook deliveries shared by dispatchers in several processes: each attempt is taken by
one dispatcher only, a lapsed lease is taken over, and a late outcome is refused."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from autoclaim.claims.db import make_engine
from autoclaim.claims.jobs import FencedClaimStore
from autoclaim.claims.models import WebhookDelivery, utcnow
from autoclaim.claims.principals import Role
from autoclaim.claims.webhooks import WebhookDispatcher
from tests.claims.factories import new_claim
from tests.webhook_receiver import WebhookReceiver, running


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with running(WebhookReceiver(delay_s=0.02)) as r:
        yield r


def _report_claims(store: FencedClaimStore, url: str, count: int) -> None:
    store.create_subscription(url)
    _key_id, key = store.create_api_key(Role.CLAIMANT)
    principal = store.authenticate(key)
    assert principal is not None
    for _ in range(count):
        store.create_claim(principal, new_claim())  # one `claim_reported` event each


def _replica_store(store: FencedClaimStore) -> FencedClaimStore:
    """A second store on its own engine and connections: another replica's view."""
    return FencedClaimStore(make_engine(store.engine.url.render_as_string(hide_password=False)))


def test_two_dispatchers_deliver_each_event_once(
    store: FencedClaimStore, receiver: WebhookReceiver
) -> None:
    events = 40
    _report_claims(store, receiver.url, events)
    other = _replica_store(store)
    dispatchers = [
        WebhookDispatcher(s, poll_seconds=0.01, batch_size=4) for s in (store, other, store)
    ]
    for dispatcher in dispatchers:
        dispatcher.start()
    deadline = time.monotonic() + 60
    while len(receiver.event_ids) < events and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)  # a duplicate send would arrive in this time
    for dispatcher in dispatchers:
        dispatcher.stop()
    other.engine.dispose()

    counts = Counter(receiver.event_ids)
    assert len(counts) == events
    assert max(counts.values()) == 1, {k: v for k, v in counts.items() if v > 1}
    assert sum(d.delivered for d in dispatchers) == events
    deliveries = store.deliveries(store.list_subscriptions()[0].id)
    assert {(d.status, d.attempts) for d in deliveries} == {("delivered", 1)}


def test_a_taken_delivery_waits_for_its_lease(store: FencedClaimStore) -> None:
    _report_claims(store, "http://127.0.0.1:9/unused", 1)
    other = _replica_store(store)
    try:
        [(taken, _sub, _event)] = store.claim_deliveries(10, lease_seconds=60)
        assert taken.attempts == 1
        assert other.claim_deliveries(10, lease_seconds=60) == []  # still leased

        with Session(store.engine) as s, s.begin():  # the first process died: lease lapses
            s.execute(
                update(WebhookDelivery).values(next_attempt_at=utcnow() - timedelta(seconds=1))
            )
        [(again, _sub, _event)] = other.claim_deliveries(10, lease_seconds=60)
        assert (again.id, again.attempts) == (taken.id, 2)

        assert not store.record_delivery(taken.id, taken.attempts, None, None)  # too late
        assert other.record_delivery(again.id, again.attempts, "HTTP 500", timedelta(seconds=5))
        [row] = store.deliveries(store.list_subscriptions()[0].id)
        assert (row.status, row.attempts, row.last_error) == ("pending", 2, "HTTP 500")
        assert store.claim_deliveries(10, lease_seconds=60) == []  # backing off
    finally:
        other.engine.dispose()
