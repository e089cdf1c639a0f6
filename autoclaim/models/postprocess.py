"""Logits to calibrated probabilities and decisions; shared by calibration, evaluation and
the Predictor so that all three read the model the same way."""

from __future__ import annotations

import numpy as np


def sigmoid(x: np.ndarray) -> np.ndarray:
    return np.asarray(1.0 / (1.0 + np.exp(-np.clip(x, -60.0, 60.0))))


def multilabel_probabilities(logits: np.ndarray, temperature: float) -> np.ndarray:
    """Independent per-class probabilities after temperature scaling."""
    return sigmoid(logits / temperature)


def severity_probabilities(cumulative_logits: np.ndarray, temperature: float) -> np.ndarray:
    """(N, K-1) ordinal logits "worse than class k" -> (N, K) class distribution summing to 1."""
    above = sigmoid(cumulative_logits / temperature)
    # Cumulative probabilities must not increase with k; enforce it before differencing.
    above = np.minimum.accumulate(above, axis=1)
    n = above.shape[0]
    upper = np.concatenate([np.ones((n, 1)), above], axis=1)
    lower = np.concatenate([above, np.zeros((n, 1))], axis=1)
    probs = np.clip(upper - lower, 1e-6, 1.0)
    return np.asarray(probs / probs.sum(axis=1, keepdims=True))


def severity_decision(probs: np.ndarray, bias: list[float] | None) -> np.ndarray:
    """Predicted severity index per photo: argmax of log-probabilities plus per-class bias."""
    scores = np.log(probs) + (np.asarray(bias) if bias is not None else 0.0)
    return np.asarray(scores.argmax(axis=1))


def feature_distance(features: np.ndarray, mean: np.ndarray, inv_std: np.ndarray) -> np.ndarray:
    """Mean squared z-score of pooled features (a diagonal Mahalanobis distance)."""
    return np.asarray(np.mean(((features - mean) * inv_std) ** 2, axis=1))
