"""The claim repository on SQLite and on PostgreSQL (`postgres` marker)."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import inspect

from autoclaim.claims.errors import (
    IdempotencyConflictError,
    InvalidTransitionError,
    NotFoundError,
    PermissionDeniedError,
    VersionConflictError,
)
from autoclaim.claims.jobs import claim_work
from autoclaim.claims.principals import Principal, Role
from autoclaim.claims.store import ClaimFilter, ClaimStore, LineOverride
from autoclaim.claims.workflow import ClaimStatus
from tests.claims.factories import new_claim, new_photo


def _principal(store: ClaimStore, role: Role) -> Principal:
    key_id, key = store.create_api_key(role)
    principal = store.authenticate(key)
    assert principal == Principal(key_id, role)
    return principal


def test_migrations_create_every_table(store: ClaimStore) -> None:
    tables = set(inspect(store.engine).get_table_names())
    assert {
        "claims",
        "photos",
        "documents",
        "estimates",
        "overrides",
        "events",
        "webhook_subscriptions",
        "webhook_deliveries",
        "idempotency_keys",
        "api_keys",
        "work_items",
        "alembic_version",
    } <= tables


def test_keys_are_stored_hashed_and_unknown_keys_rejected(store: ClaimStore) -> None:
    _key_id, key = store.create_api_key(Role.ADJUSTER, "desk 1")
    with store.engine.connect() as conn:
        stored = conn.exec_driver_sql("SELECT key_hash, prefix FROM api_keys").all()
    assert all(key not in row[0] for row in stored)
    assert store.authenticate(key + "x") is None


def test_claim_round_trip_and_idempotency(store: ClaimStore) -> None:
    claimant = _principal(store, Role.CLAIMANT)
    claim_id, created = store.create_claim(claimant, new_claim(), idempotency_key="k-1")
    again, created_again = store.create_claim(claimant, new_claim(), idempotency_key="k-1")
    assert created and not created_again and again == claim_id
    with pytest.raises(IdempotencyConflictError, match="k-1"):
        store.create_claim(claimant, new_claim(plate="沪C00000"), idempotency_key="k-1")
    record = store.get_claim(claimant, claim_id)
    assert record.claim.plate == "沪A12345"
    assert record.claim.accident_at.tzinfo is not None
    assert record.claim.status == "reported"
    assert [e.kind for e in record.events] == ["claim_reported"]
    assert record.events[0].role == "claimant"


def test_claimant_sees_only_own_claims(store: ClaimStore) -> None:
    alice = _principal(store, Role.CLAIMANT)
    bob = _principal(store, Role.CLAIMANT)
    adjuster = _principal(store, Role.ADJUSTER)
    claim_id, _ = store.create_claim(alice, new_claim())
    with pytest.raises(PermissionDeniedError):
        store.get_claim(bob, claim_id)
    assert store.list_claims(bob, ClaimFilter(), 10, 0) == ([], 0)
    assert store.list_claims(adjuster, ClaimFilter(), 10, 0)[1] == 1
    with pytest.raises(NotFoundError):
        store.get_claim(adjuster, "nope")


def test_photos_queue_work_and_start_the_survey(store: ClaimStore) -> None:
    claimant = _principal(store, Role.CLAIMANT)
    claim_id, _ = store.create_claim(claimant, new_claim())
    ids = store.add_photos(claimant, claim_id, [new_photo(1), new_photo(2)])
    record = store.get_claim(claimant, claim_id)
    assert [p.id for p in record.photos] == ids
    assert record.claim.status == "surveying"
    assert record.pending_work == 2
    batch = claim_work(store, batch_size=8, lease_seconds=60)
    assert sorted(i.target_id or "" for i in batch) == sorted(ids)
    assert all(i.status == "running" and i.attempts == 1 for i in batch)
    assert claim_work(store, batch_size=8, lease_seconds=60) == []
    store.finish_work(batch)
    kinds = [(i.kind, i.status) for i in store.work_items(claim_id)]
    assert kinds[-1] == ("estimate", "queued")


def test_interrupted_work_is_taken_over_when_its_lease_lapses(store: ClaimStore) -> None:
    claimant = _principal(store, Role.CLAIMANT)
    claim_id, _ = store.create_claim(claimant, new_claim())
    store.add_photos(claimant, claim_id, [new_photo(1)])
    taken = claim_work(store, batch_size=8, lease_seconds=60)
    assert len(taken) == 1
    assert claim_work(store, batch_size=8, lease_seconds=60) == []  # its lease is live
    time.sleep(0.05)
    again = claim_work(store, batch_size=8, lease_seconds=0.01)  # the lease has lapsed
    assert [i.id for i in again] == [taken[0].id]
    assert again[0].attempts == 2


def test_workflow_and_expected_version(store: ClaimStore) -> None:
    adjuster = _principal(store, Role.ADJUSTER)
    claim_id, _ = store.create_claim(adjuster, new_claim())
    with pytest.raises(InvalidTransitionError):
        store.change_status(adjuster, claim_id, ClaimStatus.PAID, "pay", "approved")
    version = store.get_claim(adjuster, claim_id).claim.version
    with pytest.raises(VersionConflictError):
        store.change_status(
            adjuster, claim_id, ClaimStatus.REJECTED, "fraud", "rejected", version + 5
        )
    store.change_status(adjuster, claim_id, ClaimStatus.REJECTED, "fraud", "rejected", version)
    record = store.get_claim(adjuster, claim_id)
    assert record.claim.status == "rejected"
    assert record.events[-1].kind == "rejected"
    assert record.events[-1].reason == "fraud"
    assert (record.events[-1].from_status, record.events[-1].to_status) == (
        "reported",
        "rejected",
    )


def test_overrides_keep_model_figures(store: ClaimStore) -> None:
    adjuster = _principal(store, Role.ADJUSTER)
    claim_id, _ = store.create_claim(adjuster, new_claim())
    body = {"lines": [{"part": "Bumper", "part_cost": 800.0, "labour_hours": 2.0}]}
    store.save_estimate(claim_id, body, total=1000.0, fast_track=True, flag_count=0)
    store.override_lines(
        adjuster, claim_id, [LineOverride("Bumper", {"part_cost": 650.0}, "OEM price list")]
    )
    record = store.get_claim(adjuster, claim_id)
    assert record.estimate is not None
    assert record.estimate.body["lines"][0]["part_cost"] == 800.0
    assert record.overrides[0].original == {"part_cost": 800.0}
    assert record.overrides[0].changes == {"part_cost": 650.0}


def test_parallel_writes_lose_nothing(store: ClaimStore) -> None:
    """20 threads add photos and 20 add overrides to one claim: every write is kept."""
    adjuster = _principal(store, Role.ADJUSTER)
    claim_id, _ = store.create_claim(adjuster, new_claim())
    store.save_estimate(claim_id, {"lines": [{"part": "Door", "part_cost": 1.0}]}, 1.0, False, 0)
    start_version = store.get_claim(adjuster, claim_id).claim.version

    def upload(i: int) -> None:
        store.add_photos(adjuster, claim_id, [new_photo(i)])

    def review(i: int) -> None:
        store.override_lines(
            adjuster, claim_id, [LineOverride("Door", {"part_cost": float(i)}, f"r{i}")]
        )

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(upload, range(20)))
        list(pool.map(review, range(20)))
    record = store.get_claim(adjuster, claim_id)
    assert len(record.photos) == 20
    assert len(record.overrides) == 20
    kinds = [e.kind for e in record.events]
    assert kinds.count("photos_uploaded") == 20
    assert kinds.count("line_overridden") == 20
    # every write bumped the version once, the reported → surveying transition once more
    assert record.claim.version == start_version + 41


def test_a_claims_estimates_run_one_at_a_time(store: ClaimStore) -> None:
    adjuster = _principal(store, Role.ADJUSTER)
    claim_id, _ = store.create_claim(adjuster, new_claim())
    other_id, _ = store.create_claim(adjuster, new_claim())
    store.add_photos(adjuster, claim_id, [new_photo(1)])
    store.finish_work(claim_work(store, batch_size=8, lease_seconds=60))
    running = claim_work(store, batch_size=8, lease_seconds=60)
    assert [(i.kind, i.claim_id) for i in running] == [("estimate", claim_id)]
    store.request_estimate(adjuster, claim_id)  # queued while one is running
    store.request_estimate(adjuster, other_id)
    assert [(i.kind, i.claim_id) for i in claim_work(store, 8, 60)] == [("estimate", other_id)]
    assert claim_work(store, batch_size=8, lease_seconds=60) == []
    store.finish_work(running)
    assert [(i.kind, i.claim_id) for i in claim_work(store, 8, 60)] == [("estimate", claim_id)]
