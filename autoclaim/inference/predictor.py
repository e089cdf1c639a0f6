"""The Predictor: decode -> letterbox -> normalise -> model -> numpy post-process.

Loads the shipped weights once, checks every input first, and batches photos. With an ONNX
graph beside the weights (the default), nothing here imports torch: numpy, Pillow and ONNX
Runtime only, which keeps a service or worker process about 500 MB smaller.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from PIL import Image

from autoclaim.inference.backend import ArrayModel
from autoclaim.inference.images import Photo, PhotoInput, decode_photo, load_photo
from autoclaim.inference.preprocess import Placement, letterbox, normalise
from autoclaim.inference.quality import QUALITY_SIDE, pixel_warnings, quality_pixels
from autoclaim.inference.types import Finding, PhotoAssessment, QualityWarning
from autoclaim.models.postprocess import (
    feature_distance,
    multilabel_probabilities,
    severity_decision,
    severity_probabilities,
    sigmoid,
)
from autoclaim.models.weights import ModelMetadata, WeightsError, read_extra, read_metadata

if TYPE_CHECKING:
    from torch import nn

log = logging.getLogger(__name__)

SHIPPED_WEIGHTS = (
    Path(__file__).resolve().parent.parent / "models" / "weights" / "damage_lite0.safetensors"
)
REGION_FLOOR = 0.5  # a region covers cells at >= this fraction of the map's peak
BACKENDS = ("auto", "int8", "onnx", "torch")
# The graph files each ONNX backend reads, beside the .safetensors.
ONNX_SUFFIXES = {"int8": ".int8.onnx", "onnx": ".onnx"}
AUTO_ORDER = ("onnx", "torch")  # what backend "auto" tries, first usable wins
# JPEGs decode at reduced scale but keep at least this many times the model's input a side:
# photos up to twice the input (the 640-px training and val photos) decode at full size, so
# the model sees exactly the pixels it was trained on; a 12-megapixel photo decodes at 1/4.
# Factor 1 decodes the 640-px photos at 320 px (3x faster decode, no exact match; see
# docs/model-card.md "Runtime" for what that did to the val figures).
DECODE_FACTOR = 2
DECODE_THREADS = 2  # threads decoding and letterboxing the photos of one call


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
    image: Image.Image  # the upright RGB photo that was assessed (full size)
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


def _onnx_model(path: Path, backend: str) -> ArrayModel:
    from autoclaim.inference.onnx_backend import OnnxModel

    graph = path.with_suffix(ONNX_SUFFIXES[backend])
    if not graph.is_file():
        raise WeightsError(f"no {backend} graph {graph}; build it: scripts/build_vision_onnx.py")
    return OnnxModel(graph, weights=path, name=backend)


def _torch_model(module: nn.Module) -> ArrayModel:
    from autoclaim.inference.torch_backend import TorchModel

    return TorchModel(module)


class Predictor:
    """Damage assessment of photos with a trained model and its metadata."""

    _shipped: Predictor | None = None
    _lock = threading.Lock()

    def __init__(
        self,
        model: ArrayModel | nn.Module,
        meta: ModelMetadata,
        extra: Mapping[str, Any] | None = None,
        batch_size: int = 16,
    ) -> None:
        """`model` is a loaded backend or a torch module (wrapped); `extra` holds the feature
        statistics (numpy arrays or tensors)."""
        self.model = model if isinstance(model, ArrayModel) else _torch_model(model)
        self.meta = meta
        self.batch_size = batch_size
        self.decode_side = max(DECODE_FACTOR * meta.input_size, QUALITY_SIDE)
        self._decode_pool: ThreadPoolExecutor | None = None
        self._decode_lock = threading.Lock()
        extra = extra or {}
        mean, inv_std = extra.get("feature_mean"), extra.get("feature_inv_std")
        self._feature_mean = None if mean is None else np.asarray(mean, dtype=np.float32)
        self._feature_inv_std = None if inv_std is None else np.asarray(inv_std, dtype=np.float32)

    @classmethod
    def load(cls, path: Path | None = None, backend: str = "auto") -> Predictor:
        """The shipped model (loaded once per process), or the weights at `path`.

        backend "onnx" runs the ONNX graph exported beside the weights (`.onnx`; no torch
        import), "int8" its int8-quantised copy (`.int8.onnx`), "torch" the weights in torch;
        "auto" takes the first of AUTO_ORDER that is present and exported from these weights.
        """
        if path is not None:
            return cls._build(path, backend)
        with cls._lock:
            if cls._shipped is None:
                cls._shipped = cls._build(SHIPPED_WEIGHTS, backend)
            return cls._shipped

    @classmethod
    def _build(cls, path: Path, backend: str) -> Predictor:
        if backend not in BACKENDS:
            raise ValueError(f"unknown backend {backend!r} ({', '.join(BACKENDS)})")
        meta = read_metadata(path)
        for choice in AUTO_ORDER if backend == "auto" else (backend,):
            if choice == "torch":
                from autoclaim.models.weights import load_weights

                model, meta, extra = load_weights(path)
                return cls(model, meta, extra)
            if backend == "auto" and not path.with_suffix(ONNX_SUFFIXES[choice]).is_file():
                continue
            try:
                return cls(_onnx_model(path, choice), meta, read_extra(path))
            except WeightsError as exc:
                if backend != "auto":
                    raise
                log.warning("skipping the %s backend: %s", choice, exc)
        raise WeightsError(f"no usable backend for {path}")  # AUTO_ORDER ends with torch

    @property
    def model_version(self) -> str:
        return f"{self.meta.name}-{self.meta.version}"

    @property
    def backend(self) -> str:
        return self.model.name

    def decode(self, photo: PhotoInput) -> Photo:
        """A photo decoded as the model and the quality checks need it: JPEGs at reduced
        scale, still at least `decode_side` pixels a side."""
        return decode_photo(photo, self.decode_side)

    def _prepare(self, photo: PhotoInput) -> tuple[Photo, tuple[np.ndarray, Placement]]:
        decoded = self.decode(photo)
        return decoded, self.letterbox(decoded.image)

    def _decoder(self) -> ThreadPoolExecutor:
        """The threads that decode a call's photos, started once per Predictor."""
        with self._decode_lock:
            if self._decode_pool is None:
                self._decode_pool = ThreadPoolExecutor(
                    DECODE_THREADS, thread_name_prefix="autoclaim-decode"
                )
            return self._decode_pool

    def letterbox(self, image: Image.Image) -> tuple[np.ndarray, Placement]:
        return letterbox(image, self.meta.input_size, self.meta.pad_value)

    def forward(self, canvases: Sequence[np.ndarray]) -> RawOutputs:
        """Model plus calibration for letterboxed uint8 (S, S, 3) canvases, in batches."""
        outputs = [
            self._forward_batch(np.stack(canvases[start : start + self.batch_size]))
            for start in range(0, len(canvases), self.batch_size)
        ]
        return RawOutputs(
            *(
                np.concatenate([getattr(o, f) for o in outputs])
                for f in RawOutputs.__dataclass_fields__
            )
        )

    def _forward_batch(self, batch: np.ndarray) -> RawOutputs:
        out = self.model(normalise(batch, self.meta.mean, self.meta.std))
        meta = self.meta
        severity = severity_probabilities(out["severity"], meta.temperature["severity"])
        features = out["features"]
        if self._feature_mean is not None and self._feature_inv_std is not None:
            distance = feature_distance(features, self._feature_mean, self._feature_inv_std)
        else:
            distance = np.zeros(len(features))
        return RawOutputs(
            parts=multilabel_probabilities(out["parts"], meta.temperature["parts"]),
            damage_types=multilabel_probabilities(
                out["damage_types"], meta.temperature["damage_types"]
            ),
            severity=severity,
            severity_class=severity_decision(severity, meta.severity_bias),
            region_maps=sigmoid(out["regions"]),
            ood_distance=distance,
        )

    def predict_images(self, images: Sequence[Image.Image]) -> tuple[RawOutputs, list[Placement]]:
        """Raw calibrated outputs for upright RGB images, in batches."""
        boxed = [self.letterbox(image) for image in images]
        return self.forward([canvas for canvas, _ in boxed]), [p for _, p in boxed]

    def explain(self, photos: Sequence[PhotoInput]) -> list[Explanation]:
        """Assessments with the heat maps behind their regions (and the full-size photo)."""
        assessed = self._assess(photos)
        return [
            Explanation(assessment, load_photo(photo), heatmaps)
            for photo, (assessment, heatmaps) in zip(photos, assessed, strict=True)
        ]

    def assess(self, photos: Sequence[PhotoInput]) -> list[PhotoAssessment]:
        """One PhotoAssessment per photo, in order."""
        return [assessment for assessment, _ in self._assess(photos)]

    def _assess(
        self, photos: Sequence[PhotoInput]
    ) -> list[tuple[PhotoAssessment, dict[str, np.ndarray]]]:
        # Every input is decoded (and so checked) before any model work; a batch's photos
        # decode side by side (Pillow releases the GIL while decoding and resizing).
        if not photos:
            return []
        prepared = list(self._decoder().map(self._prepare, photos))
        decoded = [photo for photo, _ in prepared]
        boxed = [box for _, box in prepared]
        raw = self.forward([canvas for canvas, _ in boxed])
        results = []
        for i, (photo, (canvas, placement)) in enumerate(zip(decoded, boxed, strict=True)):
            if self.meta.input_size == QUALITY_SIDE:  # the resized photo is in the canvas
                small = canvas[
                    placement.offset_y : placement.offset_y + placement.height,
                    placement.offset_x : placement.offset_x + placement.width,
                ]
            else:
                small = quality_pixels(photo.image)
            warnings = pixel_warnings(small, photo.width, photo.height)
            results.append(self._assess_one(raw, i, photo, placement, warnings))
        return results

    def _assess_one(
        self,
        raw: RawOutputs,
        i: int,
        photo: Photo,
        placement: Placement,
        warnings: list[QualityWarning],
    ) -> tuple[PhotoAssessment, dict[str, np.ndarray]]:
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
            width=photo.width,
            height=photo.height,
            model_version=self.model_version,
        )
        return assessment, heatmaps
