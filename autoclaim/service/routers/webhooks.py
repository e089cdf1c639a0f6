"""Webhook subscriptions (admin): each receives every claim event, signed with HMAC-SHA256."""

from __future__ import annotations

from fastapi import APIRouter, status

from autoclaim.claims.models import WebhookSubscription
from autoclaim.service.deps import AdminDep, StoreDep
from autoclaim.service.routers.claims import ERRORS
from autoclaim.service.routers.ids import SubscriptionId
from autoclaim.service.schemas import DeliveryOut, WebhookCreate, WebhookOut

router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"])


def _out(row: WebhookSubscription, secret: bool = False) -> WebhookOut:
    return WebhookOut(
        id=row.id,
        url=row.url,
        active=row.active,
        created_at=row.created_at,
        secret=row.secret if secret else None,
    )


@router.post("", status_code=status.HTTP_201_CREATED, response_model=WebhookOut, responses=ERRORS)
def create_webhook(body: WebhookCreate, _admin: AdminDep, store: StoreDep) -> WebhookOut:
    """Subscribe a URL; the response carries the signing secret, once. Each delivery has
    `X-Autoclaim-Timestamp` and `X-Autoclaim-Signature: sha256=HMAC(secret, ts + "." + body)`."""
    return _out(store.create_subscription(str(body.url)), secret=True)


@router.get("", response_model=list[WebhookOut], responses=ERRORS)
def list_webhooks(_admin: AdminDep, store: StoreDep) -> list[WebhookOut]:
    return [_out(row) for row in store.list_subscriptions()]


@router.delete("/{subscription_id}", status_code=status.HTTP_204_NO_CONTENT, responses=ERRORS)
def delete_webhook(subscription_id: SubscriptionId, _admin: AdminDep, store: StoreDep) -> None:
    """Stop deliveries to a subscription (its history is kept)."""
    store.delete_subscription(subscription_id)


@router.get("/{subscription_id}/deliveries", response_model=list[DeliveryOut], responses=ERRORS)
def list_deliveries(
    subscription_id: SubscriptionId, _admin: AdminDep, store: StoreDep
) -> list[DeliveryOut]:
    return [
        DeliveryOut(
            id=d.id,
            event_id=d.event_id,
            status=d.status,
            attempts=d.attempts,
            next_attempt_at=d.next_attempt_at,
            last_error=d.last_error,
            delivered_at=d.delivered_at,
        )
        for d in store.deliveries(subscription_id)
    ]
