"""Mixup inside each training set: partners from the same set, a blend weight above one half."""

from __future__ import annotations

import pytest
import torch

from autoclaim.models.mixup import mixup_weight, same_set_partners


def test_partners_are_a_permutation_inside_each_set() -> None:
    from_parts_set = torch.tensor([True, False, True, True, False, False, True])
    partners = same_set_partners(from_parts_set, torch.Generator().manual_seed(0))
    assert sorted(partners.tolist()) == list(range(7))
    assert torch.equal(from_parts_set[partners], from_parts_set)


def test_partners_are_shuffled() -> None:
    from_parts_set = torch.ones(64, dtype=torch.bool)
    partners = same_set_partners(from_parts_set, torch.Generator().manual_seed(1))
    assert not torch.equal(partners, torch.arange(64))


def test_weight_is_above_one_half_and_follows_the_generator() -> None:
    draws = [mixup_weight(0.3, torch.Generator().manual_seed(s)) for s in range(50)]
    assert all(0.5 <= w <= 1.0 for w in draws)
    assert len(set(draws)) > 40
    again = mixup_weight(0.3, torch.Generator().manual_seed(7))
    assert again == draws[7]


def test_non_positive_alpha_is_refused() -> None:
    with pytest.raises(ValueError, match="alpha"):
        mixup_weight(0.0, torch.Generator())
