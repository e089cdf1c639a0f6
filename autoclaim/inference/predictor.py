"""The Predictor: pre-process (decode, letterbox, normalise) -> model -> numpy post-process.

Loads the shipped weights once, checks every input first, and batches photos.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from autoclaim.inference.images import PhotoInput, load_photo
from autoclaim.inference.preprocess import Placement, letterbox, to_tensor
from autoclaim.inference.quality import quality_warnings
from autoclaim.inference.types import Finding, PhotoAssessment, QualityWarning
from autoclaim.models import damage_net  # noqa: F401  (registers the architectures)
from autoclaim.models.calibration import feature_distance
from autoclaim.models.postprocess import (
    multilabel_probabilities,
    severity_decision,
    severity_probabilities,
    sigmoid,
)
from autoclaim.models.weights import ModelMetadata, load_weights

SHIPPED_WEIGHTS = (
    Path(__file__).resolve().parent.parent / "models" / "weights" / "damage_lite0.safetensors"
)
REGION_FLOOR = 0.5  # a region covers cells at >= this fraction of the map's peak


@dataclass(frozen=True)
class RawOutputs:
    """Calibrated head outputs for a batch, as numpy arrays (used by evaluation too)."""

    parts: np.ndarray  # (N, 7) probabilities
    damage_types: np.ndarray  # (N, 3)
    severity: np.ndarray  # (N, 3) distribution
    severity_class: np.ndarray  # (N,) decided class (with the shipped bias)
    region_maps: np.ndarray  # (N, 10, h, w) probabilities over the letterboxed canvas
    ood_distance: np.ndarray  # (N,)


@dataclass(frozen=True)
class Explanation:
    """An assessment plus the per-class maps behind its regions (for overlays)."""

    assessment: PhotoAssessment
    image: Image.Image  # the upright RGB photo that was assessed
    heatmaps: dict[str, np.ndarray]  # label -> (h, w) 0..1 map over the photo


def _binary_entropy(p: np.ndarray) -> np.ndarray:
    q = np.clip(p, 1e-6, 1 - 1e-6)
    return np.asarray(-(q * np.log2(q) + (1 - q) * np.log2(1 - q)))


def crop_map(region_map: np.ndarray, placement: Placement, canvas: int) -> np.ndarray:
    """Cut the letterbox padding off a (h, w) map so it covers only the photo."""
    h, w = region_map.shape
    sx, sy = w / canvas, h / canvas
    x0 = int(np.floor(placement.offset_x * sx))
    y0 = int(np.floor(placement.offset_y * sy))
    x1 = max(x0 + 1, int(np.ceil((placement.offset_x + placement.width) * sx)))
    y1 = max(y0 + 1, int(np.ceil((placement.offset_y + placement.height) * sy)))
    return region_map[y0:y1, x0:x1]


def map_region(photo_map: np.ndarray) -> tuple[float, float, float, float] | None:
    """Normalised box around the cells near the map's peak."""
    peak = float(photo_map.max()) if photo_map.size else 0.0
    if peak <= 0.0:
        return None
    ys, xs = np.nonzero(photo_map >= REGION_FLOOR * peak)
    h, w = photo_map.shape
    return (
        round(float(xs.min()) / w, 4),
        round(float(ys.min()) / h, 4),
        round(float(xs.max() + 1) / w, 4),
        round(float(ys.max() + 1) / h, 4),
    )


