"""Weight files: tensors in safetensors (never pickle) beside a JSON file of metadata.

Importing this module does not import torch: the ONNX inference path reads the metadata and
the feature statistics with numpy only (`read_metadata`, `read_extra`)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from autoclaim.data.taxonomy import DAMAGE_TYPES, PARTS, SEVERITIES

if TYPE_CHECKING:
    import torch
    from torch import nn

# Out-of-distribution statistics of pooled features travel in the same file under this prefix.
OOD_PREFIX = "ood."


class WeightsError(ValueError):
    """A weight file or its metadata that cannot be used."""


@dataclass
class ModelMetadata:
    """Everything needed to pre-process, run and post-process a trained model."""

    name: str
    version: str
    architecture: str
    input_size: int = 256
    # Pixels 0..255 are normalised as (x - mean) / std (the Lite0 weights came from TF Lite).
    mean: tuple[float, float, float] = (127.0, 127.0, 127.0)
    std: tuple[float, float, float] = (128.0, 128.0, 128.0)
    resize: str = "letterbox"  # keep aspect ratio, pad with `pad_value`
    pad_value: int = 127
    parts: list[str] = field(default_factory=lambda: list(PARTS))
    damage_types: list[str] = field(default_factory=lambda: list(DAMAGE_TYPES))
    severities: list[str] = field(default_factory=lambda: list(SEVERITIES))
    # Post-processing chosen on a held-out training fold (never on val).
    temperature: dict[str, float] = field(
        default_factory=lambda: {"parts": 1.0, "damage_types": 1.0, "severity": 1.0}
    )
    thresholds: dict[str, list[float]] = field(
        default_factory=lambda: {"parts": [0.5] * len(PARTS), "damage_types": [0.5] * 3}
    )
    severity_bias: list[float] = field(default_factory=lambda: [0.0, 0.0, 0.0])
    ood_threshold: float | None = None  # feature distance above which a photo is "not a car"
    metrics: dict[str, Any] = field(default_factory=dict)
    provenance: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_json(cls, text: str) -> ModelMetadata:
        raw = json.loads(text)
        known = {f for f in cls.__dataclass_fields__}
        unknown = set(raw) - known
        if unknown:
            raise WeightsError(f"unknown metadata fields {sorted(unknown)}")
        for key in ("mean", "std"):
            if key in raw:
                raw[key] = tuple(raw[key])
        return cls(**raw)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, ensure_ascii=False)


def save_weights(
    model: nn.Module,
    meta: ModelMetadata,
    path: Path,
    extra: dict[str, torch.Tensor] | None = None,
) -> None:
    """Write `path` (.safetensors) and its metadata beside it (.json)."""
    from safetensors.torch import save_file

    tensors = {k: v.detach().contiguous().cpu() for k, v in model.state_dict().items()}
    tensors = {k: v for k, v in tensors.items() if not k.endswith("num_batches_tracked")}
    for key, value in (extra or {}).items():
        tensors[OOD_PREFIX + key] = value.detach().contiguous().cpu()
    path.parent.mkdir(parents=True, exist_ok=True)
    save_file(tensors, str(path))
    path.with_suffix(".json").write_text(meta.to_json() + "\n", encoding="utf-8")


def load_weights(path: Path) -> tuple[nn.Module, ModelMetadata, dict[str, torch.Tensor]]:
    """Build the model named in the metadata and fill it; returns (model, meta, extra tensors)."""
    from safetensors.torch import load_file

    from autoclaim.models import damage_net  # noqa: F401  (registers the architectures)
    from autoclaim.models.registry import build_model

    meta = read_metadata(path)

    tensors = load_file(str(path))
    extra = {k[len(OOD_PREFIX) :]: v for k, v in tensors.items() if k.startswith(OOD_PREFIX)}
    state = {k: v for k, v in tensors.items() if not k.startswith(OOD_PREFIX)}
    model = build_model(meta.architecture)
    try:
        missing, unexpected = model.load_state_dict(state, strict=False)
    except RuntimeError as exc:  # shape mismatches
        raise WeightsError(f"{path}: weights do not fit {meta.architecture}: {exc}") from None
    missing = [k for k in missing if not k.endswith("num_batches_tracked")]
    if missing or unexpected:
        raise WeightsError(f"{path}: missing keys {missing[:5]}, unexpected keys {unexpected[:5]}")
    model.eval()
    return model, meta, extra


def record_metrics(path: Path, split: str, metrics: dict[str, Any]) -> None:
    """Store evaluation figures in the metadata beside `path` (reference for regression tests).

    Only the record is written; nothing chosen from these figures feeds back into the model.
    """
    meta_path = path.with_suffix(".json")
    meta = ModelMetadata.from_json(meta_path.read_text(encoding="utf-8"))
    per_class = {
        head: {name: round(row["f1"], 4) for name, row in metrics[head]["per_class"].items()}
        for head in ("parts", "damage_types", "severity")
        if head in metrics
    }
    meta.metrics[split] = {"headline": metrics["headline"], "per_class_f1": per_class}
    meta_path.write_text(meta.to_json() + "\n", encoding="utf-8")


def read_metadata(path: Path) -> ModelMetadata:
    """The metadata beside the weights at `path` (checks that both files exist)."""
    meta_path = path.with_suffix(".json")
    if not path.is_file() or not meta_path.is_file():
        raise WeightsError(f"weights {path} or metadata {meta_path} missing")
    return ModelMetadata.from_json(meta_path.read_text(encoding="utf-8"))


def read_extra(path: Path) -> dict[str, np.ndarray]:
    """The extra tensors (feature statistics) stored with the weights, as numpy arrays."""
    from safetensors import safe_open

    with safe_open(str(path), framework="numpy") as f:
        return {k[len(OOD_PREFIX) :]: f.get_tensor(k) for k in f.keys() if k.startswith(OOD_PREFIX)}  # noqa: SIM118
