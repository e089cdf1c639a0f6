"""Who runs queued work: the `JobRunner` interface and what both runners share.

The database work-queue row is the source of truth in both runners: the API persists work
items with the claim change that caused them and then only calls `enqueue()`. The embedded
runner runs `Worker` threads in the API process; the Celery runner
(`autoclaim.claims.celery_jobs`) publishes a "work is waiting" task that a Celery worker
process answers with the same `Worker`. Either way rows are claimed here, and only here
(`claim_work`), with a conditional UPDATE. A claimed row carries a fencing token (its
`attempts` count): every write a worker makes for it first checks the token and renews the
lease in the same transaction, so a task delivered twice, or taken over after its worker
died, leaves exactly one result.
"""

from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta
from typing import Any, Protocol, TypeVar

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session, aliased

from autoclaim.claims.errors import ClaimsError, LeaseLostError
from autoclaim.claims.models import Claim, WorkItem, utcnow
from autoclaim.claims.store import WORK_ASSESS_PHOTO, WORK_ESTIMATE, ClaimStore

T = TypeVar("T")

log = logging.getLogger(__name__)


class JobRunnerConfigError(ClaimsError):
    """A job runner or analyser setting that cannot be used (names the bad value)."""


class JobRunner(Protocol):
    """Runs the persisted work queue. The API calls `enqueue()` after persisting work."""

    def start(self) -> None: ...

    def stop(self, timeout: float = 30.0) -> None: ...

    def enqueue(self) -> None:
        """Work items were persisted: get them processed (never blocks on the work itself)."""
        ...


def import_object(path: str) -> Any:
    """The object named by `'package.module:Name'` (analyser settings)."""
    module_name, sep, attr = path.partition(":")
    if not sep or not module_name or not attr:
        raise JobRunnerConfigError(f"import path {path!r} is not of the form 'module:Name'")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise JobRunnerConfigError(f"cannot import {module_name!r} (from {path!r}): {exc}") from exc
    try:
        return getattr(module, attr)
    except AttributeError as exc:
        raise JobRunnerConfigError(f"{module_name!r} has no attribute {attr!r}") from exc


def claimable(lease_seconds: float) -> Any:
    """Rows a worker may take: queued, or running with a lease nobody renewed in time."""
    stale = utcnow() - timedelta(seconds=lease_seconds)
    return or_(
        WorkItem.status == "queued",
        and_(WorkItem.status == "running", WorkItem.started_at < stale),
    )


def estimate_in_progress(lease_seconds: float) -> Any:
    """True for an estimate item whose claim has another estimate running on a live lease:
    a claim's estimates run one at a time, so the newest one sees all the evidence."""
    other = aliased(WorkItem)
    stale = utcnow() - timedelta(seconds=lease_seconds)
    busy = (
        select(other.id)
        .where(
            other.claim_id == WorkItem.claim_id,
            other.id != WorkItem.id,
            other.kind == WORK_ESTIMATE,
            other.status == "running",
            other.started_at >= stale,
        )
        .exists()
    )
    return (WorkItem.kind == WORK_ESTIMATE) & busy


def claim_work(store: ClaimStore, batch_size: int, lease_seconds: float) -> list[WorkItem]:
    """Mark the oldest claimable item running for this worker and return it; queued photo
    assessments of any claim are taken with it, up to `batch_size` (one model batch).

    Each row is taken with a conditional UPDATE on its `attempts` count, so two workers
    racing for the same row never both get it; the returned items' `attempts` is the token.
    """
    with Session(store.engine, expire_on_commit=False) as s, s.begin():
        first = s.scalar(
            select(WorkItem)
            .where(claimable(lease_seconds), ~estimate_in_progress(lease_seconds))
            .order_by(WorkItem.id)
            .limit(1)
        )
        if first is None:
            return []
        items = [first]
        if first.kind == WORK_ASSESS_PHOTO:
            items = list(
                s.scalars(
                    select(WorkItem)
                    .where(claimable(lease_seconds), WorkItem.kind == WORK_ASSESS_PHOTO)
                    .order_by(WorkItem.id)
                    .limit(batch_size)
                )
            )
        now = utcnow()
        taken: list[WorkItem] = []
        for item in items:
            result = s.execute(
                update(WorkItem)
                .where(
                    WorkItem.id == item.id,
                    WorkItem.attempts == item.attempts,
                    claimable(lease_seconds),
                )
                .values(status="running", started_at=now, attempts=WorkItem.attempts + 1)
                .execution_options(synchronize_session=False)
            )
            if result.rowcount == 1:  # type: ignore[attr-defined]
                taken.append(item)
        for item in taken:
            s.refresh(item)
        return taken


