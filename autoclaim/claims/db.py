"""Database engine creation; SQLite file by default, any SQLAlchemy URL otherwise."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url

SQLITE_BUSY_TIMEOUT_S = 30.0


def make_engine(url: str) -> Engine:
    """An engine for `url`; for a SQLite file, its folder is created first.

    SQLite transactions start with `BEGIN IMMEDIATE` (writers queue on the busy timeout
    instead of failing with "database is locked" when a reader upgrades to a writer), except
    on connections with the `read_only` execution option, and the journal is WAL (readers
    never wait for the writer), so requests and the background worker share one file safely.
    """
    parsed = make_url(url)
    connect_args: dict[str, Any] = {}
    sqlite = parsed.get_backend_name() == "sqlite"
    if sqlite:
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        connect_args["check_same_thread"] = False
        connect_args["timeout"] = SQLITE_BUSY_TIMEOUT_S
    engine = create_engine(url, connect_args=connect_args, pool_pre_ping=True)
    if sqlite:
        _use_immediate_transactions(engine)
    return engine


def _use_immediate_transactions(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # let SQLAlchemy emit BEGIN itself
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        # Read-only work (execution option `read_only`) must not queue behind writers.
        read_only = conn.get_execution_options().get("read_only", False)
        conn.exec_driver_sql("BEGIN DEFERRED" if read_only else "BEGIN IMMEDIATE")


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
