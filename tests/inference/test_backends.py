"""The ONNX path runs without torch, refuses graphs of other weights, and matches torch."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image, ImageDraw, ImageFilter

from autoclaim.inference.onnx_backend import StaleOnnxError
from autoclaim.inference.predictor import Predictor
from autoclaim.models.weights import load_weights, save_weights

ROOT = Path(__file__).resolve().parents[2]


def jpeg(w: int, h: int, blur: float = 0.0) -> bytes:
    image = Image.new("RGB", (w, h), (120, 120, 120))
    draw = ImageDraw.Draw(image)
    for i in range(20):
        x, y = (i * 97) % w, (i * 61) % h
        draw.rectangle((x, y, x + w // 8, y + h // 10), fill=(230, (i * 40) % 256, 30))
    if blur:
        image = image.filter(ImageFilter.GaussianBlur(blur))
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=92)
    return buf.getvalue()


def test_onnx_predictor_does_not_import_torch(tiny_onnx_weights: Path, tmp_path: Path) -> None:
    photo = tmp_path / "car.jpg"
    photo.write_bytes(jpeg(640, 480))
    code = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from autoclaim.inference import Predictor\n"
        f"p = Predictor.load(Path({str(tiny_onnx_weights)!r}), backend='onnx')\n"
        f"(a,) = p.assess([Path({str(photo)!r})])\n"
        "print(json.dumps([p.backend, a.width, a.height, sorted(m for m in sys.modules"
        " if m == 'torch' or m.startswith('torch.'))]))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    backend, width, height, torch_modules = json.loads(out.stdout.strip().splitlines()[-1])
    assert (backend, width, height) == ("onnx", 640, 480)
    assert torch_modules == []


def test_onnx_and_torch_agree(tiny_onnx_weights: Path) -> None:
    photos = [jpeg(640, 480), jpeg(300, 500)]
    with_onnx = Predictor.load(tiny_onnx_weights, backend="onnx").assess(photos)
    with_torch = Predictor.load(tiny_onnx_weights, backend="torch").assess(photos)
    for a, b in zip(with_onnx, with_torch, strict=True):
        assert [f.probability for f in a.parts] == pytest.approx(
            [f.probability for f in b.parts], abs=1e-3
        )
        assert a.severity == pytest.approx(b.severity, abs=1e-3)


def test_graph_of_other_weights_is_refused(tiny_onnx_weights: Path, tmp_path: Path) -> None:
    retrained = tmp_path / "tiny.safetensors"
    model, meta, extra = load_weights(tiny_onnx_weights)
    with torch.no_grad():
        model.parts_head.bias += 1.0  # type: ignore[operator]
    save_weights(model, meta, retrained, extra)
    shutil.copy(tiny_onnx_weights.with_suffix(".onnx"), retrained.with_suffix(".onnx"))
    with pytest.raises(StaleOnnxError, match="not exported from"):
        Predictor.load(retrained, backend="onnx")
    assert Predictor.load(retrained).backend == "torch"  # auto falls back
    assert Predictor.load(tiny_onnx_weights).backend == "onnx"


def test_assess_decodes_small_but_reports_the_photo(tiny_onnx_weights: Path) -> None:
    predictor = Predictor.load(tiny_onnx_weights, backend="onnx")
    # 1/2 scale: the quality checks want 256 px a side even though this model takes 64.
    assert predictor.decode(jpeg(1280, 960)).image.size == (640, 480)
    assert predictor.decode(jpeg(2560, 1920)).image.size == (640, 480)  # 1/4
    sharp, blurred = predictor.assess([jpeg(1280, 960), jpeg(1280, 960, blur=12)])
    assert (sharp.width, sharp.height) == (1280, 960)
    assert "blurred" not in {w.code for w in sharp.warnings}
    assert "blurred" in {w.code for w in blurred.warnings}


def test_explain_keeps_the_full_size_photo(tiny_onnx_weights: Path) -> None:
    (explanation,) = Predictor.load(tiny_onnx_weights, backend="onnx").explain([jpeg(1280, 960)])
    assert explanation.image.size == (1280, 960)
    assert all(np.isfinite(m).all() for m in explanation.heatmaps.values())


def test_int8_graph_builds_and_loads(tiny_onnx_weights: Path, tmp_path: Path) -> None:
    from autoclaim.inference.quantize import quantize_int8

    weights = tmp_path / "tiny.safetensors"
    for suffix in (".safetensors", ".json", ".onnx"):
        shutil.copy(tiny_onnx_weights.with_suffix(suffix), weights.with_suffix(suffix))
    rng = np.random.default_rng(0)
    batches = [rng.uniform(-1, 1, (4, 3, 64, 64)).astype(np.float32) for _ in range(2)]
    quantize_int8(weights.with_suffix(".onnx"), weights.with_suffix(".int8.onnx"), weights, batches)
    assert (
        weights.with_suffix(".int8.onnx").stat().st_size
        < weights.with_suffix(".onnx").stat().st_size
    )
    int8 = Predictor.load(weights, backend="int8")
    fp32 = Predictor.load(weights, backend="onnx")
    assert int8.backend == "int8"
    photos = [jpeg(640, 480)]
    (a,), (b,) = int8.assess(photos), fp32.assess(photos)
    assert [f.label for f in a.parts] and a.width == 640
    assert a.severity == pytest.approx(b.severity, abs=0.1)
