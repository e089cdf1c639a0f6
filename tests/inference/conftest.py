from __future__ import annotations

from pathlib import Path

import pytest
import torch

from autoclaim.inference.predictor import Predictor
from autoclaim.models.registry import build_model
from autoclaim.models.weights import ModelMetadata, save_weights


@pytest.fixture(scope="session")
def tiny_weights(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A randomly initialised tiny model saved the way shipped weights are."""
    torch.manual_seed(0)
    model = build_model("damage_tiny")
    meta = ModelMetadata(name="tiny", version="test", architecture="damage_tiny", input_size=64)
    meta.ood_threshold = 1e9  # nothing is "not a car" unless a test says so
    extra = {"feature_mean": torch.zeros(1280), "feature_inv_std": torch.ones(1280)}
    path = tmp_path_factory.mktemp("weights") / "tiny.safetensors"
    save_weights(model, meta, path, extra)
    return path


@pytest.fixture(scope="session")
def tiny_predictor(tiny_weights: Path) -> Predictor:
    return Predictor.load(tiny_weights)


@pytest.fixture(scope="session")
def tiny_onnx_weights(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Tiny weights with their ONNX graph exported beside them (as the shipped ones are)."""
    pytest.importorskip("onnx")
    from autoclaim.inference.onnx_backend import export_onnx
    from autoclaim.models.weights import load_weights

    torch.manual_seed(1)
    model = build_model("damage_tiny")
    meta = ModelMetadata(name="tiny", version="onnx", architecture="damage_tiny", input_size=64)
    extra = {"feature_mean": torch.zeros(1280), "feature_inv_std": torch.ones(1280)}
    path = tmp_path_factory.mktemp("onnx-weights") / "tiny.safetensors"
    save_weights(model, meta, path, extra)
    export_onnx(load_weights(path)[0], 64, path.with_suffix(".onnx"), weights=path)
    return path
