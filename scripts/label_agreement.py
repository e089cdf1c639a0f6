"""How far do the parts set's labels agree with themselves? A bound on what a model can score.

    PYTHONPATH=$PWD .venv/bin/python scripts/label_agreement.py --data-root ../shared/datasets

The parts set holds the same source photo under more than one name, each copy labelled on its
own (its README: "about 4 in 10 such pairs disagree"). Every pair of such copies (a difference
hash within `--max-bits`, different source-photo groups, so Roboflow's augmented copies of one
upload, which share their labels, are left out) is scored as if one copy's parts were the
prediction and the other's the truth: per part F1 = 2·both / (2·both + one only), the same
either way round, and its macro mean. A model that reproduced one annotator exactly would
score about this against another; a model predicting what most annotators would say can score
higher, so this is a floor under the ceiling that label noise sets, not the ceiling itself.

The severity set cannot be measured so: its near-duplicates across groups at 5-10 bits are
different cars photographed in the same studio framing (checked by eye), and none are within
4 bits.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PIL import Image

from autoclaim.data.near_duplicates import NEAR_DUPLICATE_BITS, array_dhash
from autoclaim.data.photos import LabelledPhoto
from autoclaim.data.readers import read_yolo_parts
from autoclaim.data.taxonomy import PARTS

Labels = frozenset[int]


def agreement_f1(pairs: Sequence[tuple[Labels, Labels]], classes: int) -> list[float]:
    """Per class, F1 of one copy's labels against the other's (symmetric); NaN for a class
    neither copy of any pair carries."""
    scores = []
    for c in range(classes):
        both = sum(c in a and c in b for a, b in pairs)
        one = sum((c in a) != (c in b) for a, b in pairs)
        scores.append(2 * both / (2 * both + one) if both + one else float("nan"))
    return scores


def separate_copies(
    groups: Sequence[str], bits: np.ndarray, max_bits: int
) -> list[tuple[int, int]]:
    """One pair of photo indices per pair of groups holding a near-duplicate photo."""
    pairs: dict[tuple[str, str], tuple[int, int]] = {}
    for i in range(len(groups)):
        close = np.nonzero((bits != bits[i]).sum(axis=1) <= max_bits)[0]
        for j in close[close > i]:
            if groups[i] != groups[j]:
                key = (min(groups[i], groups[j]), max(groups[i], groups[j]))
                pairs.setdefault(key, (i, int(j)))
    return list(pairs.values())


def thumbnails(photos: Sequence[LabelledPhoto]) -> np.ndarray:
    """(N, 64, 72, 3) small copies of the photos, enough for the difference hash."""
    small = []
    for photo in photos:
        with Image.open(photo.path) as image:
            image.draft("RGB", (144, 128))
            small.append(np.asarray(image.convert("RGB").resize((72, 64))))
    return np.stack(small)


def head_report(pairs: Sequence[tuple[Labels, Labels]], names: Sequence[str]) -> dict[str, object]:
    scores = agreement_f1(pairs, len(names))
    known = [s for s in scores if s == s]
    return {
        "pairs": len(pairs),
        "pairs_differing": sum(a != b for a, b in pairs),
        "per_class_f1": {n: round(s, 3) for n, s in zip(names, scores, strict=True)},
        "macro_f1": round(float(np.mean(known)), 3) if known else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-root", type=Path, default=Path("../shared/datasets"))
    parser.add_argument("--max-bits", type=int, default=NEAR_DUPLICATE_BITS)
    args = parser.parse_args()
    report: dict[str, object] = {"max_bits": args.max_bits}
    parts = [
        p
        for split in ("train", "val")
        for p in read_yolo_parts(args.data_root / "car-damage-parts" / split)
    ]
    copies = separate_copies(
        [p.group for p in parts], array_dhash(thumbnails(parts)), args.max_bits
    )
    report["parts"] = head_report(
        [(frozenset(parts[i].parts or ()), frozenset(parts[j].parts or ())) for i, j in copies],
        PARTS,
    )
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
