"""How a browser carries its API key: entered once on the sign-in page, then kept in an
HttpOnly, SameSite=Strict cookie (scripts cannot read it; other sites cannot send it).

The key is checked exactly as the `X-API-Key` header is, so a page sees what the same key
sees through the JSON API. Claimants reach their progress page by its tracking token alone.
"""

from __future__ import annotations

from fastapi import Request, Response

from autoclaim.claims.principals import Principal
from autoclaim.claims.store import ClaimStore

KEY_COOKIE = "autoclaim_key"
COOKIE_MAX_AGE = 12 * 3600


def principal_from_cookie(request: Request, store: ClaimStore) -> Principal | None:
    """The principal behind the cookie's key, or None when absent, unknown or revoked."""
    key = request.cookies.get(KEY_COOKIE)
    if not key:
        return None
    return store.authenticate(key)


def remember_key(response: Response, request: Request, key: str) -> None:
    response.set_cookie(
        KEY_COOKIE,
        key,
        max_age=COOKIE_MAX_AGE,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )


def forget_key(response: Response) -> None:
    response.delete_cookie(KEY_COOKIE, path="/", httponly=True, samesite="strict")
