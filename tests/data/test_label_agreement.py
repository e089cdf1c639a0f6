"""scripts/label_agreement.py: how far separately labelled copies of one photo agree."""

from __future__ import annotations

import math
from types import ModuleType

import numpy as np
import pytest

from tests.scripts import load_script


@pytest.fixture(scope="module")
def agreement() -> ModuleType:
    return load_script("label_agreement")


def test_agreement_counts_parts_both_copies_carry_against_parts_one_does(
    agreement: ModuleType,
) -> None:
    pairs = [
        (frozenset({0, 1}), frozenset({0})),  # part 0 in both, part 1 in one
        (frozenset({0}), frozenset({0})),
        (frozenset({1}), frozenset({1})),
    ]
    scores = agreement.agreement_f1(pairs, 3)
    assert scores[0] == pytest.approx(1.0)  # 2·2 / (2·2 + 0)
    assert scores[1] == pytest.approx(2 / 3)  # 2·1 / (2·1 + 1)
    assert math.isnan(scores[2])  # no copy carries part 2
    flipped = [(b, a) for a, b in pairs]
    assert agreement.agreement_f1(flipped, 3)[:2] == scores[:2]


def test_copies_pair_across_groups_only(agreement: ModuleType) -> None:
    bits = np.zeros((4, 64), dtype=bool)
    bits[2, :3] = True  # 3 bits from photos 0 and 1
    bits[3, :] = True  # far from all
    groups = ["a", "a", "b", "c"]
    # 0 and 1 are augmented copies of one upload (same group): not a pair; one pair per
    # pair of groups
    assert agreement.separate_copies(groups, bits, 4) == [(0, 2)]
    assert agreement.separate_copies(groups, bits, 2) == []
