"""Classification and calibration metrics on numpy arrays (no sklearn needed)."""

from __future__ import annotations

from typing import Any

import numpy as np


def f1_per_class(truth: np.ndarray, predicted: np.ndarray) -> list[dict[str, float]]:
    """Precision, recall, F1 and support per column of 0/1 matrices (N, C)."""
    rows: list[dict[str, float]] = []
    for c in range(truth.shape[1]):
        t, p = truth[:, c] > 0.5, predicted[:, c] > 0.5
        tp = float(np.sum(t & p))
        fp = float(np.sum(~t & p))
        fn = float(np.sum(t & ~p))
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        rows.append({"precision": precision, "recall": recall, "f1": f1, "support": float(t.sum())})
    return rows


def one_hot(indices: np.ndarray, classes: int) -> np.ndarray:
    out = np.zeros((len(indices), classes), dtype=np.float32)
    out[np.arange(len(indices)), indices] = 1.0
    return out


def confusion_matrix(truth: np.ndarray, predicted: np.ndarray, classes: int) -> np.ndarray:
    """Rows: true class, columns: predicted class."""
    matrix = np.zeros((classes, classes), dtype=np.int64)
    for t, p in zip(truth, predicted, strict=True):
        matrix[int(t), int(p)] += 1
    return matrix


def reliability(
    confidences: np.ndarray, correct: np.ndarray, bins: int = 10
) -> tuple[float, list[dict[str, float]]]:
    """Expected calibration error (equal-width bins) and the per-bin table behind it."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    table: list[dict[str, float]] = []
    ece = 0.0
    n = len(confidences)
    for i in range(bins):
        upper = confidences <= edges[i + 1] if i == bins - 1 else confidences < edges[i + 1]
        in_bin = (confidences >= edges[i]) & upper
        count = int(in_bin.sum())
        if count == 0:
            continue
        conf = float(confidences[in_bin].mean())
        acc = float(correct[in_bin].mean())
        ece += count / n * abs(conf - acc)
        table.append(
            {
                "low": float(edges[i]),
                "high": float(edges[i + 1]),
                "count": count,
                "confidence": conf,
                "accuracy": acc,
            }
        )
    return ece, table


def ece_if_calibrated(
    confidences: np.ndarray, bins: int = 10, rounds: int = 2000, seed: int = 0
) -> dict[str, float]:
    """The ECE a perfectly calibrated model would show on this many forecasts at these
    confidences: each forecast comes true with its own probability, `rounds` times.

    On a small split the measured ECE is mostly sampling noise (106 severity photos: a
    calibrated model averages about 0.07), so the figure is read against this floor."""
    rng = np.random.default_rng(seed)
    draws = rng.random((rounds, len(confidences))) < confidences
    eces = np.array([reliability(confidences, d.astype(np.float64), bins)[0] for d in draws])
    return {"mean": float(eces.mean()), "p95": float(np.percentile(eces, 95))}


def multilabel_calibration_inputs(
    probs: np.ndarray, truth: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Each (photo, class) probability as a binary forecast: confidence and correctness."""
    p = probs.reshape(-1)
    t = truth.reshape(-1) > 0.5
    confidence = np.where(p >= 0.5, p, 1.0 - p)
    correct = (p >= 0.5) == t
    return confidence, correct.astype(np.float64)


def best_f1_threshold(probs: np.ndarray, truth: np.ndarray) -> float:
    """The threshold (0.05..0.95) that maximises F1 of one class; 0.5 when no positives."""
    if truth.sum() == 0:
        return 0.5
    grid = np.round(np.arange(0.05, 0.951, 0.025), 3)
    scores = np.array(
        [
            f1_per_class(truth[:, None], (probs >= t)[:, None].astype(np.float32))[0]["f1"]
            for t in grid
        ]
    )
    # The middle of the best plateau: a threshold on its edge sits on one photo's score.
    best = grid[scores >= scores.max() - 1e-9]
    return round(float(np.round(np.median(best) / 0.025) * 0.025), 3)


def summarise(rows: list[dict[str, float]], names: list[str]) -> dict[str, Any]:
    """Per-class table keyed by name plus the macro-F1 over classes."""
    return {
        "per_class": {name: row for name, row in zip(names, rows, strict=True)},
        "macro_f1": float(np.mean([row["f1"] for row in rows])) if rows else 0.0,
    }
