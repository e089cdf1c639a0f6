"""The claim workflow: which status may follow which, and nothing else."""

from __future__ import annotations

from enum import StrEnum

from autoclaim.claims.errors import InvalidTransitionError


class ClaimStatus(StrEnum):
    """reported → surveying → assessed → repairing → under_review → paid; rejected, closed."""

    REPORTED = "reported"
    SURVEYING = "surveying"
    ASSESSED = "assessed"
    REPAIRING = "repairing"
    UNDER_REVIEW = "under_review"
    PAID = "paid"
    REJECTED = "rejected"
    CLOSED = "closed"


S = ClaimStatus

# "surveying" is reachable again from later stages when an adjuster asks for more evidence.
TRANSITIONS: dict[ClaimStatus, frozenset[ClaimStatus]] = {
    S.REPORTED: frozenset({S.SURVEYING, S.REJECTED, S.CLOSED}),
    S.SURVEYING: frozenset({S.ASSESSED, S.REJECTED, S.CLOSED}),
    S.ASSESSED: frozenset({S.SURVEYING, S.REPAIRING, S.REJECTED, S.CLOSED}),
    S.REPAIRING: frozenset({S.UNDER_REVIEW, S.REJECTED, S.CLOSED}),
    S.UNDER_REVIEW: frozenset({S.PAID, S.REPAIRING, S.SURVEYING, S.REJECTED}),
    S.PAID: frozenset({S.CLOSED}),
    S.REJECTED: frozenset({S.CLOSED}),
    S.CLOSED: frozenset(),
}

FINAL = frozenset({S.PAID, S.REJECTED, S.CLOSED})

# Work on evidence (photos, documents, estimates) is accepted only while the claim is open.
ACCEPTS_EVIDENCE = frozenset({S.REPORTED, S.SURVEYING, S.ASSESSED, S.REPAIRING, S.UNDER_REVIEW})


def allowed_targets(current: ClaimStatus) -> list[str]:
    """The statuses that may follow `current`, in workflow order."""
    return [s.value for s in ClaimStatus if s in TRANSITIONS[current]]


def check_transition(current: str, target: str) -> ClaimStatus:
    """The target status when `current → target` is allowed; `InvalidTransitionError` if not."""
    try:
        cur = ClaimStatus(current)
    except ValueError as exc:
        raise InvalidTransitionError(current, target, []) from exc
    try:
        tgt = ClaimStatus(target)
    except ValueError as exc:
        raise InvalidTransitionError(current, target, allowed_targets(cur)) from exc
    if tgt not in TRANSITIONS[cur]:
        raise InvalidTransitionError(current, target, allowed_targets(cur))
    return tgt
