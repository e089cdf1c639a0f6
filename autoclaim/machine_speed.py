"""A fixed piece of CPU work, timed, printed beside benchmark figures.

The machines lent to this project differ in speed by two times or more (the same code gave
8.0 ms and 20.1 ms per photo on the idle machines of two sessions), so latency figures from two
sessions can only be compared through a reference measured beside them."""

from __future__ import annotations

import io
import time

import numpy as np
from PIL import Image

REFERENCE_ROUNDS = 3


def _work() -> None:
    """Interpreter loop, JPEG encode + decode and a small float32 matrix product: the three
    kinds of work the benchmarks spend their time on."""
    total = 0
    for i in range(5_000_000):
        total += i * i
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, (640, 640, 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, "JPEG", quality=90)
    for _ in range(5):
        with Image.open(io.BytesIO(buffer.getvalue())) as image:
            image.load()
    a = rng.standard_normal((256, 256), dtype=np.float32)
    for _ in range(20):
        a = np.tanh(a @ a.T / 256.0)


def reference_cpu_seconds(rounds: int = REFERENCE_ROUNDS) -> float:
    """CPU seconds of the reference work, the best of `rounds` (the least disturbed run)."""
    best = float("inf")
    for _ in range(rounds):
        started = time.process_time()
        _work()
        best = min(best, time.process_time() - started)
    return round(best, 3)
