"""Webhook delivery: every event is POSTed, signed with HMAC-SHA256, to each subscription;
failed deliveries are retried with exponential backoff, from the database, so they survive
a restart. Every API replica runs a dispatcher; each takes deliveries with a lease
(`ClaimStore.claim_deliveries`), so each attempt is sent by one process only."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import threading
import time
import urllib.error
import urllib.request
from datetime import timedelta
from typing import Any

from autoclaim.claims.models import Event
from autoclaim.claims.store import ClaimStore

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Autoclaim-Signature"
TIMESTAMP_HEADER = "X-Autoclaim-Timestamp"


def event_payload(event: Event) -> dict[str, Any]:
    return {
        "event_id": event.id,
        "claim_id": event.claim_id,
        "kind": event.kind,
        "at": event.at.isoformat(),
        "role": event.role,
        "from_status": event.from_status,
        "to_status": event.to_status,
        "reason": event.reason,
        "detail": event.detail,
    }


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """`sha256=<hex>` of HMAC-SHA256(secret, "<timestamp>." + body)."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    """What a receiver runs to check a delivery came from this service."""
    return hmac.compare_digest(sign(secret, timestamp, body), signature)


class WebhookDispatcher:
    """A thread that sends due deliveries; the backoff doubles after each failed attempt."""

    def __init__(
        self,
        store: ClaimStore,
        backoff_seconds: float = 2.0,
        max_attempts: int = 8,
        timeout_seconds: float = 5.0,
        poll_seconds: float = 0.5,
        batch_size: int = 10,
    ) -> None:
        self.store = store
        self.batch_size = batch_size
        self.backoff_seconds = backoff_seconds
        self.max_attempts = max_attempts
        self.timeout_seconds = timeout_seconds
        self.poll_seconds = poll_seconds
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.delivered = 0
        self.failed_attempts = 0

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="autoclaim-webhooks", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                sent = self.run_once()
            except Exception:
                log.exception("webhook dispatch failed")
                sent = 0
            if not sent:
                self._stop.wait(self.poll_seconds)

    @property
    def lease_seconds(self) -> float:
        """Long enough to send a whole batch, every request timing out, with room to spare."""
        return self.timeout_seconds * self.batch_size + 30.0

    def run_once(self) -> int:
        """Take a batch of due deliveries and send them; how many were taken."""
        taken = self.store.claim_deliveries(self.batch_size, self.lease_seconds)
        for delivery, subscription, event in taken:
            body = json.dumps(event_payload(event), ensure_ascii=False).encode()
            error = self._post(subscription.url, subscription.secret, delivery.id, event, body)
            attempt = delivery.attempts  # counted when taken
            backoff = None
            if error is not None:
                self.failed_attempts += 1
                if attempt < self.max_attempts:
                    backoff = timedelta(seconds=self.backoff_seconds * 2 ** (attempt - 1))
            else:
                self.delivered += 1
            if not self.store.record_delivery(delivery.id, attempt, error, backoff):
                log.warning("webhook delivery taken over", extra={"delivery_id": delivery.id})
        return len(taken)

    def _post(
        self, url: str, secret: str, delivery_id: int, event: Event, body: bytes
    ) -> str | None:
        timestamp = str(int(time.time()))
        request = urllib.request.Request(
            url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "User-Agent": "autoclaim-webhooks",
                "X-Autoclaim-Event": event.kind,
                "X-Autoclaim-Delivery": str(delivery_id),
                TIMESTAMP_HEADER: timestamp,
                SIGNATURE_HEADER: sign(secret, timestamp, body),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_seconds) as response:
                status = int(response.status)
        except urllib.error.HTTPError as exc:
            return f"HTTP {exc.code}"
        except (urllib.error.URLError, OSError, ValueError) as exc:
            return f"{type(exc).__name__}: {exc}"
        return None if 200 <= status < 300 else f"HTTP {status}"
