"""Splits that keep every source-photo group on one side (augmented copies never leak)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence


def group_fold(group: str, folds: int, seed: int = 0) -> int:
    """The fold (0..folds-1) of a group: a stable hash, so folds do not depend on order."""
    digest = hashlib.sha256(f"{seed}:{group}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % folds


def holdout_split(
    groups: Sequence[str], folds: int = 6, holdout_fold: int = 0, seed: int = 0
) -> tuple[list[int], list[int]]:
    """Indices (fit, held out): one of `folds` group-hash folds is held out."""
    fit: list[int] = []
    held: list[int] = []
    for i, group in enumerate(groups):
        (held if group_fold(group, folds, seed) == holdout_fold else fit).append(i)
    return fit, held