class Predictor:
    """Damage assessment of photos with a trained model and its metadata."""

    _shipped: Predictor | None = None
    _lock = threading.Lock()

    def __init__(
        self,
        model: torch.nn.Module,
        meta: ModelMetadata,
        extra: dict[str, torch.Tensor] | None = None,
        batch_size: int = 16,
    ) -> None:
        self.model = model.eval().to(memory_format=torch.channels_last)
        self.meta = meta
        self.batch_size = batch_size
        extra = extra or {}
        self._feature_mean = extra["feature_mean"].numpy() if "feature_mean" in extra else None
        self._feature_inv_std = (
            extra["feature_inv_std"].numpy() if "feature_inv_std" in extra else None
        )

    @classmethod
    def load(cls, path: Path | None = None, backend: str = "auto") -> Predictor:
        """The shipped model (loaded once per process), or the weights at `path`.

        backend "auto" runs the ONNX graph exported beside the weights (`.onnx`, same
        network, about 5x faster on a busy 2-core CPU) when present, else torch.
        """
        if path is not None:
            return cls._build(path, backend)
        with cls._lock:
            if cls._shipped is None:
                cls._shipped = cls._build(SHIPPED_WEIGHTS, backend)
            return cls._shipped

    @classmethod
    def _build(cls, path: Path, backend: str) -> Predictor:
        if backend not in {"auto", "torch", "onnx"}:
            raise ValueError(f"unknown backend {backend!r} (auto, torch, onnx)")
        model, meta, extra = load_weights(path)
        onnx_path = path.with_suffix(".onnx")
        if backend == "onnx" or (backend == "auto" and onnx_path.is_file()):
            from autoclaim.inference.onnx_backend import OnnxModel

            return cls(OnnxModel(onnx_path), meta, extra)  # type: ignore[arg-type]
        return cls(model, meta, extra)

    @property
    def model_version(self) -> str:
        return f"{self.meta.name}-{self.meta.version}"

    def preprocess(self, images: Sequence[Image.Image]) -> tuple[torch.Tensor, list[Placement]]:
        """Letterboxed, normalised NCHW batch and where each photo sits in its canvas."""
        size = self.meta.input_size
        canvases, placements = [], []
        for image in images:
            canvas, placement = letterbox(image, size, self.meta.pad_value)
            canvases.append(canvas)
            placements.append(placement)
        x = to_tensor(np.stack(canvases), self.meta.mean, self.meta.std)
        return x.contiguous(memory_format=torch.channels_last), placements

    @torch.inference_mode()
    def forward(self, x: torch.Tensor) -> RawOutputs:
        """Model plus calibration for a pre-processed batch."""
        out = self.model(x)
        meta = self.meta
        severity = severity_probabilities(
            out["severity"].float().numpy(), meta.temperature["severity"]
        )
        features = out["features"].float().numpy()
        if self._feature_mean is not None and self._feature_inv_std is not None:
            distance = feature_distance(features, self._feature_mean, self._feature_inv_std)
        else:
            distance = np.zeros(len(features))
        return RawOutputs(
            parts=multilabel_probabilities(out["parts"].float().numpy(), meta.temperature["parts"]),
            damage_types=multilabel_probabilities(
                out["damage_types"].float().numpy(), meta.temperature["damage_types"]
            ),
            severity=severity,
            severity_class=severity_decision(severity, meta.severity_bias),
            region_maps=sigmoid(out["regions"].float().numpy()),
            ood_distance=distance,
        )

    def predict_images(self, images: Sequence[Image.Image]) -> tuple[RawOutputs, list[Placement]]:
        """Raw calibrated outputs for upright RGB images, in batches."""
        outputs: list[RawOutputs] = []
        placements: list[Placement] = []
        for start in range(0, len(images), self.batch_size):
            x, batch_placements = self.preprocess(images[start : start + self.batch_size])
            outputs.append(self.forward(x))
            placements += batch_placements
        merged = RawOutputs(
            *(
                np.concatenate([getattr(o, f) for o in outputs])
                for f in RawOutputs.__dataclass_fields__
            )
        )
        return merged, placements

    def explain(self, photos: Sequence[PhotoInput]) -> list[Explanation]:
        """Assessments with the heat maps behind their regions."""
        images = [load_photo(p) for p in photos]  # every input checked before any model work
        if not images:
            return []
        raw, placements = self.predict_images(images)
        return [self._explain_one(raw, i, image, placements[i]) for i, image in enumerate(images)]

    def assess(self, photos: Sequence[PhotoInput]) -> list[PhotoAssessment]:
        """One PhotoAssessment per photo, in order."""
        return [e.assessment for e in self.explain(photos)]

    def _explain_one(
        self, raw: RawOutputs, i: int, image: Image.Image, placement: Placement
    ) -> Explanation:
        meta = self.meta
        labels = meta.parts + meta.damage_types
        heatmaps = {
            label: crop_map(raw.region_maps[i, c], placement, meta.input_size)
            for c, label in enumerate(labels)
        }

        def findings(names: list[str], probs: np.ndarray, thresholds: list[float]) -> list[Finding]:
            items = [
                Finding(
                    label=name,
                    probability=round(float(p), 4),
                    detected=bool(p >= t),
                    region=map_region(heatmaps[name]),
                )
                for name, p, t in zip(names, probs, thresholds, strict=True)
            ]
            return sorted(items, key=lambda f: f.probability, reverse=True)

        parts = findings(meta.parts, raw.parts[i], meta.thresholds["parts"])
        types = findings(meta.damage_types, raw.damage_types[i], meta.thresholds["damage_types"])
        severity = {
            name: round(float(p), 4)
            for name, p in zip(meta.severities, raw.severity[i], strict=True)
        }
        warnings = quality_warnings(image)
        if meta.ood_threshold is not None and raw.ood_distance[i] > meta.ood_threshold:
            warnings.append(
                QualityWarning(
                    "not_a_car",
                    "photo looks unlike the car-damage photos the model was trained on "
                    f"(feature distance {raw.ood_distance[i]:.2f} > {meta.ood_threshold:.2f})",
                )
            )
        sev_entropy = float(
            -(raw.severity[i] * np.log(raw.severity[i])).sum() / np.log(len(meta.severities))
        )
        label_entropy = float(
            np.mean(_binary_entropy(np.concatenate([raw.parts[i], raw.damage_types[i]])))
        )
        uncertainty = float(np.clip(max(sev_entropy, label_entropy), 0.0, 1.0))
        if any(w.code == "not_a_car" for w in warnings):
            uncertainty = 1.0
        assessment = PhotoAssessment(
            parts=parts,
            damage_types=types,
            severity=severity,
            uncertainty=round(uncertainty, 4),
            warnings=warnings,
            width=image.width,
            height=image.height,
            model_version=self.model_version,
        )
        return Explanation(assessment, image, heatmaps)
