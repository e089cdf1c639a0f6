from __future__ import annotations

import itertools

import pytest

from autoclaim.claims.errors import InvalidTransitionError
from autoclaim.claims.workflow import TRANSITIONS, ClaimStatus, check_transition


def test_main_path_is_allowed() -> None:
    path = ["reported", "surveying", "assessed", "repairing", "under_review", "paid", "closed"]
    for current, target in itertools.pairwise(path):
        assert check_transition(current, target) == ClaimStatus(target)


def test_invalid_transition_names_both_states_and_the_allowed_ones() -> None:
    with pytest.raises(InvalidTransitionError) as info:
        check_transition("reported", "paid")
    message = str(info.value)
    assert "'reported'" in message and "'paid'" in message
    assert "surveying" in message
    assert info.value.allowed == ["surveying", "rejected", "closed"]


def test_closed_is_final_and_unknown_states_are_refused() -> None:
    assert TRANSITIONS[ClaimStatus.CLOSED] == frozenset()
    with pytest.raises(InvalidTransitionError, match="final state"):
        check_transition("closed", "reported")
    with pytest.raises(InvalidTransitionError, match="'flying'"):
        check_transition("reported", "flying")
