"""Benchmark the damage Predictor on this machine: load time, ms/photo at batch 16 and for a
single photo (both including JPEG decode and pre-processing), peak RSS.

    PYTHONPATH=$PWD .venv/bin/python scripts/bench_vision.py --photos-dir DIR [--backend onnx]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--photos-dir", type=Path, required=True, help="folder of JPEG photos")
    parser.add_argument("--weights", type=Path, default=None)
    parser.add_argument("--backend", choices=["torch", "onnx", "auto"], default="auto")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--photos", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    import torch

    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    from autoclaim.inference.predictor import SHIPPED_WEIGHTS, Predictor

    weights = args.weights or SHIPPED_WEIGHTS
    started = time.perf_counter()
    predictor = Predictor.load(weights, backend=args.backend)
    load_s = time.perf_counter() - started

    files = sorted(p for p in args.photos_dir.rglob("*") if p.suffix.lower() in {".jpg", ".jpeg"})
    photos = [p.read_bytes() for p in files[: args.photos]]
    predictor.assess(photos[:2])  # warm-up
    batch_ms: list[float] = []
    for _ in range(args.rounds):
        for start in range(0, len(photos) - 15, 16):
            chunk = photos[start : start + 16]
            t = time.perf_counter()
            predictor.assess(chunk)
            batch_ms.append((time.perf_counter() - t) * 1000 / len(chunk))
    single_ms: list[float] = []
    for photo in photos[:20]:
        t = time.perf_counter()
        predictor.assess([photo])
        single_ms.append((time.perf_counter() - t) * 1000)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "backend": args.backend,
                "threads": args.threads,
                "photos": len(photos),
                "load_s": round(load_s, 3),
                "batch16_ms_per_photo_median": round(statistics.median(batch_ms), 1),
                "single_ms_median": round(statistics.median(single_ms), 1),
                "peak_rss_mb": round(peak_mb, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
