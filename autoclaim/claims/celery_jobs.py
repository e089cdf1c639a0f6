"""The Celery job runner: API replicas publish, Celery worker processes do the work.

Run a worker with (one process per core; each loads the analysers once, at start):

    celery -A autoclaim.claims.celery_jobs worker -Q autoclaim --concurrency 1

The task carries no payload: it means "work is waiting". A worker answers it by claiming
rows from the database queue (`Worker.run_once`, the lease-fenced path the embedded runner
uses too) until none is left, so one message per upload is enough, batches form across
claims, and a lost or duplicated message never loses or duplicates work. Tasks are
acknowledged late and rejected when their worker process dies, so Redis / RabbitMQ redeliver
them; each worker process also looks for abandoned rows every half lease, in case a message
was never published (broker down during an upload).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

from autoclaim.claims.blobs import open_blob_store
from autoclaim.claims.db import make_engine
from autoclaim.claims.estimating import ClaimEstimator
from autoclaim.claims.jobs import FencedClaimStore, JobRunnerConfigError, waiting_count
from autoclaim.claims.worker import Worker
from autoclaim.config import Settings, get_settings

try:
    from celery import Celery
    from celery.signals import worker_process_init, worker_process_shutdown
except ImportError as exc:  # pragma: no cover - depends on the installed extras
    raise JobRunnerConfigError(
        "AUTOCLAIM_JOB_RUNNER=celery needs Celery: pip install 'autoclaim[scale]'"
    ) from exc

log = logging.getLogger(__name__)

TASK_NAME = "autoclaim.process_work"
TASK_TIME_BUDGET_S = 20.0  # a task hands over (re-publishes itself) after this long


def make_celery(settings: Settings) -> Celery:
    """A Celery app for `settings`: late acknowledgement, one task in hand per process."""
    app = Celery("autoclaim", broker=settings.broker_url, set_as_current=False)
    app.conf.update(
        task_default_queue=settings.job_queue,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_ignore_result=True,
        worker_prefetch_multiplier=1,
        worker_hijack_root_logger=False,
        broker_connection_retry_on_startup=True,
        # Redis: an unacknowledged task is redelivered after this long; it must exceed
        # the longest task (TASK_TIME_BUDGET_S plus one batch).
        broker_transport_options={"visibility_timeout": settings.job_visibility_timeout_seconds},
    )
    return app


class CeleryJobRunner:
    """The API side: `enqueue()` publishes one "work is waiting" message."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.app = make_celery(settings)
        self.published = 0

    def start(self) -> None:
        """Nothing to start: the work runs in Celery worker processes."""

    def stop(self, timeout: float = 30.0) -> None:
        self.app.close()

    def enqueue(self) -> None:
        try:
            self.app.send_task(TASK_NAME, queue=self.settings.job_queue)
            self.published += 1
        except Exception:  # the rows are persisted; a worker's sweep will find them
            log.exception("could not publish to the broker; work stays queued in the database")


@dataclass
class WorkerContext:
    """What one worker process loads once: store, blobs, analysers, estimator."""

    settings: Settings
    store: FencedClaimStore
    worker: Worker


def build_context(settings: Settings) -> WorkerContext:
    """Load everything a worker process needs (the analysers from their import paths)."""
    from autoclaim.service.app import make_analysers

    engine = make_engine(settings.resolved_database_url())
    store = FencedClaimStore(engine)
    assessor, reader = make_analysers(settings)
    worker = Worker(
        store,
        open_blob_store(settings.resolved_blob_url(), settings.s3_endpoint_url, settings.s3_region),
        assessor,
        reader,
        ClaimEstimator(store, settings.price_book),
        batch_size=settings.worker_batch_size,
        lease_seconds=settings.job_lease_seconds,
    )
    return WorkerContext(settings, store, worker)


def run_available_work(context: WorkerContext, budget_s: float) -> tuple[int, bool]:
    """Claim and run batches until the queue is empty or `budget_s` is spent.

    Returns (items run, whether work may be left)."""
    deadline = time.monotonic() + budget_s
    done = 0
    while time.monotonic() < deadline:
        taken = context.worker.run_once()
        if not taken:
            return done, False
        done += taken
    return done, True


# ---------------------------------------------------------------- the worker process side

settings = get_settings()
app = make_celery(settings)
_context: WorkerContext | None = None
_context_lock = threading.Lock()


def _get_context() -> WorkerContext:
    global _context
    with _context_lock:
        if _context is None:
            _context = build_context(settings)
            _context.store.on_work_enqueued = _publish
        return _context


def _publish() -> None:
    try:
        app.send_task(TASK_NAME, queue=settings.job_queue)
    except Exception:
        log.exception("could not publish to the broker; work stays queued in the database")


def process_work() -> int:
    """The task: run waiting work; hand over to a fresh task when the budget is spent."""
    done, more = run_available_work(_get_context(), TASK_TIME_BUDGET_S)
    if more:
        _publish()
    return done


process_work_task = app.task(
    name=TASK_NAME, acks_late=True, reject_on_worker_lost=True, ignore_result=True
)(process_work)


def _sweep_forever(interval_s: float) -> None:
    """Publish a task now and then while abandoned or unannounced work is waiting."""
    while True:
        time.sleep(interval_s)
        try:
            if waiting_count(_get_context().store, settings.job_lease_seconds):
                _publish()
        except Exception:
            log.exception("sweep failed")


def _on_process_init(**_: Any) -> None:
    """Load the analysers once per worker process, before its first task."""
    context = _get_context()
    load_model = getattr(context.worker.assessor, "_load", None)  # VisionAssessor loads lazily
    if load_model is not None:
        try:
            load_model()
        except Exception as exc:  # the failure is recorded on each photo's work item instead
            log.warning("vision model not loaded", extra={"error": str(exc)})
    interval = max(1.0, settings.job_lease_seconds / 2)
    threading.Thread(target=_sweep_forever, args=(interval,), daemon=True).start()
    log.info("autoclaim worker process ready")


def _on_process_shutdown(**_: Any) -> None:
    if _context is not None:
        _context.store.engine.dispose()


worker_process_init.connect(_on_process_init, weak=False)
worker_process_shutdown.connect(_on_process_shutdown, weak=False)
