"""SQLAlchemy 2 tables of the claim record; the schema itself is owned by Alembic migrations."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value.isoformat()} (a timezone is required)")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dict[str, Any]: JSON,
        list[Any]: JSON,
        datetime: UTCDateTime,
    }


class ApiKey(Base):
    """An API key; only its sha256 is stored, with a short prefix to recognise it."""

    __tablename__ = "api_keys"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    prefix: Mapped[str] = mapped_column(String(16))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)


class Claim(Base):
    """One claim: what first notice of loss collected, its status and owner."""

    __tablename__ = "claims"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    status: Mapped[str] = mapped_column(String(20), index=True)
    tracking_token: Mapped[str] = mapped_column(String(64), unique=True)
    owner_key_id: Mapped[str | None] = mapped_column(ForeignKey("api_keys.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    policy_number: Mapped[str] = mapped_column(String(64))
    plate: Mapped[str] = mapped_column(String(16))
    vin: Mapped[str | None] = mapped_column(String(17))
    vehicle_class: Mapped[str | None] = mapped_column(String(32))
    accident_at: Mapped[datetime] = mapped_column()
    place: Mapped[str] = mapped_column(String(500))
    cause: Mapped[str] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(Text, default="")
    injury: Mapped[bool] = mapped_column(Boolean, default=False)
    third_parties: Mapped[list[Any]] = mapped_column(default=list)
    reporter: Mapped[dict[str, Any]] = mapped_column(default=dict)
    payee: Mapped[dict[str, Any]] = mapped_column(default=dict)
    region: Mapped[str] = mapped_column(String(64))

    fast_track: Mapped[bool | None] = mapped_column(Boolean, default=None, index=True)
    flag_count: Mapped[int] = mapped_column(Integer, default=0)
    # The estimate total in force (overrides applied), kept here so the queue sorts on it.
    amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2), default=None, index=True)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class Photo(Base):
    """A damage photo's metadata; its bytes are a blob named by `sha256`."""

    __tablename__ = "photos"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    claim_id: Mapped[str] = mapped_column(ForeignKey("claims.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    captured_at: Mapped[datetime | None] = mapped_column(default=None)
    phash: Mapped[str] = mapped_column(String(16), index=True)
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[str] = mapped_column(String(16), default="queued")
    assessment: Mapped[dict[str, Any] | None] = mapped_column(default=None)
    error: Mapped[str | None] = mapped_column(Text, default=None)


class Document(Base):
    """A claim document's metadata and, once read, its fields."""

    __tablename__ = "documents"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    claim_id: Mapped[str] = mapped_column(ForeignKey("claims.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    declared_type: Mapped[str | None] = mapped_column(String(32), default=None)
    doc_type: Mapped[str | None] = mapped_column(String(32), default=None)
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[str] = mapped_column(String(16), default="queued")
    reading: Mapped[dict[str, Any] | None] = mapped_column(default=None)
    error: Mapped[str | None] = mapped_column(Text, default=None)


class Estimate(Base):
    """An estimate as the rules computed it; never edited (overrides live beside it)."""

    __tablename__ = "estimates"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    claim_id: Mapped[str] = mapped_column(ForeignKey("claims.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    body: Mapped[dict[str, Any]] = mapped_column()
    total: Mapped[float] = mapped_column(Float)
    fast_track: Mapped[bool | None] = mapped_column(Boolean)
    flag_count: Mapped[int] = mapped_column(Integer)


class Override(Base):
    """An adjuster's change to one estimate line, with the model's figures it replaced."""

    __tablename__ = "overrides"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    claim_id: Mapped[str] = mapped_column(ForeignKey("claims.id"), index=True)
    estimate_id: Mapped[str] = mapped_column(ForeignKey("estimates.id"))
    line_key: Mapped[str] = mapped_column(String(100))
    changes: Mapped[dict[str, Any]] = mapped_column()
    original: Mapped[dict[str, Any]] = mapped_column()
    reason: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class FieldCorrection(Base):
    """An adjuster's correction of one extracted document field, with the OCR's reading
    (value, raw text, confidence, status) it replaced; never edited, a later one wins."""

    __tablename__ = "field_corrections"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    claim_id: Mapped[str] = mapped_column(ForeignKey("claims.id"), index=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"), index=True)
    field: Mapped[str] = mapped_column(String(100))
    value: Mapped[str] = mapped_column(Text)
    original: Mapped[dict[str, Any]] = mapped_column()
    reason: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Event(Base):
    """Append-only history: who (actor, role), when, what (kind, detail) and why (reason)."""

    __tablename__ = "events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    claim_id: Mapped[str] = mapped_column(ForeignKey("claims.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(64))
    from_status: Mapped[str | None] = mapped_column(String(20), default=None)
    to_status: Mapped[str | None] = mapped_column(String(20), default=None)
    reason: Mapped[str | None] = mapped_column(Text, default=None)
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)


class WebhookSubscription(Base):
    """An endpoint that receives every event, signed with its own secret."""

    __tablename__ = "webhook_subscriptions"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    secret: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class WebhookDelivery(Base):
    """One event to one subscription; retried with backoff until delivered or given up."""

    __tablename__ = "webhook_deliveries"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    subscription_id: Mapped[str] = mapped_column(ForeignKey("webhook_subscriptions.id"))
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    delivered_at: Mapped[datetime | None] = mapped_column(default=None)

    __table_args__ = (Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),)


class IdempotencyKey(Base):
    """A client's `Idempotency-Key` for claim creation, with the request it stood for."""

    __tablename__ = "idempotency_keys"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    owner: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(255))
    request_hash: Mapped[str] = mapped_column(String(64))
    claim_id: Mapped[str] = mapped_column(ForeignKey("claims.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("owner", "key", name="uq_idempotency_owner_key"),)


class WorkItem(Base):
    """Persisted background work (photo assessment, document reading, estimate)."""

    __tablename__ = "work_items"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(32))
    claim_id: Mapped[str] = mapped_column(ForeignKey("claims.id"), index=True)
    target_id: Mapped[str | None] = mapped_column(String(32), default=None)
    status: Mapped[str] = mapped_column(String(16), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(default=None)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)
    error: Mapped[str | None] = mapped_column(Text, default=None)

    __table_args__ = (Index("ix_work_items_status_id", "status", "id"),)
