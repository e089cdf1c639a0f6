"""Work rows claimed by competing workers: batches across claims, one taker per row, and a
lapsed lease taken over without a second result."""

from __future__ import annotations

import dataclasses
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from autoclaim.claims.blobs import FileBlobStore
from autoclaim.claims.errors import LeaseLostError
from autoclaim.claims.estimating import ClaimEstimator
from autoclaim.claims.jobs import FencedClaimStore, JobRunnerConfigError, claim_work, import_object
from autoclaim.claims.models import Event, WorkItem, utcnow
from autoclaim.claims.principals import Role
from autoclaim.claims.worker import Worker
from tests.claims.factories import new_claim, new_photo
from tests.scale.doubles import DELAY_ENV, DelayedStatsAssessor
from tests.service.doubles import PngTextReader, StatsAssessor, photo_bytes


def _claim_with_photos(store: FencedClaimStore, blobs: FileBlobStore, count: int, seed: int) -> str:
    _key_id, key = store.create_api_key(Role.CLAIMANT)
    principal = store.authenticate(key)
    assert principal is not None
    claim_id, _ = store.create_claim(principal, new_claim())
    photos = []
    for i in range(count):
        data = photo_bytes((200, 30, 30), seed=seed + i)
        photos.append(
            dataclasses.replace(new_photo(seed + i), sha256=blobs.put(data), size=len(data))
        )
    store.add_photos(principal, claim_id, photos)
    return claim_id


def _worker(store: FencedClaimStore, blobs: FileBlobStore, assessor: StatsAssessor) -> Worker:
    return Worker(store, blobs, assessor, PngTextReader(), ClaimEstimator(store))


def _events(store: FencedClaimStore, kind: str) -> int:
    with Session(store.engine) as s:
        return int(s.scalar(select(func.count()).select_from(Event).where(Event.kind == kind)) or 0)


def test_photos_of_several_claims_form_one_batch(
    store: FencedClaimStore, blobs: FileBlobStore
) -> None:
    first = _claim_with_photos(store, blobs, 2, seed=1)
    second = _claim_with_photos(store, blobs, 3, seed=10)
    items = claim_work(store, batch_size=8, lease_seconds=60)
    assert {i.claim_id for i in items} == {first, second} and len(items) == 5
    assessor = StatsAssessor()
    with store.holding(items):
        _worker(store, blobs, assessor).process(items)
    assert assessor.batches == [5]
    assert _events(store, "photos_assessed") == 2  # one per claim
    estimates = claim_work(store, batch_size=8, lease_seconds=60)
    assert [i.kind for i in estimates] == ["estimate"]


def test_a_row_is_taken_by_one_worker_only(store: FencedClaimStore, blobs: FileBlobStore) -> None:
    _claim_with_photos(store, blobs, 3, seed=1)
    assert len(claim_work(store, batch_size=8, lease_seconds=60)) == 3
    assert claim_work(store, batch_size=8, lease_seconds=60) == []  # the duplicate delivery


def test_lapsed_lease_is_taken_over_and_leaves_one_result(
    store: FencedClaimStore, blobs: FileBlobStore
) -> None:
    _claim_with_photos(store, blobs, 2, seed=1)
    stalled = claim_work(store, batch_size=8, lease_seconds=60)
    with Session(store.engine) as s, s.begin():  # the first worker stops renewing its lease
        s.execute(update(WorkItem).values(started_at=utcnow() - timedelta(seconds=120)))
    taken_over = claim_work(store, batch_size=8, lease_seconds=60)
    assert [i.id for i in taken_over] == [i.id for i in stalled]
    assert all(i.attempts == 2 for i in taken_over)

    with store.holding(taken_over):
        _worker(store, blobs, StatsAssessor()).process(taken_over)
    late = _worker(store, blobs, StatsAssessor())
    with store.holding(stalled), pytest.raises(LeaseLostError):
        late.process(stalled)  # the first worker wakes up: its result is refused

    assert _events(store, "photos_assessed") == 1
    assert _events(store, "work_failed") == 0
    with Session(store.engine) as s:
        statuses = s.scalars(select(WorkItem.status).where(WorkItem.kind == "assess_photo"))
        assert set(statuses) == {"done"}


