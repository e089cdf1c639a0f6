"""Evaluation of a Predictor on a split laid out like ../shared/datasets: metrics JSON plus
confusion-matrix and reliability-diagram PNGs."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import numpy as np

from autoclaim.data.photos import LabelledPhoto
from autoclaim.data.readers import read_split
from autoclaim.inference.predictor import Predictor, RawOutputs
from autoclaim.models.metrics import (
    confusion_matrix,
    ece_if_calibrated,
    f1_per_class,
    multilabel_calibration_inputs,
    one_hot,
    reliability,
    summarise,
)

log = logging.getLogger(__name__)


def predict_photos(
    predictor: Predictor, photos: list[LabelledPhoto], chunk: int = 64
) -> RawOutputs:
    """Calibrated outputs for dataset photos, decoded the way the service decodes uploads."""
    parts: list[RawOutputs] = []
    for start in range(0, len(photos), chunk):
        images = [predictor.decode(p.path).image for p in photos[start : start + chunk]]
        raw, _ = predictor.predict_images(images)
        parts.append(raw)
        log.info("evaluated %d/%d photos", min(start + chunk, len(photos)), len(photos))
    return RawOutputs(
        *(np.concatenate([getattr(o, f) for o in parts]) for f in RawOutputs.__dataclass_fields__)
    )


def _multilabel_report(
    probs: np.ndarray, truth: np.ndarray, thresholds: list[float], names: list[str]
) -> dict[str, Any]:
    detected = (probs >= np.asarray(thresholds)).astype(np.float32)
    report = summarise(f1_per_class(truth, detected), names)
    confidence, correct = multilabel_calibration_inputs(probs, truth)
    ece, table = reliability(confidence, correct)
    report.update(
        {
            "ece": ece,
            "ece_if_calibrated": ece_if_calibrated(confidence, rounds=200),
            "reliability": table,
            "photos": len(truth),
        }
    )
    return report


def evaluate(predictor: Predictor, data_root: Path, split: str = "val") -> dict[str, Any]:
    """Per-class precision/recall/F1, macro-F1 per head, severity confusion matrix, ECE."""
    photos = read_split(data_root, split)
    raw = predict_photos(predictor, photos)
    meta = predictor.meta
    result: dict[str, Any] = {
        "split": split,
        "model": predictor.model_version,
        "photos": len(photos),
    }
    parts_rows = [i for i, p in enumerate(photos) if p.parts is not None]
    if parts_rows:
        truth = np.zeros((len(parts_rows), len(meta.parts)), dtype=np.float32)
        for r, i in enumerate(parts_rows):
            truth[r, list(photos[i].parts or ())] = 1.0
        result["parts"] = _multilabel_report(
            raw.parts[parts_rows], truth, meta.thresholds["parts"], meta.parts
        )
    type_rows = [i for i, p in enumerate(photos) if p.damage_types is not None]
    if type_rows:
        truth = np.zeros((len(type_rows), len(meta.damage_types)), dtype=np.float32)
        for r, i in enumerate(type_rows):
            truth[r, list(photos[i].damage_types or ())] = 1.0
        result["damage_types"] = _multilabel_report(
            raw.damage_types[type_rows], truth, meta.thresholds["damage_types"], meta.damage_types
        )
    # Severity is scored on strongly labelled photos only (file-name hints are not truth).
    sev_rows = [
        i for i, p in enumerate(photos) if p.severity is not None and not p.severity_is_weak
    ]
    if sev_rows:
        truth_idx = np.array([photos[i].severity for i in sev_rows], dtype=np.int64)
        pred_idx = raw.severity_class[sev_rows]
        k = len(meta.severities)
        report = summarise(
            f1_per_class(one_hot(truth_idx, k), one_hot(pred_idx, k)), meta.severities
        )
        probs = raw.severity[sev_rows]
        confidence = probs[np.arange(len(pred_idx)), pred_idx]
        ece, table = reliability(confidence, (pred_idx == truth_idx).astype(np.float64))
        report.update(
            {
                "confusion_matrix": confusion_matrix(truth_idx, pred_idx, k).tolist(),
                "accuracy": float((pred_idx == truth_idx).mean()),
                "ece": ece,
                "ece_if_calibrated": ece_if_calibrated(confidence),
                "reliability": table,
                "photos": len(sev_rows),
            }
        )
        result["severity"] = report
    result["headline"] = {
        f"{head}_{key}": round(float(result[head][key]), 4)
        for head in ("parts", "damage_types", "severity")
        if head in result
        for key in ("macro_f1", "ece")
    }
    return result


def write_plots(metrics: dict[str, Any], out_dir: Path) -> list[Path]:
    """Severity confusion matrix and per-head reliability diagrams as PNGs."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    if "severity" in metrics:
        matrix = np.asarray(metrics["severity"]["confusion_matrix"])
        names = list(metrics["severity"]["per_class"])
        fig, ax = plt.subplots(figsize=(4.5, 4))
        ax.imshow(matrix, cmap="Blues")
        for (r, c), v in np.ndenumerate(matrix):
            ax.text(c, r, str(v), ha="center", va="center")
        ax.set_xticks(range(len(names)), names)
        ax.set_yticks(range(len(names)), names)
        ax.set_xlabel("predicted")
        ax.set_ylabel("true")
        ax.set_title("Severity confusion matrix")
        fig.tight_layout()
        path = out_dir / "severity_confusion.png"
        fig.savefig(path, dpi=100)
        plt.close(fig)
        written.append(path)
    heads = [h for h in ("parts", "damage_types", "severity") if h in metrics]
    if heads:
        fig, axes = plt.subplots(1, len(heads), figsize=(4 * len(heads), 4), squeeze=False)
        for ax, head in zip(axes[0], heads, strict=True):
            table = metrics[head]["reliability"]
            ax.plot([0, 1], [0, 1], "--", color="gray")
            ax.bar(
                [row["confidence"] for row in table],
                [row["accuracy"] for row in table],
                width=0.08,
                alpha=0.7,
            )
            ax.set_title(f"{head} (ECE {metrics[head]['ece']:.3f})")
            ax.set_xlabel("confidence")
            ax.set_ylabel("accuracy")
            ax.set_xlim(0, 1)
            ax.set_ylim(0, 1)
        fig.tight_layout()
        path = out_dir / "reliability.png"
        fig.savefig(path, dpi=100)
        plt.close(fig)
        written.append(path)
    return written


def write_metrics(metrics: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