class FencedClaimStore(ClaimStore):
    """A `ClaimStore` whose writes, inside `holding(items)`, are only made while this worker
    still holds those items: each write transaction first checks their tokens (locking the
    rows) and renews their lease, and fails with `LeaseLostError` when one was taken over."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._held = threading.local()

    @contextmanager
    def holding(self, items: Sequence[WorkItem]) -> Iterator[None]:
        self._held.tokens = {item.id: (item.attempts, item.claim_id) for item in items}
        try:
            yield
        finally:
            self._held.tokens = None

    def _write(self, fn: Callable[[Session], T]) -> T:
        tokens: dict[int, tuple[int, str]] | None = getattr(self._held, "tokens", None)
        if not tokens:
            return super()._write(fn)

        def fenced(s: Session) -> T:
            # Work of one claim finishes one worker at a time (PostgreSQL row locks, in a
            # fixed order): the last finisher sees the others' rows done and queues the
            # claim's estimate, instead of each seeing the other still running.
            claim_ids = sorted({claim_id for _, claim_id in tokens.values()})
            s.execute(
                select(Claim.id).where(Claim.id.in_(claim_ids)).order_by(Claim.id).with_for_update()
            )
            for item_id, (attempts, _) in tokens.items():
                held = s.execute(
                    update(WorkItem)
                    .where(WorkItem.id == item_id, WorkItem.attempts == attempts)
                    .values(attempts=WorkItem.attempts)
                    .execution_options(synchronize_session=False)
                )
                if held.rowcount != 1:  # type: ignore[attr-defined]
                    raise LeaseLostError(item_id)
                s.execute(
                    update(WorkItem)
                    .where(WorkItem.id == item_id, WorkItem.status == "running")
                    .values(started_at=utcnow())
                    .execution_options(synchronize_session=False)
                )
            return fn(s)

        return super()._write(fenced)


def renew_lease(store: ClaimStore, items: Sequence[WorkItem]) -> int:
    """Renew the lease of those `items` this worker still holds; how many it still holds."""
    renewed = 0
    with Session(store.engine) as s, s.begin():
        for item in items:
            result = s.execute(
                update(WorkItem)
                .where(
                    WorkItem.id == item.id,
                    WorkItem.attempts == item.attempts,
                    WorkItem.status == "running",
                )
                .values(started_at=utcnow())
                .execution_options(synchronize_session=False)
            )
            renewed += int(result.rowcount or 0)  # type: ignore[attr-defined]
    return renewed


@contextmanager
def lease_kept(
    store: ClaimStore, items: Sequence[WorkItem], lease_seconds: float
) -> Iterator[None]:
    """Renew the items' lease every third of it while the body runs, so a batch that takes
    longer than the lease (a slow model) is not taken over and run twice."""
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(lease_seconds / 3):
            try:
                renew_lease(store, items)
            except Exception:  # the next write's fence check decides; keep beating
                log.exception("lease renewal failed")

    thread = threading.Thread(target=beat, name="autoclaim-lease", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def waiting_count(store: ClaimStore, lease_seconds: float) -> int:
    """Items a worker could take now: queued ones and running ones with a lapsed lease."""
    with Session(store.engine) as s:
        count = s.scalar(select(func.count()).select_from(WorkItem).where(claimable(lease_seconds)))
    return int(count or 0)
