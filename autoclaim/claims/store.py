"""The claim repository: every read and write of the claim record goes through `ClaimStore`.

Writes run in short transactions. A claim row carries a `version` that SQLAlchemy checks on
every update (optimistic versioning); a write that lost a race is retried from the start on
a fresh read, so parallel uploads and reviews never overwrite each other.
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
import secrets
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from sqlalchemy import Engine, case, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from autoclaim.claims.corrections import original_reading
from autoclaim.claims.errors import (
    IdempotencyConflictError,
    InvalidRequestError,
    NotFoundError,
    PermissionDeniedError,
    StateConflictError,
    VersionConflictError,
)
from autoclaim.claims.models import (
    ApiKey,
    Claim,
    Document,
    Estimate,
    Event,
    FieldCorrection,
    IdempotencyKey,
    Override,
    Photo,
    WebhookDelivery,
    WebhookSubscription,
    WorkItem,
    utcnow,
)
from autoclaim.claims.overrides import apply_overrides
from autoclaim.claims.principals import (
    KEY_PREFIX,
    SYSTEM,
    Principal,
    Role,
    hash_api_key,
    new_api_key,
)
from autoclaim.claims.workflow import ACCEPTS_EVIDENCE, ClaimStatus, check_transition

log = logging.getLogger(__name__)

T = TypeVar("T")

MAX_WRITE_ATTEMPTS = 30

WORK_ASSESS_PHOTO = "assess_photo"
WORK_READ_DOCUMENT = "read_document"
WORK_ESTIMATE = "estimate"
EVIDENCE_WORK = (WORK_ASSESS_PHOTO, WORK_READ_DOCUMENT)


def new_id() -> str:
    return uuid.uuid4().hex


@dataclass(frozen=True)
class NewClaim:
    """What first notice of loss (FNOL) collects."""

    policy_number: str
    plate: str
    accident_at: datetime
    place: str
    cause: str
    region: str
    reporter: dict[str, Any]
    vin: str | None = None
    vehicle_class: str | None = None
    description: str = ""
    injury: bool = False
    third_parties: list[dict[str, Any]] = field(default_factory=list)
    payee: dict[str, Any] = field(default_factory=dict)

    def fingerprint(self) -> str:
        """A hash of the request, to tell a retried request from a different one."""
        body = {k: v for k, v in vars(self).items()}
        body["accident_at"] = self.accident_at.isoformat()
        return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


@dataclass(frozen=True)
class NewPhoto:
    """A validated photo upload (see `autoclaim.claims.files`)."""

    filename: str
    content_type: str
    sha256: str
    size: int
    width: int
    height: int
    phash: str
    captured_at: datetime | None


@dataclass(frozen=True)
class NewDocument:
    """A validated document upload."""

    filename: str
    content_type: str
    sha256: str
    size: int
    declared_type: str | None


@dataclass(frozen=True)
class LineOverride:
    """An adjuster's new figures for one estimate line, and why."""

    line_key: str
    changes: dict[str, Any]
    reason: str


@dataclass(frozen=True)
class FieldFix:
    """An adjuster's value for one extracted document field, and why."""

    field: str
    value: str
    reason: str


@dataclass
class ClaimRecord:
    """A claim with everything attached to it, read in one transaction."""

    claim: Claim
    photos: list[Photo]
    documents: list[Document]
    estimate: Estimate | None
    overrides: list[Override]
    events: list[Event]
    failed_work: list[WorkItem]
    pending_work: int
    corrections: list[FieldCorrection] = field(default_factory=list)

    def corrections_for(self, document_id: str) -> list[FieldCorrection]:
        return [c for c in self.corrections if c.document_id == document_id]


@dataclass(frozen=True)
class ClaimFilter:
    status: str | None = None
    fast_track: bool | None = None
    has_flags: bool | None = None


SORT_KEYS = ("created", "age", "amount", "flags", "status")


@dataclass(frozen=True)
class ClaimSort:
    """The queue's order: `key` (one of SORT_KEYS), largest first when `descending`.
    `age` is the reverse of `created` (oldest first when descending); `status` follows the
    workflow's order."""

    key: str = "created"
    descending: bool = True

    def __post_init__(self) -> None:
        if self.key not in SORT_KEYS:
            raise InvalidRequestError(f"unknown sort {self.key!r}; one of {SORT_KEYS}")

    def order_by(self) -> list[Any]:
        def direction(column: Any, descending: bool) -> Any:
            return column.desc() if descending else column.asc()

        if self.key in ("created", "age"):
            newest_first = self.descending == (self.key == "created")
            return [direction(Claim.created_at, newest_first), Claim.id]
        tie = [Claim.created_at.desc(), Claim.id]
        if self.key == "amount":
            return [Claim.amount.is_(None), direction(Claim.amount, self.descending), *tie]
        if self.key == "flags":
            return [direction(Claim.flag_count, self.descending), *tie]
        rank = case({s.value: i for i, s in enumerate(ClaimStatus)}, value=Claim.status)
        return [direction(rank, self.descending), *tie]


