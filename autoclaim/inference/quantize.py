"""Static int8 quantisation of the exported damage graph (ONNX Runtime, QDQ format).

Weights are int8 per output channel, activations uint8 with ranges measured on TRAIN photos
(never val), decoded and letterboxed exactly as the Predictor does. The heads (the linear
layers, the pooled features they read and the region map) stay in float32: they are tiny, and
the calibrated probabilities and the out-of-distribution distance read them directly.
Needs the `onnx` package (the `train` extra).
"""

from __future__ import annotations

import random
import tempfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from autoclaim.data.readers import read_split
from autoclaim.inference.images import decode_photo
from autoclaim.inference.onnx_backend import DIGEST_KEY, set_graph_metadata, weights_digest
from autoclaim.inference.preprocess import letterbox, normalise
from autoclaim.models.weights import read_metadata

HEAD_OPS = frozenset({"Gemm", "ReduceMean"})
REGION_OUTPUT = "regions"


def calibration_batches(
    weights: Path, data_root: Path, photos: int, seed: int = 0, batch: int = 16
) -> Iterator[np.ndarray]:
    """Normalised batches of `photos` TRAIN photos picked at random (seeded)."""
    meta = read_metadata(weights)
    paths = sorted(p.path for p in read_split(data_root, "train"))
    random.Random(seed).shuffle(paths)
    chosen = paths[:photos]
    for start in range(0, len(chosen), batch):
        canvases = [
            letterbox(decode_photo(p, meta.input_size).image, meta.input_size, meta.pad_value)[0]
            for p in chosen[start : start + batch]
        ]
        yield normalise(np.stack(canvases), meta.mean, meta.std)


def head_nodes(graph_path: Path) -> list[str]:
    """Names of the nodes kept in float32: the heads and the pooling feeding them."""
    import onnx

    graph = onnx.load(str(graph_path)).graph
    return [
        n.name for n in graph.node if n.op_type in HEAD_OPS or REGION_OUTPUT in list(n.output)
    ]


def quantize_int8(
    fp32: Path,
    out: Path,
    weights: Path,
    data_root: Path,
    photos: int = 256,
    seed: int = 0,
    reduce_range: bool = True,
    method: str = "MinMax",
) -> Path:
    """Write the int8 copy of the float32 graph `fp32` to `out`, stamped with the digest of
    `weights` (which must be the weights `fp32` was exported from)."""
    from onnxruntime.quantization import (  # type: ignore[import-untyped]
        CalibrationDataReader,
        CalibrationMethod,
        QuantFormat,
        QuantType,
        quantize_static,
    )
    from onnxruntime.quantization.shape_inference import (  # type: ignore[import-untyped]
        quant_pre_process,
    )

    class Reader(CalibrationDataReader):  # type: ignore[misc]
        def __init__(self) -> None:
            self.batches = calibration_batches(weights, data_root, photos, seed)

        def get_next(self) -> dict[str, np.ndarray] | None:
            batch = next(self.batches, None)
            return None if batch is None else {"pixels": batch}

    with tempfile.TemporaryDirectory() as tmp:
        prepared = Path(tmp) / "prepared.onnx"
        quant_pre_process(str(fp32), str(prepared), skip_symbolic_shape=True)
        quantize_static(
            str(prepared),
            str(out),
            Reader(),
            quant_format=QuantFormat.QDQ,
            activation_type=QuantType.QUInt8,
            weight_type=QuantType.QInt8,
            per_channel=True,
            reduce_range=reduce_range,
            calibrate_method=getattr(CalibrationMethod, method),
            nodes_to_exclude=head_nodes(prepared),
        )
    set_graph_metadata(out, {DIGEST_KEY: weights_digest(weights)})
    return out
