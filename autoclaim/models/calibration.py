"""Post-training choices made on a held-out, group-disjoint fold of *train* (never val):
temperatures, per-class thresholds, severity decision biases and the out-of-distribution
distance threshold.

The held-out fold is small (about 70 source photos carry a severity label), so a threshold or
bias that maximises F1 on it follows a handful of photos. Thresholds and biases are therefore
bagged: chosen on group-bootstrap resamples of the fold (a source photo's augmented copies are
drawn together) and averaged."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence

import numpy as np
import torch

from autoclaim.data.cache import PhotoArrays
from autoclaim.models.metrics import best_f1_threshold, f1_per_class, one_hot
from autoclaim.models.postprocess import (
    feature_distance,
    multilabel_probabilities,
    severity_decision,
    severity_probabilities,
    sigmoid,
)
from autoclaim.models.weights import ModelMetadata

TEMPERATURE_GRID = np.exp(np.linspace(np.log(0.25), np.log(6.0), 81))
BOOTSTRAP_ROUNDS = 100


def group_bootstrap(
    groups: Sequence[str], rounds: int = BOOTSTRAP_ROUNDS, seed: int = 0
) -> list[np.ndarray]:
    """Index arrays of `rounds` resamples that draw whole groups with replacement."""
    members: dict[str, list[int]] = {}
    for i, group in enumerate(groups):
        members.setdefault(group, []).append(i)
    names = sorted(members)
    rng = np.random.default_rng(seed)
    samples = []
    for _ in range(rounds):
        picked = rng.choice(len(names), size=len(names), replace=True)
        samples.append(np.concatenate([members[names[j]] for j in picked]))
    return samples


def fit_multilabel_temperature(logits: np.ndarray, truth: np.ndarray) -> float:
    """Temperature minimising binary cross-entropy (grid search: robust, no optimiser state)."""
    best_t, best_nll = 1.0, np.inf
    for t in TEMPERATURE_GRID:
        p = np.clip(sigmoid(logits / t), 1e-7, 1 - 1e-7)
        nll = float(-np.mean(truth * np.log(p) + (1 - truth) * np.log(1 - p)))
        if nll < best_nll:
            best_t, best_nll = float(t), nll
    return round(best_t, 4)


def fit_severity_temperature(logits: np.ndarray, truth: np.ndarray) -> float:
    best_t, best_nll = 1.0, np.inf
    for t in TEMPERATURE_GRID:
        p = severity_probabilities(logits, float(t))
        nll = float(-np.mean(np.log(p[np.arange(len(truth)), truth])))
        if nll < best_nll:
            best_t, best_nll = float(t), nll
    return round(best_t, 4)


def _bagged(choose: Callable[[np.ndarray], list[float]], groups: Sequence[str]) -> list[float]:
    """`choose` (rows of one resample -> values) averaged over group-bootstrap resamples."""
    per_sample = [choose(idx) for idx in group_bootstrap(groups)]
    return [round(float(v), 3) for v in np.mean(per_sample, axis=0)]


def bagged_thresholds(probs: np.ndarray, truth: np.ndarray, groups: Sequence[str]) -> list[float]:
    """Per-class F1-maximising thresholds, averaged over group-bootstrap resamples."""
    return _bagged(
        lambda idx: [
            best_f1_threshold(probs[idx, c], truth[idx, c]) for c in range(truth.shape[1])
        ],
        groups,
    )


def fit_severity_bias(probs: np.ndarray, truth: np.ndarray) -> list[float]:
    """Additive log-score offsets for moderate/severe that maximise macro-F1 (small grid)."""
    grid = np.arange(-1.0, 1.01, 0.25)
    best: tuple[float, list[float]] = (-1.0, [0.0, 0.0, 0.0])
    for b1, b2 in itertools.product(grid, grid):
        bias = [0.0, float(b1), float(b2)]
        pred = severity_decision(probs, bias)
        rows = f1_per_class(one_hot(truth, 3), one_hot(pred, 3))
        macro = float(np.mean([r["f1"] for r in rows]))
        # Prefer smaller offsets on ties: a bias is a correction, not a free parameter.
        if macro > best[0] + 1e-3:
            best = (macro, bias)
    return best[1]


def bagged_severity_bias(
    probs: np.ndarray, truth: np.ndarray, groups: Sequence[str]
) -> list[float]:
    """The severity decision offsets, averaged over group-bootstrap resamples."""
    return _bagged(lambda idx: fit_severity_bias(probs[idx], truth[idx]), groups)


def _selected(groups: Sequence[str], mask: np.ndarray) -> list[str]:
    """The groups of the rows `mask` keeps."""
    return [g for g, keep in zip(groups, mask, strict=True) if keep]


def calibrate(
    meta: ModelMetadata,
    held_out: dict[str, np.ndarray],
    held: PhotoArrays,
    fit_features: np.ndarray,
) -> dict[str, torch.Tensor]:
    """Fill `meta` (temperatures, thresholds, bias, OOD threshold, holdout metrics); returns
    the feature statistics to store beside the weights."""
    metrics: dict[str, float] = {}
    for head, targets, known in (
        ("parts", held.parts, held.parts_known),
        ("damage_types", held.types, held.types_known),
    ):
        logits, truth = held_out[head][known], targets[known]
        if len(truth) == 0:
            continue
        t = fit_multilabel_temperature(logits, truth)
        probs = multilabel_probabilities(logits, t)
        thresholds = bagged_thresholds(probs, truth, _selected(held.groups, known))
        meta.temperature[head] = t
        meta.thresholds[head] = thresholds
        rows = f1_per_class(truth, (probs >= np.asarray(thresholds)).astype(np.float32))
        metrics[f"{head}_macro_f1"] = float(np.mean([r["f1"] for r in rows]))
    strong = held.severity_weight >= 1.0
    if strong.any():
        logits, truth = held_out["severity"][strong], held.severity[strong]
        t = fit_severity_temperature(logits, truth)
        probs = severity_probabilities(logits, t)
        meta.temperature["severity"] = t
        meta.severity_bias = bagged_severity_bias(probs, truth, _selected(held.groups, strong))
        pred = severity_decision(probs, meta.severity_bias)
        rows = f1_per_class(one_hot(truth, 3), one_hot(pred, 3))
        metrics["severity_macro_f1"] = float(np.mean([r["f1"] for r in rows]))
    mean = fit_features.mean(axis=0)
    inv_std = 1.0 / (fit_features.std(axis=0) + 1e-3)
    distances = feature_distance(held_out["features"], mean, inv_std)
    meta.ood_threshold = float(np.percentile(distances, 99.5) * 1.25)
    meta.metrics["holdout"] = metrics
    return {
        "feature_mean": torch.tensor(mean, dtype=torch.float32),
        "feature_inv_std": torch.tensor(inv_std, dtype=torch.float32),
    }