class ClaimStore:
    """Repository over the claim tables; safe to share between threads."""

    def __init__(self, engine: Engine, on_work_enqueued: Callable[[], None] | None = None) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._read_sessions = sessionmaker(
            engine.execution_options(read_only=True), expire_on_commit=False
        )
        self.on_work_enqueued = on_work_enqueued

    # ---------------------------------------------------------------- transactions

    def _read(self, fn: Callable[[Session], T]) -> T:
        with self._read_sessions.begin() as session:
            return fn(session)

    def _write(self, fn: Callable[[Session], T]) -> T:
        """Run `fn` in a transaction, retrying from scratch when a claim row changed under it."""
        for attempt in range(1, MAX_WRITE_ATTEMPTS + 1):
            try:
                with self._sessions.begin() as session:
                    return fn(session)
            except StaleDataError:
                if attempt == MAX_WRITE_ATTEMPTS:
                    raise
                time.sleep(random.uniform(0.001, 0.01) * attempt)
        raise AssertionError("unreachable")

    def _notify_work(self) -> None:
        if self.on_work_enqueued is not None:
            self.on_work_enqueued()

    # ---------------------------------------------------------------- API keys

    def create_api_key(self, role: Role, name: str = "") -> tuple[str, str]:
        """A new key for `role`: returns (key id, the key itself — shown once)."""
        if role == Role.SYSTEM:
            raise InvalidRequestError("role 'system' cannot have an API key")
        key = new_api_key()
        key_id = new_id()

        def write(s: Session) -> None:
            s.add(
                ApiKey(
                    id=key_id,
                    prefix=key[: len(KEY_PREFIX) + 6],
                    key_hash=hash_api_key(key),
                    role=role.value,
                    name=name,
                )
            )

        self._write(write)
        return key_id, key

    def ensure_api_key(self, key: str, role: Role, name: str) -> str:
        """Register a known key (the bootstrap admin key from settings); idempotent."""
        digest = hash_api_key(key)

        def write(s: Session) -> str:
            existing = s.scalar(select(ApiKey).where(ApiKey.key_hash == digest))
            if existing is not None:
                return existing.id
            key_id = new_id()
            s.add(ApiKey(id=key_id, prefix=key[:9], key_hash=digest, role=role.value, name=name))
            return key_id

        try:
            return self._write(write)
        except IntegrityError:  # another process registered it at the same moment
            return self._write(write)

    def authenticate(self, key: str) -> Principal | None:
        """The principal behind `key`, or None for an unknown or revoked key."""
        digest = hash_api_key(key)
        row = self._read(lambda s: s.scalar(select(ApiKey).where(ApiKey.key_hash == digest)))
        if row is None or row.revoked_at is not None:
            return None
        return Principal(key_id=row.id, role=Role(row.role))

    # ---------------------------------------------------------------- events

    def _event(
        self,
        s: Session,
        claim_id: str,
        actor: Principal,
        kind: str,
        *,
        reason: str | None = None,
        detail: dict[str, Any] | None = None,
        from_status: str | None = None,
        to_status: str | None = None,
    ) -> Event:
        event = Event(
            claim_id=claim_id,
            at=utcnow(),
            actor=actor.key_id,
            role=actor.role.value,
            kind=kind,
            reason=reason,
            detail=detail or {},
            from_status=from_status,
            to_status=to_status,
        )
        s.add(event)
        s.flush()
        subscriptions = s.scalars(
            select(WebhookSubscription.id).where(WebhookSubscription.active.is_(True))
        ).all()
        for sub_id in subscriptions:
            s.add(WebhookDelivery(subscription_id=sub_id, event_id=event.id))
        return event

    def _transition(
        self,
        s: Session,
        claim: Claim,
        target: ClaimStatus,
        actor: Principal,
        reason: str | None,
        kind: str = "status_changed",
        detail: dict[str, Any] | None = None,
    ) -> None:
        check_transition(claim.status, target.value)
        before = claim.status
        claim.status = target.value
        claim.updated_at = utcnow()
        self._event(
            s,
            claim.id,
            actor,
            kind,
            reason=reason,
            detail=detail,
            from_status=before,
            to_status=target.value,
        )

    # ---------------------------------------------------------------- claims

    def _claim_for(self, s: Session, principal: Principal, claim_id: str) -> Claim:
        if principal.keyless and principal.claim_id != claim_id:
            # A tracking link reaches its own claim only; others do not even exist for it.
            raise NotFoundError("claim", claim_id)
        claim = s.get(Claim, claim_id)
        if claim is None:
            raise NotFoundError("claim", claim_id)
        if principal.claim_id == claim_id:
            return claim
        if not principal.is_staff and claim.owner_key_id != principal.key_id:
            raise PermissionDeniedError(
                f"claim {claim_id!r} belongs to another claimant; a claimant key sees only its "
                "own claims"
            )
        return claim

    def create_claim(
        self, principal: Principal, new: NewClaim, idempotency_key: str | None = None
    ) -> tuple[str, bool]:
        """Open a claim; returns (claim id, created). A repeated `idempotency_key` with the
        same body returns the first claim; with a different body it is refused."""
        fingerprint = new.fingerprint()

        def existing(s: Session) -> str | None:
            if idempotency_key is None:
                return None
            row = s.scalar(
                select(IdempotencyKey).where(
                    IdempotencyKey.owner == principal.key_id, IdempotencyKey.key == idempotency_key
                )
            )
            if row is None:
                return None
            if row.request_hash != fingerprint:
                which = "" if principal.keyless else f" (claim {row.claim_id!r})"
                raise IdempotencyConflictError(
                    f"Idempotency-Key {idempotency_key!r} was already used for a different "
                    f"request{which}"
                )
            return row.claim_id

        def write(s: Session) -> tuple[str, bool]:
            found = existing(s)
            if found is not None:
                return found, False
            now = utcnow()
            claim = Claim(
                id=new_id(),
                status=ClaimStatus.REPORTED.value,
                tracking_token=secrets.token_urlsafe(24),
                owner_key_id=None
                if principal.role == Role.SYSTEM or principal.keyless
                else principal.key_id,
                created_at=now,
                updated_at=now,
                policy_number=new.policy_number,
                plate=new.plate.upper(),
                vin=new.vin.upper() if new.vin else None,
                vehicle_class=new.vehicle_class,
                accident_at=new.accident_at,
                place=new.place,
                cause=new.cause,
                description=new.description,
                injury=new.injury,
                third_parties=new.third_parties,
                reporter=new.reporter,
                payee=new.payee,
                region=new.region,
            )
            s.add(claim)
            s.flush()
            self._event(s, claim.id, principal, "claim_reported", to_status=claim.status)
            if idempotency_key is not None:
                s.add(
                    IdempotencyKey(
                        owner=principal.key_id,
                        key=idempotency_key,
                        request_hash=fingerprint,
                        claim_id=claim.id,
                    )
                )
            return claim.id, True

        try:
            return self._write(write)
        except IntegrityError:
            # A parallel request with the same key won the race: answer with its claim.
            found = self._read(existing)
            if found is None:
                raise
            return found, False

    def check_access(self, principal: Principal, claim_id: str) -> str:
        """The claim's status, after checking it exists and `principal` may see it."""
        return self._read(lambda s: self._claim_for(s, principal, claim_id).status)

    def get_claim(self, principal: Principal, claim_id: str) -> ClaimRecord:
        def read(s: Session) -> ClaimRecord:
            claim = self._claim_for(s, principal, claim_id)
            estimate = s.scalar(
                select(Estimate)
                .where(Estimate.claim_id == claim_id)
                .order_by(Estimate.created_at.desc(), Estimate.id.desc())
                .limit(1)
            )
            pending = s.scalar(
                select(func.count())
                .select_from(WorkItem)
                .where(WorkItem.claim_id == claim_id, WorkItem.status.in_(("queued", "running")))
            )
            return ClaimRecord(
                claim=claim,
                photos=list(
                    s.scalars(
                        select(Photo)
                        .where(Photo.claim_id == claim_id)
                        .order_by(Photo.uploaded_at, Photo.id)
                    )
                ),
                documents=list(
                    s.scalars(
                        select(Document)
                        .where(Document.claim_id == claim_id)
                        .order_by(Document.uploaded_at, Document.id)
                    )
                ),
                estimate=estimate,
                overrides=list(
                    s.scalars(
                        select(Override)
                        .where(Override.claim_id == claim_id)
                        .order_by(Override.created_at, Override.id)
                    )
                ),
                events=list(
                    s.scalars(select(Event).where(Event.claim_id == claim_id).order_by(Event.id))
                ),
                failed_work=list(
                    s.scalars(
                        select(WorkItem)
                        .where(WorkItem.claim_id == claim_id, WorkItem.status == "failed")
                        .order_by(WorkItem.id)
                    )
                ),
                pending_work=int(pending or 0),
                corrections=list(
                    s.scalars(
                        select(FieldCorrection)
                        .where(FieldCorrection.claim_id == claim_id)
                        .order_by(FieldCorrection.created_at, FieldCorrection.id)
                    )
                ),
            )

        return self._read(read)

    def claim_id_for_token(self, token: str) -> str:
        claim_id = self._read(
            lambda s: s.scalar(select(Claim.id).where(Claim.tracking_token == token))
        )
        if claim_id is None:
            raise NotFoundError("tracking token", token[:4] + "…")
        return claim_id

    def list_claims(
        self,
        principal: Principal,
        filters: ClaimFilter,
        limit: int,
        offset: int,
        sort: ClaimSort | None = None,
    ) -> tuple[list[Claim], int]:
        """One page of claims in `sort` order (default newest first) and the number matching
        the filters. Claims without an amount come last when sorting by amount."""
        sort = sort or ClaimSort()

        def read(s: Session) -> tuple[list[Claim], int]:
            conditions = []
            if not principal.is_staff:
                conditions.append(Claim.owner_key_id == principal.key_id)
            if filters.status is not None:
                conditions.append(Claim.status == filters.status)
            if filters.fast_track is not None:
                conditions.append(Claim.fast_track.is_(filters.fast_track))
            if filters.has_flags is not None:
                conditions.append(
                    Claim.flag_count > 0 if filters.has_flags else Claim.flag_count == 0
                )
            total = s.scalar(select(func.count()).select_from(Claim).where(*conditions)) or 0
            rows = s.scalars(
                select(Claim)
                .where(*conditions)
                .order_by(*sort.order_by())
                .limit(limit)
                .offset(offset)
            ).all()
            return list(rows), int(total)

        return self._read(read)

    # ---------------------------------------------------------------- evidence

    def _open_for_evidence(self, claim: Claim) -> None:
        if ClaimStatus(claim.status) not in ACCEPTS_EVIDENCE:
            raise StateConflictError(
                f"claim {claim.id!r} is {claim.status!r}; evidence is accepted only while the "
                "claim is open"
            )

    def _start_survey(self, s: Session, claim: Claim, principal: Principal) -> None:
        if claim.status == ClaimStatus.REPORTED:
            self._transition(s, claim, ClaimStatus.SURVEYING, principal, "first evidence arrived")

    def add_photos(
        self, principal: Principal, claim_id: str, photos: Sequence[NewPhoto]
    ) -> list[str]:
        """Attach photos (blobs already stored) and queue their assessment."""
        ids = [new_id() for _ in photos]

        def rows() -> list[Photo | Document]:
            return [
                Photo(id=i, claim_id=claim_id, **vars(p), uploaded_at=utcnow())
                for i, p in zip(ids, photos, strict=True)
            ]

        return self._add_evidence(principal, claim_id, ids, rows, WORK_ASSESS_PHOTO, "photo")

    def add_documents(
        self, principal: Principal, claim_id: str, documents: Sequence[NewDocument]
    ) -> list[str]:
        """Attach documents (blobs already stored) and queue their reading."""
        ids = [new_id() for _ in documents]

        def rows() -> list[Photo | Document]:
            return [
                Document(id=i, claim_id=claim_id, **vars(d), uploaded_at=utcnow())
                for i, d in zip(ids, documents, strict=True)
            ]

        return self._add_evidence(principal, claim_id, ids, rows, WORK_READ_DOCUMENT, "document")

    def _add_evidence(
        self,
        principal: Principal,
        claim_id: str,
        ids: list[str],
        make_rows: Callable[[], list[Photo | Document]],
        work_kind: str,
        noun: str,
    ) -> list[str]:
        """Store the rows, queue one work item each, record `<noun>s_uploaded`; one
        transaction (rows made afresh on a retry), so a refused upload leaves nothing."""

        def write(s: Session) -> list[str]:
            claim = self._claim_for(s, principal, claim_id)
            self._open_for_evidence(claim)
            rows = make_rows()
            s.add_all(rows)
            s.flush()
            s.add_all(WorkItem(kind=work_kind, claim_id=claim_id, target_id=i) for i in ids)
            claim.updated_at = utcnow()
            self._event(
                s,
                claim_id,
                principal,
                f"{noun}s_uploaded",
                detail={f"{noun}_ids": ids, "filenames": [row.filename for row in rows]},
            )
            self._start_survey(s, claim, principal)
            return ids

        self._write(write)
        self._notify_work()
        return ids

    def evidence_file(
        self, principal: Principal, claim_id: str, kind: str, item_id: str
    ) -> tuple[str, str, str]:
        """(sha256, content type, file name) of a claim's photo or document."""

        def read(s: Session) -> tuple[str, str, str]:
            self._claim_for(s, principal, claim_id)
            row: Photo | Document | None = (
                s.get(Photo, item_id) if kind == "photo" else s.get(Document, item_id)
            )
            if row is None or row.claim_id != claim_id:
                raise NotFoundError(kind, item_id)
            return row.sha256, row.content_type, row.filename

        return self._read(read)

    def photo_blob(self, photo_id: str) -> tuple[str, str]:
        """(sha256, filename) of a photo."""
        row = self._read(lambda s: s.get(Photo, photo_id))
        if row is None:
            raise NotFoundError("photo", photo_id)
        return row.sha256, row.filename

    def document_row(self, document_id: str) -> Document:
        row = self._read(lambda s: s.get(Document, document_id))
        if row is None:
            raise NotFoundError("document", document_id)
        return row

    def photos_by_id(self, photo_ids: Sequence[str]) -> list[Photo]:
        rows = self._read(
            lambda s: list(s.scalars(select(Photo).where(Photo.id.in_(list(photo_ids)))))
        )
        order = {pid: i for i, pid in enumerate(photo_ids)}
        return sorted(rows, key=lambda p: order[p.id])

    def other_claims_photos(self, claim_id: str) -> list[Photo]:
        """Photos of every other claim (for the duplicate-photo check)."""
        return self._read(
            lambda s: list(s.scalars(select(Photo).where(Photo.claim_id != claim_id)))
        )

    # ---------------------------------------------------------------- results from the worker

    def save_photo_results(
        self,
        claim_id: str,
        results: dict[str, dict[str, Any]],
        failures: dict[str, str],
    ) -> None:
        """Store assessments (photo id → PhotoAssessment-shaped dict) and per-photo errors."""

        def write(s: Session) -> None:
            claim = s.get(Claim, claim_id)
            if claim is None:
                raise NotFoundError("claim", claim_id)
            for photo_id, assessment in results.items():
                photo = s.get(Photo, photo_id)
                if photo is not None:
                    photo.assessment = assessment
                    photo.status = "assessed"
                    photo.error = None
            for photo_id, error in failures.items():
                photo = s.get(Photo, photo_id)
                if photo is not None:
                    photo.status = "failed"
                    photo.error = error
            claim.updated_at = utcnow()
            if results:
                self._event(
                    s, claim_id, SYSTEM, "photos_assessed", detail={"photo_ids": list(results)}
                )
            for photo_id, error in failures.items():
                self._event(
                    s,
                    claim_id,
                    SYSTEM,
                    "photo_failed",
                    reason=error,
                    detail={"photo_id": photo_id},
                )

        self._write(write)

    def save_document_result(
        self, claim_id: str, document_id: str, reading: dict[str, Any] | None, error: str | None
    ) -> None:
        def write(s: Session) -> None:
            claim = s.get(Claim, claim_id)
            doc = s.get(Document, document_id)
            if claim is None or doc is None:
                raise NotFoundError("document", document_id)
            claim.updated_at = utcnow()
            if reading is not None:
                doc.reading = reading
                doc.doc_type = str(reading.get("doc_type") or "unknown")
                doc.status = "read"
                doc.error = None
                self._event(
                    s,
                    claim_id,
                    SYSTEM,
                    "document_read",
                    detail={"document_id": document_id, "doc_type": doc.doc_type},
                )
            else:
                doc.status = "failed"
                doc.error = error
                self._event(
                    s,
                    claim_id,
                    SYSTEM,
                    "document_failed",
                    reason=error,
                    detail={"document_id": document_id},
                )

        self._write(write)

    def save_estimate(
        self,
        claim_id: str,
        body: dict[str, Any],
        total: float,
        fast_track: bool | None,
        flag_count: int,
    ) -> str:
        """Store a computed estimate; a claim still surveying becomes assessed."""

        def write(s: Session) -> str:
            claim = s.get(Claim, claim_id)
            if claim is None:
                raise NotFoundError("claim", claim_id)
            row = Estimate(
                id=new_id(),
                claim_id=claim_id,
                created_at=utcnow(),
                body=body,
                total=total,
                fast_track=fast_track,
                flag_count=flag_count,
            )
            s.add(row)
            claim.fast_track = fast_track
            claim.flag_count = flag_count
            claim.amount = self._amount_in_force(s, claim_id, body, total)
            claim.updated_at = utcnow()
            self._event(
                s,
                claim_id,
                SYSTEM,
                "estimate_computed",
                detail={
                    "estimate_id": row.id,
                    "total": total,
                    "fast_track": fast_track,
                    "flags": flag_count,
                },
            )
            if claim.status == ClaimStatus.SURVEYING:
                self._transition(s, claim, ClaimStatus.ASSESSED, SYSTEM, "estimate ready")
            return row.id

        return self._write(write)

    # ---------------------------------------------------------------- review and workflow

    def _check_version(self, claim: Claim, expected_version: int | None) -> None:
        if expected_version is not None and claim.version != expected_version:
            raise VersionConflictError(claim.id, expected_version, claim.version)

    def override_lines(
        self,
        principal: Principal,
        claim_id: str,
        overrides: Sequence[LineOverride],
        expected_version: int | None = None,
    ) -> list[str]:
        """Record adjuster overrides on lines of the current estimate (model figures kept)."""
        if not overrides:
            raise InvalidRequestError("an override needs at least one line")

        def write(s: Session) -> list[str]:
            claim = self._claim_for(s, principal, claim_id)
            self._check_version(claim, expected_version)
            estimate = s.scalar(
                select(Estimate)
                .where(Estimate.claim_id == claim_id)
                .order_by(Estimate.created_at.desc(), Estimate.id.desc())
                .limit(1)
            )
            if estimate is None:
                raise StateConflictError(f"claim {claim_id!r} has no estimate to override yet")
            lines = {str(line.get("part")): line for line in estimate.body.get("lines", [])}
            ids: list[str] = []
            for item in overrides:
                line = lines.get(item.line_key)
                if line is None:
                    raise InvalidRequestError(
                        f"estimate {estimate.id!r} has no line {item.line_key!r}; lines: "
                        f"{sorted(lines)}"
                    )
                unknown = set(item.changes) - set(line)
                if unknown:
                    raise InvalidRequestError(
                        f"line {item.line_key!r} has no field(s) {sorted(unknown)}"
                    )
                row = Override(
                    id=new_id(),
                    claim_id=claim_id,
                    estimate_id=estimate.id,
                    line_key=item.line_key,
                    changes=item.changes,
                    original={k: line[k] for k in item.changes},
                    reason=item.reason,
                    actor=principal.key_id,
                    role=principal.role.value,
                    created_at=utcnow(),
                )
                s.add(row)
                ids.append(row.id)
                self._event(
                    s,
                    claim_id,
                    principal,
                    "line_overridden",
                    reason=item.reason,
                    detail={
                        "override_id": row.id,
                        "line_key": item.line_key,
                        "changes": item.changes,
                        "original": row.original,
                    },
                )
            s.flush()
            claim.amount = self._amount_in_force(s, claim_id, estimate.body, estimate.total)
            claim.updated_at = utcnow()
            return ids

        return self._write(write)

    def _amount_in_force(
        self, s: Session, claim_id: str, body: dict[str, Any], model_total: float
    ) -> Decimal:
        """The estimate total with the claim's overrides applied (as the API shows it)."""
        overrides = list(
            s.scalars(
                select(Override)
                .where(Override.claim_id == claim_id)
                .order_by(Override.created_at, Override.id)
            )
        )
        total = apply_overrides(body, overrides).get("total", model_total)
        try:
            return Decimal(str(total)).quantize(Decimal("0.01"))
        except InvalidOperation:
            return Decimal(str(model_total)).quantize(Decimal("0.01"))

    def correct_field(
        self,
        principal: Principal,
        claim_id: str,
        document_id: str,
        correction: FieldFix,
        expected_version: int | None = None,
    ) -> str:
        """Record an adjuster's value for one extracted document field (the OCR reading is
        kept beside it) and queue a new estimate, so its checks see the corrected value."""

        if not principal.is_staff:
            raise PermissionDeniedError(
                f"role {principal.role.value!r} may not correct document fields; adjuster needed"
            )

        def write(s: Session) -> str:
            claim = self._claim_for(s, principal, claim_id)
            self._check_version(claim, expected_version)
            self._open_for_evidence(claim)
            doc = s.get(Document, document_id)
            if doc is None or doc.claim_id != claim_id:
                raise NotFoundError("document", document_id)
            if doc.reading is None:
                raise StateConflictError(
                    f"document {document_id!r} is {doc.status!r}; only a read document's fields "
                    "can be corrected"
                )
            fields = doc.reading.get("fields", {})
            if correction.field not in fields:
                raise InvalidRequestError(
                    f"document {document_id!r} has no field {correction.field!r}; fields: "
                    f"{sorted(fields)}"
                )
            row = FieldCorrection(
                id=new_id(),
                claim_id=claim_id,
                document_id=document_id,
                field=correction.field,
                value=correction.value,
                original=original_reading(doc.reading, correction.field),
                reason=correction.reason,
                actor=principal.key_id,
                role=principal.role.value,
                created_at=utcnow(),
            )
            s.add(row)
            claim.updated_at = utcnow()
            self._event(
                s,
                claim_id,
                principal,
                "field_corrected",
                reason=correction.reason,
                detail={
                    "correction_id": row.id,
                    "document_id": document_id,
                    "field": correction.field,
                    "value": correction.value,
                    "original": row.original,
                },
            )
            if not self._evidence_pending(s, claim_id):
                self._enqueue_estimate(s, claim_id)
            return row.id

        correction_id = self._write(write)
        self._notify_work()
        return correction_id

    def change_status(
        self,
        principal: Principal,
        claim_id: str,
        target: ClaimStatus,
        reason: str | None,
        kind: str,
        expected_version: int | None = None,
        detail: dict[str, Any] | None = None,
    ) -> str:
        """Move a claim to `target` (checked by the workflow) with an event of `kind`."""

        def write(s: Session) -> str:
            claim = self._claim_for(s, principal, claim_id)
            self._check_version(claim, expected_version)
            before = claim.status
            self._transition(s, claim, target, principal, reason, kind=kind, detail=detail)
            return before

        return self._write(write)

    def record_note(
        self,
        principal: Principal,
        claim_id: str,
        kind: str,
        reason: str | None,
        detail: dict[str, Any] | None = None,
    ) -> None:
        """An event that changes no status (e.g. estimate requested)."""

        def write(s: Session) -> None:
            claim = self._claim_for(s, principal, claim_id)
            claim.updated_at = utcnow()
            self._event(s, claim_id, principal, kind, reason=reason, detail=detail or {})

        self._write(write)

    # ---------------------------------------------------------------- work queue

    def request_estimate(self, principal: Principal, claim_id: str) -> int:
        """Queue an estimate recompute; failed evidence work of the claim is retried first.

        Returns the number of failed items put back in the queue."""

        def write(s: Session) -> int:
            claim = self._claim_for(s, principal, claim_id)
            self._open_for_evidence(claim)
            failed = list(
                s.scalars(
                    select(WorkItem).where(
                        WorkItem.claim_id == claim_id, WorkItem.status == "failed"
                    )
                )
            )
            for item in failed:
                item.status = "queued"
                item.error = None
                item.attempts = 0
            claim.updated_at = utcnow()
            self._event(
                s,
                claim_id,
                principal,
                "estimate_requested",
                detail={"retried_work_items": [i.id for i in failed]},
            )
            if not self._evidence_pending(s, claim_id):
                self._enqueue_estimate(s, claim_id)
            return len(failed)

        retried = self._write(write)
        self._notify_work()
        return retried

    def _serialise_on_claim(self, s: Session, claim_id: str) -> None:
        """Bump the claim's version, so two workers finishing a claim's last pieces of
        evidence at once cannot both miss the other (the later one retries and sees it)."""
        claim = s.get(Claim, claim_id)
        if claim is not None:
            claim.updated_at = utcnow()
            s.flush()

    def _evidence_pending(self, s: Session, claim_id: str) -> bool:
        count = s.scalar(
            select(func.count())
            .select_from(WorkItem)
            .where(
                WorkItem.claim_id == claim_id,
                WorkItem.kind.in_(EVIDENCE_WORK),
                WorkItem.status.in_(("queued", "running")),
            )
        )
        return bool(count)

    def _enqueue_estimate(self, s: Session, claim_id: str) -> None:
        queued = s.scalar(
            select(func.count())
            .select_from(WorkItem)
            .where(
                WorkItem.claim_id == claim_id,
                WorkItem.kind == WORK_ESTIMATE,
                WorkItem.status == "queued",
            )
        )
        if not queued:
            s.add(WorkItem(kind=WORK_ESTIMATE, claim_id=claim_id))

    def finish_work(self, items: Sequence[WorkItem]) -> None:
        """Mark items done; when a claim's evidence is all processed, queue its estimate."""

        def write(s: Session) -> None:
            claims: set[str] = set()
            for item in items:
                row = s.get(WorkItem, item.id)
                if row is None:
                    continue
                row.status = "done"
                row.finished_at = utcnow()
                row.error = None
                if row.kind in EVIDENCE_WORK:
                    claims.add(row.claim_id)
            s.flush()
            for claim_id in claims:
                self._serialise_on_claim(s, claim_id)
                if not self._evidence_pending(s, claim_id):
                    self._enqueue_estimate(s, claim_id)

        self._write(write)
        self._notify_work()

    def fail_work(self, items: Sequence[WorkItem], error: str, retry: bool) -> None:
        """Requeue items (transient error) or mark them failed with the error on the claim."""

        def write(s: Session) -> None:
            for item in items:
                row = s.get(WorkItem, item.id)
                if row is None:
                    continue
                row.error = error
                if retry:
                    row.status = "queued"
                    row.started_at = None
                    continue
                row.status = "failed"
                row.finished_at = utcnow()
                claim = s.get(Claim, row.claim_id)
                if claim is not None:
                    claim.updated_at = utcnow()
                self._event(
                    s,
                    row.claim_id,
                    SYSTEM,
                    "work_failed",
                    reason=error,
                    detail={"work_item": row.id, "kind": row.kind, "target_id": row.target_id},
                )
            s.flush()
            if not retry:
                for claim_id in {item.claim_id for item in items}:
                    self._serialise_on_claim(s, claim_id)
                    if not self._evidence_pending(s, claim_id) and any(
                        i.kind in EVIDENCE_WORK for i in items
                    ):
                        self._enqueue_estimate(s, claim_id)

        self._write(write)

    def queue_depth(self) -> dict[str, int]:
        """Work items by status (for /metrics)."""
        rows = self._read(
            lambda s: s.execute(
                select(WorkItem.status, func.count()).group_by(WorkItem.status)
            ).all()
        )
        return {str(status): int(count) for status, count in rows}

    def work_items(self, claim_id: str) -> list[WorkItem]:
        return self._read(
            lambda s: list(
                s.scalars(
                    select(WorkItem).where(WorkItem.claim_id == claim_id).order_by(WorkItem.id)
                )
            )
        )

    # ---------------------------------------------------------------- webhooks

    def create_subscription(self, url: str) -> WebhookSubscription:
        row = WebhookSubscription(
            id=new_id(), url=url, secret=secrets.token_urlsafe(32), created_at=utcnow()
        )
        self._write(lambda s: s.add(row))
        return row

    def list_subscriptions(self) -> list[WebhookSubscription]:
        return self._read(
            lambda s: list(
                s.scalars(select(WebhookSubscription).order_by(WebhookSubscription.created_at))
            )
        )

    def delete_subscription(self, subscription_id: str) -> None:
        def write(s: Session) -> None:
            row = s.get(WebhookSubscription, subscription_id)
            if row is None:
                raise NotFoundError("webhook subscription", subscription_id)
            row.active = False

        self._write(write)

    def claim_deliveries(
        self, limit: int, lease_seconds: float
    ) -> list[tuple[WebhookDelivery, WebhookSubscription, Event]]:
        """Take up to `limit` due deliveries for this process to send now.

        Each is taken with a conditional UPDATE on its `attempts` count that counts the
        attempt and moves its next attempt `lease_seconds` ahead, so a dispatcher in another
        process or replica no longer sees it due: each attempt is sent by one process. If
        this one dies before recording the outcome, the delivery falls due again when the
        lease lapses. The returned `attempts` is the token `record_delivery` needs.
        """

        def write(s: Session) -> list[tuple[WebhookDelivery, WebhookSubscription, Event]]:
            now = utcnow()
            due = s.execute(
                select(WebhookDelivery.id, WebhookDelivery.attempts)
                .join(
                    WebhookSubscription,
                    WebhookSubscription.id == WebhookDelivery.subscription_id,
                )
                .where(
                    WebhookDelivery.status == "pending",
                    WebhookDelivery.next_attempt_at <= now,
                    WebhookSubscription.active.is_(True),
                )
                .order_by(WebhookDelivery.id)
                .limit(limit)
            ).all()
            taken: list[int] = []
            for delivery_id, attempts in due:
                result = s.execute(
                    update(WebhookDelivery)
                    .where(
                        WebhookDelivery.id == delivery_id,
                        WebhookDelivery.status == "pending",
                        WebhookDelivery.attempts == attempts,
                        WebhookDelivery.next_attempt_at <= now,
                    )
                    .values(
                        attempts=WebhookDelivery.attempts + 1,
                        next_attempt_at=now + timedelta(seconds=lease_seconds),
                    )
                    .execution_options(synchronize_session=False)
                )
                if result.rowcount == 1:  # type: ignore[attr-defined]
                    taken.append(delivery_id)
            if not taken:
                return []
            rows = s.execute(
                select(WebhookDelivery, WebhookSubscription, Event)
                .join(
                    WebhookSubscription,
                    WebhookSubscription.id == WebhookDelivery.subscription_id,
                )
                .join(Event, Event.id == WebhookDelivery.event_id)
                .where(WebhookDelivery.id.in_(taken))
                .order_by(WebhookDelivery.id)
            ).all()
            return [(d, sub, ev) for d, sub, ev in rows]

        return self._write(write)

    def record_delivery(
        self, delivery_id: int, attempt: int, error: str | None, backoff: timedelta | None
    ) -> bool:
        """After attempt number `attempt` (the token `claim_deliveries` returned): delivered
        (error None), retried later (backoff) or given up. False, and nothing recorded, when
        the lease had lapsed and another process took the delivery over."""

        def write(s: Session) -> bool:
            values: dict[str, Any] = {"last_error": error}
            if error is None:
                values.update(status="delivered", delivered_at=utcnow())
            elif backoff is not None:
                values.update(next_attempt_at=utcnow() + backoff)
            else:
                values.update(status="failed")
            result = s.execute(
                update(WebhookDelivery)
                .where(
                    WebhookDelivery.id == delivery_id,
                    WebhookDelivery.attempts == attempt,
                    WebhookDelivery.status == "pending",
                )
                .values(**values)
                .execution_options(synchronize_session=False)
            )
            return bool(result.rowcount == 1)  # type: ignore[attr-defined]

        return self._write(write)

    def deliveries(self, subscription_id: str) -> list[WebhookDelivery]:
        return self._read(
            lambda s: list(
                s.scalars(
                    select(WebhookDelivery)
                    .where(WebhookDelivery.subscription_id == subscription_id)
                    .order_by(WebhookDelivery.id)
                )
            )
        )
