"""Time `assess_claim` (estimate + checks + fast track) on synthetic 6-photo claims.

Usage: PYTHONPATH=. .venv/bin/python scripts/bench_estimate.py [--claims 30]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import datetime

from autoclaim.estimate import (
    ClaimFacts,
    DocumentEvidence,
    FieldValue,
    LabelScore,
    PhotoEvidence,
    assess_claim,
    default_price_book,
)
from autoclaim.estimate.inputs import DAMAGE_TYPES, PART_CLASSES, SEVERITIES


def synthetic_photo(rng: random.Random, index: int) -> PhotoEvidence:
    weights = [rng.random() + 1e-6 for _ in SEVERITIES]
    return PhotoEvidence(
        photo_id=f"p{index}",
        sha256=f"{rng.getrandbits(256):064x}",
        parts=tuple(LabelScore(p, (x := rng.random()), x >= 0.5) for p in PART_CLASSES),
        damage_types=tuple(LabelScore(d, (x := rng.random()), x >= 0.5) for d in DAMAGE_TYPES),
        severity={s: w / sum(weights) for s, w in zip(SEVERITIES, weights, strict=True)},
        uncertainty=rng.random() * 0.5,
        perceptual_hash=f"{rng.getrandbits(64):016x}",
        captured_at=datetime(2026, 5, 1, 8, 30),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--claims", type=int, default=30)
    args = parser.parse_args()
    rng = random.Random(1)
    book = default_price_book()
    facts = ClaimFacts(
        "bench", "P1", "沪A12345", datetime(2026, 5, 1, 8), datetime(2026, 5, 1, 9),
        vehicle_class="midsize", region="shanghai", stage="assessed",
    )  # fmt: skip
    documents = [
        DocumentEvidence("vl", "vehicle_licence", {"plate": FieldValue("沪A12345", "valid")}),
        DocumentEvidence("dl", "driver_licence", {"licence_class": FieldValue("C1", "valid")}),
    ]
    seconds: list[float] = []
    lines: list[int] = []
    for _ in range(args.claims):
        photos = [synthetic_photo(rng, i) for i in range(6)]
        start = time.perf_counter()
        result = assess_claim(facts, photos, documents, book)
        seconds.append(time.perf_counter() - start)
        lines.append(len(result.estimate.lines))
    seconds.sort()
    p90 = seconds[max(0, int(0.9 * len(seconds)) - 1)]
    print(
        f"{args.claims} claims x 6 photos, {statistics.mean(lines):.1f} lines on average, "
        f"{book.range.draws} draws: median {statistics.median(seconds) * 1000:.1f} ms, "
        f"p90 {p90 * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
