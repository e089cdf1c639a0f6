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
    key_id: str
    role: Role

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.ADJUSTER, Role.ADMIN, Role.SYSTEM)


SYSTEM = Principal(key_id="system", role=Role.SYSTEM)

KEY_PREFIX = "ak_"


def new_api_key() -> str:
    """A fresh random API key (shown once; only its hash is stored)."""
    return KEY_PREFIX + secrets.token_urlsafe(32)


def hash_api_key(key: str) -> str:
    """The stored form of a key: sha256 hex (keys are long random strings, so no salt)."""
    return hashlib.sha256(key.encode()).hexdigest()
