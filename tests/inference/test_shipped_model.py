"""The committed weights, evaluated on the shared val split, must keep their recorded figures."""

from __future__ import annotations

from pathlib import Path

import pytest

from autoclaim.inference.evaluation import evaluate
from autoclaim.inference.predictor import SHIPPED_WEIGHTS, Predictor
from autoclaim.models.shipped import shipped_model_info

F1_TOLERANCE = 0.01
ECE_TOLERANCE = 0.01


def test_shipped_weights_are_safetensors_with_metadata() -> None:
    assert SHIPPED_WEIGHTS.is_file() and SHIPPED_WEIGHTS.with_suffix(".json").is_file()
    assert SHIPPED_WEIGHTS.stat().st_size < 40 * 1024 * 1024
    info = shipped_model_info()
    assert info is not None and info["architecture"] == "damage_efficientnet_lite0"
    meta = Predictor.load().meta
    assert meta.mean == (127.0, 127.0, 127.0) and meta.std == (128.0, 128.0, 128.0)
    assert "val" in meta.metrics, "record val figures with `autoclaim evaluate --record`"


@pytest.mark.needs_data
@pytest.mark.slow
def test_shipped_model_keeps_its_val_figures(data_root: Path) -> None:
    predictor = Predictor.load()
    reference = predictor.meta.metrics["val"]["headline"]
    headline = evaluate(predictor, data_root, "val")["headline"]
    for key, recorded in reference.items():
        if key.endswith("macro_f1"):
            assert headline[key] >= recorded - F1_TOLERANCE, (key, headline[key], recorded)
        else:
            assert headline[key] <= recorded + ECE_TOLERANCE, (key, headline[key], recorded)
