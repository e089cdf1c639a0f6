"""Database engine creation; SQLite file by default, any SQLAlchemy URL otherwise."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url


def make_engine(url: str) -> Engine:
    """An engine for `url`; for a SQLite file, its folder is created first."""
    parsed = make_url(url)
    connect_args: dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        connect_args["check_same_thread"] = False
    return create_engine(url, connect_args=connect_args, pool_pre_ping=True)


def database_info(engine: Engine) -> dict[str, Any]:
    """Backend name and server version, checked with a round trip."""
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))
        version = engine.dialect.server_version_info
    return {
        "backend": engine.dialect.name,
        "version": ".".join(str(part) for part in version) if version else None,
        "url": engine.url.render_as_string(hide_password=True),
    }
