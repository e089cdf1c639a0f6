"""Precise errors of the claim record; only `autoclaim.service` turns them into HTTP codes."""

from __future__ import annotations


class ClaimsError(Exception):
    """Base of every claim-record error."""


class NotFoundError(ClaimsError):
    """A claim, photo, document, key or subscription that does not exist."""

    def __init__(self, kind: str, ident: str) -> None:
        super().__init__(f"{kind} {ident!r} not found")
        self.kind = kind
        self.ident = ident


class LeaseLostError(ClaimsError):
    """A worker's hold on work items lapsed and another worker took them over."""

    def __init__(self, item_id: int) -> None:
        super().__init__(f"work item {item_id} was taken over by another worker")
        self.item_id = item_id


class PermissionDeniedError(ClaimsError):
    """The caller's role may not do this."""


class InvalidTransitionError(ClaimsError):
    """A status change the workflow does not allow."""

    def __init__(self, current: str, target: str, allowed: list[str]) -> None:
        allowed_text = ", ".join(allowed) if allowed else "none (final state)"
        super().__init__(
            f"cannot move a claim from {current!r} to {target!r}; allowed from {current!r}: "
            f"{allowed_text}"
        )
        self.current = current
        self.target = target
        self.allowed = allowed


class VersionConflictError(ClaimsError):
    """The claim changed since the caller read it (optimistic versioning)."""

    def __init__(self, claim_id: str, expected: int, actual: int) -> None:
        super().__init__(
            f"claim {claim_id!r} is at version {actual}, the request expected version {expected}"
        )
        self.expected = expected
        self.actual = actual


class IdempotencyConflictError(ClaimsError):
    """An `Idempotency-Key` reused with a different request body."""


class StateConflictError(ClaimsError):
    """A request the claim's current state does not allow (closed claim, no estimate yet)."""


class InvalidRequestError(ClaimsError):
    """A request that is well formed but asks for something that does not make sense."""


class UploadError(ClaimsError):
    """A file that cannot be accepted."""

    def __init__(self, filename: str, message: str) -> None:
        super().__init__(f"{filename!r}: {message}")
        self.filename = filename


class FileTooLargeError(UploadError):
    """A file over the configured upload limit."""


class UnsupportedFileError(UploadError):
    """A file whose type the service does not accept."""


class CorruptFileError(UploadError):
    """A file of an accepted type that cannot be decoded."""


class AnalyserUnavailableError(ClaimsError):
    """The vision model or OCR engine is not installed in this deployment."""
