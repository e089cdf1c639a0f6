"""The committed weights, evaluated on the shared val split, must keep their recorded figures."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from autoclaim.inference.evaluation import evaluate
from autoclaim.inference.predictor import ONNX_SUFFIXES, SHIPPED_WEIGHTS, Predictor
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


def test_shipped_graphs_come_from_the_shipped_weights() -> None:
    """Fails when the weights were replaced without re-running scripts/build_vision_onnx.py."""
    assert SHIPPED_WEIGHTS.with_suffix(ONNX_SUFFIXES["onnx"]).is_file()
    for backend, suffix in ONNX_SUFFIXES.items():
        if SHIPPED_WEIGHTS.with_suffix(suffix).is_file():
            assert Predictor.load(SHIPPED_WEIGHTS, backend=backend).backend == backend


def test_service_vision_path_does_not_import_torch() -> None:
    buf = io.BytesIO()
    Image.new("RGB", (640, 480), (90, 120, 150)).save(buf, "JPEG")
    code = (
        "import json, sys\n"
        "import autoclaim.service.app\n"
        "from autoclaim.claims.analysers import VisionAssessor\n"
        f"(result,) = VisionAssessor().assess([{buf.getvalue()!r}])\n"
        "print(json.dumps([result['width'], 'torch' in sys.modules]))\n"
    )
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=root,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(out.stdout.strip().splitlines()[-1]) == [640, False]


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
