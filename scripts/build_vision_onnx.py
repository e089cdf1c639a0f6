"""Build the ONNX graphs the Predictor runs, from a .safetensors file and its .json: the
float32 graph (`NAME.onnx`) and, with --int8, a statically quantised copy (`NAME.int8.onnx`)
calibrated on TRAIN photos. Both record the weights' SHA-256, so the Predictor refuses them
once the weights change. Re-run after every retraining:

    PYTHONPATH=$PWD .venv/bin/python scripts/build_vision_onnx.py \\
        [--weights autoclaim/models/weights/damage_lite0.safetensors] \\
        [--int8 --data-root ../shared/datasets --calibration-photos 256]

Needs torch and the `onnx` package (the `train` extra); running the graphs needs neither.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from autoclaim.inference.onnx_backend import export_onnx
from autoclaim.inference.predictor import ONNX_SUFFIXES, SHIPPED_WEIGHTS
from autoclaim.models.weights import load_weights


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--weights", type=Path, default=SHIPPED_WEIGHTS)
    parser.add_argument("--int8", action="store_true", help="also build the int8 graph")
    parser.add_argument("--data-root", type=Path, default=Path("../shared/datasets"))
    parser.add_argument("--calibration-photos", type=int, default=256)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    model, meta, _ = load_weights(args.weights)
    fp32 = args.weights.with_suffix(ONNX_SUFFIXES["onnx"])
    started = time.perf_counter()
    export_onnx(model, meta.input_size, fp32, weights=args.weights)
    print(
        f"wrote {fp32} ({fp32.stat().st_size / 1e6:.1f} MB, {time.perf_counter() - started:.1f} s)"
    )
    if args.int8:
        from autoclaim.inference.quantize import calibration_batches, quantize_int8

        int8 = args.weights.with_suffix(ONNX_SUFFIXES["int8"])
        started = time.perf_counter()
        batches = calibration_batches(
            args.weights, args.data_root, args.calibration_photos, args.seed
        )
        quantize_int8(fp32, int8, args.weights, batches)
        print(
            f"wrote {int8} ({int8.stat().st_size / 1e6:.1f} MB, "
            f"{time.perf_counter() - started:.1f} s)"
        )


if __name__ == "__main__":
    main()