def test_a_claims_estimates_run_one_at_a_time(
    store: FencedClaimStore, blobs: FileBlobStore
) -> None:
    claim_id = _claim_with_photos(store, blobs, 1, seed=1)
    photos = claim_work(store, batch_size=8, lease_seconds=60)
    with store.holding(photos):
        _worker(store, blobs, StatsAssessor()).process(photos)
    first = claim_work(store, batch_size=8, lease_seconds=60)
    assert [i.kind for i in first] == ["estimate"]
    _key_id, key = store.create_api_key(Role.ADJUSTER)
    adjuster = store.authenticate(key)
    assert adjuster is not None
    store.request_estimate(adjuster, claim_id)  # a second estimate queued meanwhile
    assert claim_work(store, batch_size=8, lease_seconds=60) == []
    with store.holding(first):
        _worker(store, blobs, StatsAssessor()).process(first)
    second = claim_work(store, batch_size=8, lease_seconds=60)
    assert [i.kind for i in second] == ["estimate"] and second[0].id != first[0].id


def test_a_fresh_lease_is_not_taken_over(store: FencedClaimStore, blobs: FileBlobStore) -> None:
    _claim_with_photos(store, blobs, 1, seed=1)
    assert len(claim_work(store, batch_size=8, lease_seconds=60)) == 1
    assert claim_work(store, batch_size=8, lease_seconds=60) == []


def test_analyser_import_paths_are_checked() -> None:
    assert import_object("tests.service.doubles:StatsAssessor") is StatsAssessor
    for bad in ("tests.service.doubles", "no.such.module:X", "tests.service.doubles:Nope"):
        with pytest.raises(JobRunnerConfigError, match="'"):
            import_object(bad)


def _running_photos(store: FencedClaimStore) -> int:
    with Session(store.engine) as s:
        count = s.scalar(
            select(func.count())
            .select_from(WorkItem)
            .where(WorkItem.kind == "assess_photo", WorkItem.status == "running")
        )
    return int(count or 0)


def test_a_batch_longer_than_its_lease_keeps_it(
    store: FencedClaimStore, blobs: FileBlobStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    _claim_with_photos(store, blobs, 2, seed=1)
    # The model takes three leases; leases of 2 s leave the heartbeat (every 2/3 s) room on a
    # loaded machine, where a 0.5 s lease lapsed before the heartbeat thread got the CPU.
    monkeypatch.setenv(DELAY_ENV, "6")
    worker = Worker(
        store,
        blobs,
        DelayedStatsAssessor(),
        PngTextReader(),
        ClaimEstimator(store),
        lease_seconds=2.0,
    )
    running = threading.Thread(target=worker.run_once)
    running.start()
    # The other worker starts trying once this one holds the batch; before that, taking the
    # queued rows is a fair race, not a lease taken over (on a loaded machine the thread
    # starts late and lost it).
    deadline = time.monotonic() + 30
    while _running_photos(store) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert _running_photos(store) == 2
    taken_over: list[WorkItem] = []
    while running.is_alive():
        others = claim_work(store, batch_size=8, lease_seconds=2.0)  # another worker tries
        taken_over += [i for i in others if i.kind == "assess_photo"]
        time.sleep(0.05)
    running.join()
    assert taken_over == []
    assert worker.processed == 2
    assert _events(store, "photos_assessed") == 1


class _RacingWorker(Worker):
    """Its first look at the queue finds nothing, and work arrives (with its wake-up call)
    before the thread goes to sleep: the window where a wake-up can be lost."""

    def __init__(self, *args: object, arrive: threading.Event, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.arrive = arrive
        self.looks = 0

    def run_once(self) -> int:
        self.looks += 1
        if self.looks == 1:
            self.arrive.set()  # the uploader enqueues now and calls enqueue()
            time.sleep(0.2)
            return 0
        return super().run_once()


def test_work_enqueued_while_the_worker_looks_is_not_left_until_the_next_poll(
    store: FencedClaimStore, blobs: FileBlobStore
) -> None:
    arrive = threading.Event()
    worker = _RacingWorker(
        store,
        blobs,
        StatsAssessor(),
        PngTextReader(),
        ClaimEstimator(store),
        threads=1,
        poll_seconds=30.0,
        arrive=arrive,
    )
    worker.start()
    try:
        assert arrive.wait(5)
        _claim_with_photos(store, blobs, 1, seed=3)
        worker.enqueue()
        deadline = time.monotonic() + 5
        while worker.processed == 0 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert worker.processed >= 1, "the wake-up was lost: the work waited for the next poll"
    finally:
        worker.stop()
