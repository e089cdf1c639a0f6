"""ONNX Runtime sessions on the CPU, built one way for the vision model and the OCR models."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def cpu_session(model: str | Path | bytes, threads: int, arena: bool = True) -> Any:
    """A session for `model` (a file, or a serialised graph) with `threads` intra-op threads,
    full graph optimisation and sequential execution. Idle threads sleep instead of
    busy-waiting between calls: on 2 cores spinning threads took the CPU that a second model
    (or a second page read alongside) needed, and cost OCR about 40 % more CPU per page.
    `arena=False` frees buffers after each call: for models fed a different shape every call
    (OCR pages and lines) the arena kept ~300 MB per OCR reader; without it a second reader
    adds < 60 MB."""
    import onnxruntime as ort  # type: ignore[import-untyped]

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.enable_cpu_mem_arena = arena
    options.log_severity_level = 3  # errors only
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.add_session_config_entry("session.inter_op.allow_spinning", "0")
    source = model if isinstance(model, bytes) else str(model)
    return ort.InferenceSession(source, options, providers=["CPUExecutionProvider"])
