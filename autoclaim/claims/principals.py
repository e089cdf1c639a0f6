"""Who is calling: an API key's id and role, or the system itself."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    """claimant: own claims only; adjuster: every claim and review; admin: also keys, hooks."""

    CLAIMANT = "claimant"
    ADJUSTER = "adjuster"
    ADMIN = "admin"
    SYSTEM = "system"


@dataclass(frozen=True)
class Principal:
    """Who acts. A keyless principal has no API key: a member of the public reporting a
    claim, or the holder of one claim's tracking link (`claim_id`: that claim and no other)."""

    key_id: str
    role: Role
    keyless: bool = False
    claim_id: str | None = None

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.ADJUSTER, Role.ADMIN, Role.SYSTEM)


SYSTEM = Principal(key_id="system", role=Role.SYSTEM)
PUBLIC = Principal(key_id="public", role=Role.CLAIMANT, keyless=True)


def tracking_link_holder(claim_id: str) -> Principal:
    """The claimant behind a claim's tracking link: may add evidence to that claim only."""
    return Principal(key_id="tracking-link", role=Role.CLAIMANT, keyless=True, claim_id=claim_id)


KEY_PREFIX = "ak_"


def new_api_key() -> str:
    """A fresh random API key (shown once; only its hash is stored)."""
    return KEY_PREFIX + secrets.token_urlsafe(32)


def hash_api_key(key: str) -> str:
    """The stored form of a key: sha256 hex (keys are long random strings, so no salt)."""
    return hashlib.sha256(key.encode()).hexdigest()
