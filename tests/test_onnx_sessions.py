"""ONNX Runtime sessions: idle threads sleep instead of spinning."""

from __future__ import annotations

from autoclaim.inference.onnx_backend import OnnxModel
from autoclaim.inference.predictor import SHIPPED_WEIGHTS
from autoclaim.onnx_sessions import cpu_session

GRAPH = SHIPPED_WEIGHTS.with_suffix(".onnx")


def test_session_threads_and_no_spinning() -> None:
    options = cpu_session(GRAPH, threads=1).get_session_options()
    assert options.intra_op_num_threads == 1
    assert options.get_session_config_entry("session.intra_op.allow_spinning") == "0"
    assert options.get_session_config_entry("session.inter_op.allow_spinning") == "0"


def test_vision_model_session_does_not_spin() -> None:
    session = OnnxModel(GRAPH, threads=2, weights=SHIPPED_WEIGHTS).session
    options = session.get_session_options()
    assert options.intra_op_num_threads == 2
    assert options.get_session_config_entry("session.intra_op.allow_spinning") == "0"
