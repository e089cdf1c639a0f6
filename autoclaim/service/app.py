"""The FastAPI application factory; shared resources are created once in the lifespan.

On start: migrations are applied, the bootstrap admin key registered, the background worker
and the webhook dispatcher started (work left queued by a previous run is taken at once;
work a dead process was running, once its lease lapses).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response

from autoclaim import __version__
from autoclaim.claims.analysers import DocumentReader, OcrReader, PhotoAssessor, VisionAssessor
from autoclaim.claims.blobs import open_blob_store
from autoclaim.claims.db import make_engine
from autoclaim.claims.estimating import ClaimEstimator
from autoclaim.claims.jobs import FencedClaimStore, JobRunner, import_object
from autoclaim.claims.masking import install_log_masking
from autoclaim.claims.migrate import upgrade
from autoclaim.claims.principals import Role
from autoclaim.claims.webhooks import WebhookDispatcher
from autoclaim.claims.worker import Worker
from autoclaim.config import Settings, get_settings
from autoclaim.service.errors import error_response, install_error_handlers
from autoclaim.service.metrics import Metrics, metrics_middleware
from autoclaim.service.pages import router as pages_router
from autoclaim.service.routers import (
    claims,
    corrections,
    health,
    helpers,
    keys,
    metrics,
    review,
    tracking,
    uploads,
    webhooks,
)

log = logging.getLogger(__name__)

UPLOAD_PATH_SUFFIXES = ("/photos", "/documents", "/v1/assess", "/v1/documents/read")


def make_analysers(settings: Settings) -> tuple[PhotoAssessor, DocumentReader]:
    """The configured analysers (import paths in settings), else the vision model and OCR."""
    assessor: PhotoAssessor = (
        import_object(settings.photo_assessor)() if settings.photo_assessor else VisionAssessor()
    )
    reader: DocumentReader = (
        import_object(settings.document_reader)() if settings.document_reader else OcrReader()
    )
    return assessor, reader


def create_app(
    settings: Settings | None = None,
    assessor: PhotoAssessor | None = None,
    reader: DocumentReader | None = None,
    run_worker: bool = True,
) -> FastAPI:
    """Build the app for `settings` (default: read from the environment).

    `assessor` and `reader` default to the shipped vision model and OCR engine, loaded on
    first use; `run_worker=False` leaves queued work for a later start (restart tests).
    """
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        install_log_masking()
        settings.var_dir.mkdir(parents=True, exist_ok=True)
        engine = make_engine(settings.resolved_database_url())
        upgrade(engine)
        store = FencedClaimStore(engine)
        blobs = open_blob_store(
            settings.resolved_blob_url(), settings.s3_endpoint_url, settings.s3_region
        )
        if settings.admin_api_key:
            store.ensure_api_key(settings.admin_api_key, Role.ADMIN, "bootstrap admin")
        app.state.settings = settings
        app.state.engine = engine
        app.state.store = store
        app.state.blobs = blobs
        default_assessor, default_reader = make_analysers(settings)
        app.state.assessor = assessor or default_assessor
        app.state.reader = reader or default_reader
        estimator = ClaimEstimator(store, settings.price_book)
        log.info("price book loaded", extra={"price_book": estimator.book.version})
        app.state.estimator = estimator
        app.state.worker = None
        app.state.dispatcher = WebhookDispatcher(
            store,
            backoff_seconds=settings.webhook_backoff_seconds,
            max_attempts=settings.webhook_max_attempts,
        )
        app.state.job_runner = None
        if run_worker and settings.job_runner == "celery":
            from autoclaim.claims.celery_jobs import CeleryJobRunner

            runner: JobRunner = CeleryJobRunner(settings)
            store.on_work_enqueued = runner.enqueue
            runner.start()
            app.state.job_runner = runner
            app.state.dispatcher.start()
        elif run_worker:
            worker = Worker(
                store,
                blobs,
                app.state.assessor,
                app.state.reader,
                app.state.estimator,
                batch_size=settings.worker_batch_size,
                threads=settings.worker_threads,
                lease_seconds=settings.job_lease_seconds,
            )
            store.on_work_enqueued = worker.enqueue
            worker.start()
            app.state.worker = worker
            app.state.job_runner = worker
            app.state.dispatcher.start()
        log.info("autoclaim started", extra={"database": engine.url.get_backend_name()})
        try:
            yield
        finally:
            if app.state.job_runner is not None:
                app.state.job_runner.stop()
            app.state.dispatcher.stop()
            engine.dispose()

    app = FastAPI(
        title="autoclaim",
        version=__version__,
        summary="Damage photos and claim documents in; an explained preliminary estimate out.",
        lifespan=lifespan,
    )
    app.state.metrics = Metrics()
    app.state.worker = None
    app.state.job_runner = None
    app.state.dispatcher = None
    install_error_handlers(app)

    @app.middleware("http")
    async def refuse_oversized_uploads(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        """Refuse an upload whose declared size is over the limit before reading it."""
        length = request.headers.get("content-length", "")
        limit = settings.max_upload_bytes * uploads.MAX_FILES + 64 * 1024
        if (
            request.method == "POST"
            and request.url.path.endswith(UPLOAD_PATH_SUFFIXES)
            and length.isdigit()
            and int(length) > limit
        ):
            return error_response(
                413, "file_too_large", f"request of {length} bytes is over the limit of {limit}"
            )
        return await call_next(request)

    app.middleware("http")(metrics_middleware(app.state.metrics))
    for module in (
        health,
        metrics,
        claims,
        uploads,
        review,
        corrections,
        tracking,
        webhooks,
        keys,
        helpers,
    ):
        app.include_router(module.router)
    app.include_router(pages_router)
    return app
