"""The background worker: claims persisted work items and runs them off the request path.

Both job runners use it: the embedded runner runs its threads in the API process, and each
Celery worker process runs its batches from a task. Either way items are taken through the
one lease-fenced path (`jobs.claim_work`, `FencedClaimStore.holding`), so several processes
can share the queue, and a restart loses nothing: queued items are taken at once, and items
that were running when a process died are taken over once their lease lapses."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from autoclaim.claims.analysers import DocumentReader, PhotoAssessor
from autoclaim.claims.blobs import BlobStore
from autoclaim.claims.errors import AnalyserUnavailableError, LeaseLostError, UploadError
from autoclaim.claims.jobs import FencedClaimStore, claim_work, lease_kept
from autoclaim.claims.models import WorkItem
from autoclaim.claims.store import WORK_ASSESS_PHOTO, WORK_ESTIMATE, WORK_READ_DOCUMENT
from autoclaim.estimate.errors import EstimateError

log = logging.getLogger(__name__)

EstimateRunner = Callable[[str], None]

# Declared document kinds OCR knows; others (id_card, accident_report) are read untyped.
OCR_DOC_TYPES = ("vehicle_licence", "driver_licence", "vat_invoice", "repair_invoice", "receipt")


class Worker:
    """`threads` threads that run queued work (a claim's photos and each document can be
    processed at the same time); `wake()` makes them look at the queue at once."""

    def __init__(
        self,
        store: FencedClaimStore,
        blobs: BlobStore,
        assessor: PhotoAssessor,
        reader: DocumentReader,
        run_estimate: EstimateRunner,
        batch_size: int = 8,
        max_attempts: int = 3,
        poll_seconds: float = 1.0,
        threads: int = 2,
        lease_seconds: float = 60.0,
    ) -> None:
        self.store = store
        self.blobs = blobs
        self.assessor = assessor
        self.reader = reader
        self.run_estimate = run_estimate
        self.batch_size = batch_size
        self.max_attempts = max_attempts
        self.poll_seconds = poll_seconds
        self.threads = threads
        self.lease_seconds = lease_seconds
        self._wake = threading.Condition()
        self._woken = False
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._counts = threading.Lock()
        self.processed = 0
        self.failed = 0

    def start(self) -> None:
        self._stop.clear()
        self._threads = [
            threading.Thread(target=self._loop, name=f"autoclaim-worker-{i}", daemon=True)
            for i in range(self.threads)
        ]
        for thread in self._threads:
            thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Finish the items in hand, then stop (queued items stay queued)."""
        self._stop.set()
        self.wake()
        for thread in self._threads:
            thread.join(timeout)
        self._threads = []

    def wake(self) -> None:
        with self._wake:
            self._woken = True
            self._wake.notify_all()

    def enqueue(self) -> None:
        """New work is persisted: look at the queue now (the `JobRunner` entry point)."""
        self.wake()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                did_work = self.run_once()
            except Exception:  # the database may be briefly unavailable; keep the thread
                log.exception("worker iteration failed")
                did_work = False
            if not did_work and not self._stop.is_set():
                with self._wake:
                    # Work enqueued while run_once looked (and found nothing) set the flag:
                    # look again at once instead of sleeping through its wake-up.
                    if not self._woken:
                        self._wake.wait(self.poll_seconds)
                    self._woken = False

    def _count(self, processed: int = 0, failed: int = 0) -> None:
        with self._counts:
            self.processed += processed
            self.failed += failed

    def run_once(self) -> int:
        """Claim one batch and run it, renewing its lease meanwhile and writing only while it
        still holds it; the number of items taken (0 when nothing was waiting)."""
        items = claim_work(self.store, self.batch_size, self.lease_seconds)
        if not items:
            return 0
        try:
            with self.store.holding(items), lease_kept(self.store, items, self.lease_seconds):
                self.process(items)
        except LeaseLostError as exc:
            log.warning("work taken over by another worker", extra={"error": str(exc)})
        return len(items)

    def process(self, items: Sequence[WorkItem]) -> None:
        """Run items this worker claimed (inside `store.holding(items)`): one kind; photo
        items may span claims."""
        kind = items[0].kind
        try:
            if kind == WORK_ASSESS_PHOTO:
                self._assess_photos(items)
            elif kind == WORK_READ_DOCUMENT:
                self._read_document(items[0])
            elif kind == WORK_ESTIMATE:
                self.run_estimate(items[0].claim_id)
                self.store.finish_work(items)
            else:
                self.store.fail_work(items, f"unknown work kind {kind!r}", retry=False)
                return
            self._count(processed=len(items))
        except LeaseLostError:
            raise  # another worker took these items over; it records their outcome
        except (AnalyserUnavailableError, EstimateError) as exc:
            # Not transient: retrying cannot help until the deployment or the data changes.
            self._fail(items, str(exc), retry=False)
        except Exception as exc:
            log.exception("work failed", extra={"kind": kind, "claim_id": items[0].claim_id})
            retry = all(item.attempts < self.max_attempts for item in items)
            self._fail(items, f"{type(exc).__name__}: {exc}", retry=retry)

    def _fail(self, items: Sequence[WorkItem], error: str, retry: bool) -> None:
        if not retry:
            self._count(failed=len(items))
            if items[0].kind == WORK_ASSESS_PHOTO:
                for claim_id, group in by_claim(items).items():
                    self.store.save_photo_results(
                        claim_id, {}, {i.target_id or "": error for i in group}
                    )
            elif items[0].kind == WORK_READ_DOCUMENT:
                self.store.save_document_result(
                    items[0].claim_id, items[0].target_id or "", None, error
                )
        self.store.fail_work(items, error, retry=retry)

    def _assess_photos(self, items: Sequence[WorkItem]) -> None:
        photos = self.store.photos_by_id([item.target_id or "" for item in items])
        images = [self.blobs.get(photo.sha256) for photo in photos]
        results: dict[str, dict[str, Any]] = {}
        failures: dict[str, str] = {}
        try:
            assessments = self.assessor.assess(images)
            results = {photo.id: a for photo, a in zip(photos, assessments, strict=True)}
        except UploadError:
            # One bad photo spoils the batch: assess one by one to keep the good ones.
            for photo, image in zip(photos, images, strict=True):
                try:
                    results[photo.id] = self.assessor.assess([image])[0]
                except UploadError as exc:
                    failures[photo.id] = str(exc).replace("'photo': ", f"{photo.filename!r}: ")
        for claim_id, group in by_claim(items).items():
            targets = {item.target_id for item in group}
            self.store.save_photo_results(
                claim_id,
                {k: v for k, v in results.items() if k in targets},
                {k: v for k, v in failures.items() if k in targets},
            )
        done = [i for i in items if i.target_id in results]
        failed = [i for i in items if i.target_id in failures]
        if done:
            self.store.finish_work(done)
        for item in failed:
            self._count(failed=1)
            self.store.fail_work([item], failures[item.target_id or ""], retry=False)

    def _read_document(self, item: WorkItem) -> None:
        doc = self.store.document_row(item.target_id or "")
        data = self.blobs.get(doc.sha256)
        try:
            hint = doc.declared_type if doc.declared_type in OCR_DOC_TYPES else None
            reading = self.reader.read(data, doc.filename, hint)
        except UploadError as exc:
            self._count(failed=1)
            self.store.save_document_result(item.claim_id, doc.id, None, str(exc))
            self.store.fail_work([item], str(exc), retry=False)
            return
        self.store.save_document_result(item.claim_id, doc.id, reading, None)
        self.store.finish_work([item])

    def drain(self, timeout: float = 30.0) -> bool:
        """Wait until no work is queued or running (tests, benchmarks); True if drained."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            depth = self.store.queue_depth()
            if not depth.get("queued") and not depth.get("running"):
                return True
            self.wake()
            time.sleep(0.05)
        return False


def by_claim(items: Sequence[WorkItem]) -> dict[str, list[WorkItem]]:
    """Items grouped by claim, in order (a model batch may hold photos of several claims)."""
    groups: dict[str, list[WorkItem]] = {}
    for item in items:
        groups.setdefault(item.claim_id, []).append(item)
    return groups
