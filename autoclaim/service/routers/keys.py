"""API keys (admin): create one per claimant app, adjuster desk or administrator."""

from __future__ import annotations

from fastapi import APIRouter, status

from autoclaim.claims.principals import Role
from autoclaim.service.deps import AdminDep, StoreDep
from autoclaim.service.routers.claims import ERRORS
from autoclaim.service.schemas import KeyCreate, KeyCreated

router = APIRouter(prefix="/v1/keys", tags=["keys"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=KeyCreated, responses=ERRORS)
def create_key(body: KeyCreate, _admin: AdminDep, store: StoreDep) -> KeyCreated:
    """A new key; it is shown in this response only (the service keeps its hash)."""
    key_id, key = store.create_api_key(Role(body.role), body.name)
    return KeyCreated(id=key_id, role=body.role, key=key)
