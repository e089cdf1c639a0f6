"""Static int8 quantisation of the exported damage graph (ONNX Runtime, QDQ format).

Weights are int8 per output channel with 7-bit range (`reduce_range`: without it the AVX2
u8*s8 kernels saturate, which doubled the output error here), activations uint8 with min/max
ranges measured on TRAIN photos (never val), decoded and letterboxed as the Predictor does.
Kept in float32: the heads (tiny; the calibrated probabilities and the out-of-distribution
distance read them directly) and the stem plus the first FLOAT_BLOCKS blocks, which a
per-block sensitivity run showed carry half of the quantisation error.
Needs the `onnx` package (the `train` extra).
"""

from __future__ import annotations

import random
import re
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np

from autoclaim.data.readers import read_split
from autoclaim.inference.images import decode_photo
from autoclaim.inference.onnx_backend import DIGEST_KEY, set_graph_metadata, weights_digest
from autoclaim.inference.preprocess import letterbox, normalise
from autoclaim.models.weights import read_metadata

HEAD_OPS = frozenset({"Gemm", "ReduceMean"})
REGION_OUTPUT = "regions"
FLOAT_BLOCKS = 4  # blocks 0..3 (and the stem) stay float32
_BLOCK = re.compile(r"_blocks\.(\d+)/")


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


def _early(name: str) -> bool:
    block = _BLOCK.search(name)
    return "_conv_stem/" in name or (block is not None and int(block.group(1)) < FLOAT_BLOCKS)


def float_nodes(graph_path: Path) -> list[str]:
    """Names of the nodes kept in float32: the heads, the pooling feeding them, the stem and
    the first FLOAT_BLOCKS blocks."""
    import onnx

    graph = onnx.load(str(graph_path)).graph
    return [
        n.name
        for n in graph.node
        if n.op_type in HEAD_OPS or REGION_OUTPUT in list(n.output) or _early(n.name)
    ]


def quantize_int8(fp32: Path, out: Path, weights: Path, batches: Iterable[np.ndarray]) -> Path:
    """Write the int8 copy of the float32 graph `fp32` to `out`, with activation ranges from
    the normalised calibration `batches`, stamped with the digest of `weights` (which must be
    the weights `fp32` was exported from)."""
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
            self.batches = iter(batches)

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
            reduce_range=True,
            calibrate_method=CalibrationMethod.MinMax,
            nodes_to_exclude=float_nodes(prepared),
        )
    set_graph_metadata(out, {DIGEST_KEY: weights_digest(weights)})
    return out
