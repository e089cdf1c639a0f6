"""Bagged post-processing choices: resampling by source-photo group, so a threshold or bias
is not decided by one group's copies."""

from __future__ import annotations

import numpy as np

from autoclaim.models.calibration import (
    bagged_severity_bias,
    bagged_thresholds,
    fit_severity_bias,
    group_bootstrap,
)
from autoclaim.models.metrics import best_f1_threshold


def test_group_bootstrap_draws_whole_groups_reproducibly() -> None:
    groups = ["a", "a", "a", "b", "c", "c"]
    samples = group_bootstrap(groups, rounds=20, seed=3)
    assert len(samples) == 20
    for idx in samples:
        drawn = [groups[i] for i in idx]
        for group in set(drawn):  # a group comes with all its copies, possibly twice
            assert drawn.count(group) % groups.count(group) == 0
    again = group_bootstrap(groups, rounds=20, seed=3)
    assert all(np.array_equal(x, y) for x, y in zip(samples, again, strict=True))


def test_one_group_of_copies_does_not_decide_the_threshold() -> None:
    rng = np.random.default_rng(0)
    # 40 source photos, one copy each: positives score high, negatives low, with overlap.
    truth = np.r_[np.ones(20), np.zeros(20)]
    probs = np.r_[rng.uniform(0.35, 0.95, 20), rng.uniform(0.05, 0.6, 20)]
    groups = [f"g{i}" for i in range(40)]
    # Ten augmented copies of one positive photo scored 0.12 (a hard outlier).
    truth = np.r_[truth, np.ones(10)]
    probs = np.r_[probs, np.full(10, 0.12)]
    groups += ["outlier"] * 10
    single = best_f1_threshold(probs, truth)
    bagged = bagged_thresholds(probs[:, None], truth[:, None], groups)[0]
    clean = best_f1_threshold(probs[:40], truth[:40])
    # The single fit follows the outlier's ten copies down; the bagged choice stays nearer
    # the threshold of the photos without them.
    assert single < 0.15
    assert abs(bagged - clean) < abs(single - clean)


def test_bagged_severity_bias_shrinks_a_bias_that_one_group_asks_for() -> None:
    rng = np.random.default_rng(1)
    n = 60
    truth = rng.integers(0, 3, n)
    probs = np.full((n, 3), 0.1)
    probs[np.arange(n), truth] = 0.8  # the model is right on these photos, without bias
    # Twelve copies of one moderate photo that the model calls minor.
    truth = np.r_[truth, np.ones(12, dtype=int)]
    probs = np.r_[probs, np.tile([[0.55, 0.35, 0.10]], (12, 1))]
    groups = [f"g{i}" for i in range(n)] + ["copies"] * 12
    single = fit_severity_bias(probs, truth)
    bagged = bagged_severity_bias(probs, truth, groups)
    assert single[1] > 0  # the single fit raises moderate to catch the copies
    assert 0 <= bagged[1] < single[1]
    assert len(bagged) == 3 and bagged[0] == 0.0
