"""Optional ONNX Runtime backend: the same network exported to ONNX, called like the torch
model (returns the same dict of tensors), so the Predictor's pre/post-processing is shared."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

OUTPUT_NAMES = ["parts", "damage_types", "severity", "regions", "features"]


class _TupleOutputs(nn.Module):
    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, ...]:
        out = self.model(x)
        return tuple(out[name] for name in OUTPUT_NAMES)


def export_onnx(model: nn.Module, size: int, path: Path) -> Path:
    """Write `model` as ONNX with a dynamic batch axis."""
    path.parent.mkdir(parents=True, exist_ok=True)
    dummy = torch.zeros(1, 3, size, size)
    torch.onnx.export(
        _TupleOutputs(model.eval()),
        (dummy,),
        str(path),
        input_names=["pixels"],
        output_names=OUTPUT_NAMES,
        dynamic_axes={"pixels": {0: "batch"}, **{n: {0: "batch"} for n in OUTPUT_NAMES}},
        opset_version=17,
        dynamo=False,
    )
    return path


class OnnxModel:
    """Callable like DamageNet in eval mode, backed by an ONNX Runtime session."""

    def __init__(self, path: Path, threads: int = 2) -> None:
        import onnxruntime as ort  # type: ignore[import-untyped]

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])

    def eval(self) -> OnnxModel:
        return self

    def to(self, *args: Any, **kwargs: Any) -> OnnxModel:
        return self

    def __call__(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        pixels = np.ascontiguousarray(x.contiguous().numpy(), dtype=np.float32)
        outputs = self.session.run(OUTPUT_NAMES, {"pixels": pixels})
        return {
            name: torch.from_numpy(np.asarray(v))
            for name, v in zip(OUTPUT_NAMES, outputs, strict=True)
        }
