"""The FastAPI application factory; shared resources are created once in the lifespan."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from autoclaim import __version__
from autoclaim.claims.db import make_engine
from autoclaim.config import Settings, get_settings
from autoclaim.service.routers import health

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app for `settings` (default: read from the environment)."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        settings.var_dir.mkdir(parents=True, exist_ok=True)
        engine = make_engine(settings.resolved_database_url())
        app.state.settings = settings
        app.state.engine = engine
        log.info("autoclaim started", extra={"database": engine.url.get_backend_name()})
        try:
            yield
        finally:
            engine.dispose()

    app = FastAPI(
        title="autoclaim",
        version=__version__,
        summary="Damage photos and claim documents in; an explained preliminary estimate out.",
        lifespan=lifespan,
    )
    app.include_router(health.router)
    return app
