"""The exact graph folds: fewer nodes, same outputs (a small graph built here, and the
recogniser shipped in the rapidocr wheel)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort  # type: ignore[import-untyped]
from onnx import TensorProto, helper, numpy_helper

from autoclaim.ocr.graph import simplify


def _const(name: str, value: np.ndarray | float) -> onnx.NodeProto:
    array = np.asarray(value, dtype=np.float32)
    return helper.make_node("Constant", [], [name], value=numpy_helper.from_array(array, name))


def _paddle_block(next_kernel: int) -> onnx.ModelProto:
    """conv → affine → hard-swish (four nodes) → affine → conv, as paddle2onnx writes it."""
    rng = np.random.default_rng(0)
    pad = next_kernel // 2
    nodes = [
        _const("w1", rng.normal(size=(8, 3, 3, 3))),
        _const("s1", 1.7),
        _const("b1", 0.3),
        _const("three", 3.0),
        _const("zero", np.float32(0.0).reshape(())),
        _const("six_clip", np.float32(6.0).reshape(())),
        _const("six", 6.0),
        _const("s2", 0.4),
        _const("b2", -0.2),
        _const("w2", rng.normal(size=(4, 8, next_kernel, next_kernel))),
        _const("bias2", rng.normal(size=(4,))),
        helper.make_node("Conv", ["x", "w1"], ["c1"], pads=[1, 1, 1, 1]),
        helper.make_node("Mul", ["s1", "c1"], ["m1"]),
        helper.make_node("Add", ["m1", "b1"], ["a1"]),
        helper.make_node("Add", ["a1", "three"], ["t"]),
        helper.make_node("Clip", ["t", "zero", "six_clip"], ["clip"]),
        helper.make_node("Mul", ["a1", "clip"], ["prod"]),
        helper.make_node("Div", ["prod", "six"], ["hs"]),
        helper.make_node("Mul", ["s2", "hs"], ["m2"]),
        helper.make_node("Add", ["m2", "b2"], ["a2"]),
        helper.make_node("Conv", ["a2", "w2", "bias2"], ["y"], pads=[pad] * 4),
    ]
    graph = helper.make_graph(
        nodes,
        "block",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 16, 24])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4, 16, 24])],
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 12)])


def _run(model: onnx.ModelProto, x: np.ndarray) -> np.ndarray:
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    out: np.ndarray = session.run(None, {session.get_inputs()[0].name: x})[0]
    return out


def _ops(model: onnx.ModelProto) -> list[str]:
    return [n.op_type for n in model.graph.node if n.op_type != "Constant"]


def test_block_before_pointwise_conv_folds_to_conv_hardsigmoid_mul_conv() -> None:
    model = _paddle_block(next_kernel=1)
    folded, counts = simplify(model)
    assert counts == {
        "hard_swish": 1,
        "affine_after_conv": 1,
        "scaled_hard_swish": 1,
        "shift_before_pointwise": 1,
    }
    assert _ops(folded) == ["Conv", "HardSigmoid", "Mul", "Conv"]
    x = np.random.default_rng(1).normal(size=(1, 3, 16, 24)).astype(np.float32)
    np.testing.assert_allclose(_run(folded, x), _run(model, x), rtol=1e-4, atol=1e-4)


def test_shift_before_padded_conv_is_kept() -> None:
    """A padded convolution sees zeros at the border, not the shift: folding it would change
    the edges, so the Add stays."""
    model = _paddle_block(next_kernel=3)
    folded, counts = simplify(model)
    assert counts["shift_before_pointwise"] == 0
    assert _ops(folded) == ["Conv", "HardSigmoid", "Mul", "Add", "Conv"]
    x = np.random.default_rng(2).normal(size=(1, 3, 16, 24)).astype(np.float32)
    np.testing.assert_allclose(_run(folded, x), _run(model, x), rtol=1e-4, atol=1e-4)


def test_pp_ocrv4_recogniser_keeps_its_outputs() -> None:
    """A real PP-OCR model full of the folded patterns (the shipped detector and classifier
    are built the same way; the PP-OCRv6 recogniser has none of them)."""
    import rapidocr_onnxruntime

    path = Path(rapidocr_onnxruntime.__file__).parent / "models" / "ch_PP-OCRv4_rec_infer.onnx"
    model = onnx.load(str(path))
    folded, counts = simplify(model)
    assert counts["hard_swish"] > 20
    assert len(folded.graph.node) < 0.6 * len(model.graph.node)
    x = np.random.default_rng(3).uniform(-1, 1, size=(1, 3, 48, 320)).astype(np.float32)
    before, after = _run(model, x), _run(folded, x)
    np.testing.assert_allclose(after, before, atol=2e-3)
    assert (after.argmax(-1) == before.argmax(-1)).mean() > 0.99
    assert folded.metadata_props == model.metadata_props  # the character list travels along
