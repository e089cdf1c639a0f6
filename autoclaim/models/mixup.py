"""Mixup inside each training set: a photo is blended with another photo of the same set, and
the losses against the two photos' labels are blended by the same weight.

With about a thousand source photos a set, the upper backbone memorises the training photos
within a few epochs; blended photos with blended targets are a standard regulariser for that.
Partners come from the same set so that every head keeps the labels it is trained on (a parts
photo has no damage-type label to blend). Blending the losses is the same as blending the
targets for every loss used here (each is linear in its target).
"""

from __future__ import annotations

import numpy as np
import torch


def same_set_partners(from_parts_set: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """A permutation of the batch that pairs every photo with one of its own set."""
    order = torch.arange(len(from_parts_set))
    for flag in (True, False):
        members = torch.nonzero(from_parts_set == flag).flatten()
        order[members] = members[torch.randperm(len(members), generator=generator)]
    return order


def mixup_weight(alpha: float, generator: torch.Generator) -> float:
    """Weight of the photo itself, from Beta(alpha, alpha) folded above 0.5 (the photo stays
    the larger part of the blend); drawn from `generator` so a resumed run draws the same."""
    if alpha <= 0.0:
        raise ValueError(f"mixup alpha must be > 0, got {alpha}")
    seed = int(torch.randint(0, 2**31 - 1, (1,), generator=generator))
    lam = float(np.random.default_rng(seed).beta(alpha, alpha))
    return max(lam, 1.0 - lam)
