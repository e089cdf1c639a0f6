"""Benchmark the damage Predictor on this machine, one fresh process per backend (so a
backend that needs no torch is not charged for importing it): model load time, decode +
pre-processing time, model time, ms/photo at batch 16 and for a single photo (both through
`Predictor.assess`, so including JPEG decode, letterbox, quality checks and post-processing),
CPU time per photo at batch 16 (all threads; less sensitive to other jobs than wall time),
peak RSS, whether torch was imported, and the load average around the run.

    PYTHONPATH=$PWD .venv/bin/python scripts/bench_vision.py \\
        --photos-dir ../shared/datasets/car-damage-severity/val [--backends int8,onnx,torch]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from autoclaim.machine_speed import reference_cpu_seconds


def measure(args: argparse.Namespace) -> dict[str, object]:
    """Run inside the child process: one backend, everything timed."""
    if args.backend == "torch":
        import torch

        torch.set_num_threads(args.threads)
        torch.set_num_interop_threads(1)
    from autoclaim.inference.predictor import SHIPPED_WEIGHTS, Predictor

    weights = args.weights or SHIPPED_WEIGHTS
    started = time.perf_counter()
    predictor = Predictor.load(weights, backend=args.backend)
    load_s = time.perf_counter() - started
    if args.decode_side is not None:
        predictor.decode_side = args.decode_side

    files = sorted(p for p in args.photos_dir.rglob("*") if p.suffix.lower() in {".jpg", ".jpeg"})
    photos = [p.read_bytes() for p in files[: args.photos]]
    predictor.assess(photos[:16])  # warm-up (first runs allocate)
    batch_ms: list[float] = []
    batch_cpu_s = 0.0  # CPU seconds of this process (all threads) in the batch-16 calls
    decode_ms: list[float] = []
    model_ms: list[float] = []
    for _ in range(args.rounds):
        for start in range(0, len(photos) - 15, 16):
            chunk = photos[start : start + 16]
            t, cpu = time.perf_counter(), time.process_time()
            predictor.assess(chunk)
            batch_ms.append((time.perf_counter() - t) * 1000 / len(chunk))
            batch_cpu_s += time.process_time() - cpu
            # The same batch again, split into its stages.
            t = time.perf_counter()
            canvases = [predictor.letterbox(predictor.decode(p).image)[0] for p in chunk]
            decode_ms.append((time.perf_counter() - t) * 1000 / len(chunk))
            t = time.perf_counter()
            predictor.forward(canvases)
            model_ms.append((time.perf_counter() - t) * 1000 / len(chunk))
    single_ms: list[float] = []
    for photo in photos[:24]:
        t = time.perf_counter()
        predictor.assess([photo])
        single_ms.append((time.perf_counter() - t) * 1000)
    return {
        "backend": predictor.backend,
        "threads": args.threads,
        "decode_side": predictor.decode_side,
        "photos": len(photos),
        "load_s": round(load_s, 3),
        "batch16_ms_per_photo_median": round(statistics.median(batch_ms), 1),
        "batch16_cpu_ms_per_photo": round(batch_cpu_s * 1000 / (len(batch_ms) * 16), 1),
        "decode_letterbox_ms_per_photo_median": round(statistics.median(decode_ms), 1),
        "model_ms_per_photo_b16_median": round(statistics.median(model_ms), 1),
        "single_ms_median": round(statistics.median(single_ms), 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "torch_imported": "torch" in sys.modules,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--photos-dir", type=Path, required=True, help="folder of JPEG photos")
    parser.add_argument("--weights", type=Path, default=None)
    parser.add_argument("--backends", default="int8,onnx", help="comma-separated, in order")
    parser.add_argument("--backend", default=None, help=argparse.SUPPRESS)  # child process
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--decode-side", type=int, default=None, help="JPEG decode floor (px)")
    parser.add_argument("--photos", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    if args.backend is not None:
        print(json.dumps(measure(args)))
        return
    # Thread counts of every runtime (numpy's BLAS, ONNX Runtime, torch) follow --threads.
    env = {**os.environ, "OMP_NUM_THREADS": str(args.threads)}
    print(json.dumps({"machine_reference_cpu_s": reference_cpu_seconds()}))
    for backend in args.backends.split(","):
        before = os.getloadavg()[0]
        command = [sys.executable, __file__, "--backend", backend]
        for name in ("photos_dir", "weights", "threads", "photos", "rounds", "decode_side"):
            value = getattr(args, name)
            if value is not None:
                command += [f"--{name.replace('_', '-')}", str(value)]
        out = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
        result = json.loads(out.stdout.strip().splitlines()[-1])
        result["loadavg_1min_before_after"] = [round(before, 2), round(os.getloadavg()[0], 2)]
        print(json.dumps(result))


if __name__ == "__main__":
    main()
