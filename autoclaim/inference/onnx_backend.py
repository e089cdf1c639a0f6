"""ONNX Runtime backend: the same network exported to ONNX, run without torch.

Each exported graph records the SHA-256 of the .safetensors it came from, so a graph left
behind after retraining is refused instead of silently answering for old weights.
Exporting (`export_onnx`) needs torch and the `onnx` package; running needs neither.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from autoclaim.inference.backend import OUTPUT_NAMES, ArrayModel
from autoclaim.models.weights import WeightsError
from autoclaim.onnx_sessions import cpu_session

if TYPE_CHECKING:
    from torch import nn

DIGEST_KEY = "weights_sha256"


class StaleOnnxError(WeightsError):
    """An ONNX graph that was not exported from the weights beside it."""


def weights_digest(path: Path) -> str:
    """SHA-256 of a weight file (what an exported graph records)."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def set_graph_metadata(path: Path, values: dict[str, str]) -> None:
    """Store `values` in the ONNX file's metadata_props (read back by ONNX Runtime)."""
    import onnx

    graph = onnx.load(str(path))
    kept = [p for p in graph.metadata_props if p.key not in values]
    del graph.metadata_props[:]
    graph.metadata_props.extend(kept)
    for key, value in values.items():
        graph.metadata_props.add(key=key, value=value)
    onnx.save(graph, str(path))


def export_onnx(model: nn.Module, size: int, path: Path, weights: Path | None = None) -> Path:
    """Write `model` as ONNX with a dynamic batch axis; with `weights`, record their digest."""
    import torch

    class TupleOutputs(torch.nn.Module):
        def __init__(self, inner: nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, ...]:
            out = self.inner(x)
            return tuple(out[name] for name in OUTPUT_NAMES)

    path.parent.mkdir(parents=True, exist_ok=True)
    dummy = torch.zeros(1, 3, size, size)
    torch.onnx.export(
        TupleOutputs(model.eval()),
        (dummy,),
        str(path),
        input_names=["pixels"],
        output_names=OUTPUT_NAMES,
        dynamic_axes={"pixels": {0: "batch"}, **{n: {0: "batch"} for n in OUTPUT_NAMES}},
        opset_version=17,
        dynamo=False,
    )
    if weights is not None:
        set_graph_metadata(path, {DIGEST_KEY: weights_digest(weights)})
    return path


class OnnxModel(ArrayModel):
    """An ONNX Runtime session on the CPU (`autoclaim.onnx_sessions.cpu_session`)."""

    def __init__(
        self, path: Path, threads: int = 2, weights: Path | None = None, name: str = "onnx"
    ) -> None:
        self.session = cpu_session(path, threads)
        self.name = name
        if weights is not None:
            recorded = self.session.get_modelmeta().custom_metadata_map.get(DIGEST_KEY)
            if recorded != weights_digest(weights):
                raise StaleOnnxError(
                    f"{path} was not exported from {weights.name} (recorded digest "
                    f"{recorded or 'none'}); rebuild it: scripts/build_vision_onnx.py"
                )

    def __call__(self, pixels: np.ndarray) -> dict[str, np.ndarray]:
        x = np.ascontiguousarray(pixels, dtype=np.float32)
        outputs = self.session.run(OUTPUT_NAMES, {"pixels": x})
        return {name: np.asarray(v) for name, v in zip(OUTPUT_NAMES, outputs, strict=True)}
