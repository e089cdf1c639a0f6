"""Measure what each pre-processing step is worth: fields exact with the step on and off.

    nice -n 10 python scripts/ablate_ocr_preprocess.py --per-step 8 --seed 2026

For each step, generated documents carrying the degradation the step is meant to undo
(red seal, 90/180/270 turn, skew, low contrast) are read twice by the default reader:
with every step on, and with that one step off.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from autoclaim.data.synthetic_docs import SyntheticDocument, generate_set
from autoclaim.ocr.reader import DocumentReader

STEPS = {  # reader switch -> degradation name prefix it undoes
    "remove_stamps": "stamp",
    "fix_orientation": "rotate_",
    "deskew": "skew_",
    "stretch_contrast": "low_contrast",
}


def exact(reader: DocumentReader, doc: SyntheticDocument) -> tuple[int, int]:
    buf = io.BytesIO()
    doc.image.convert("RGB").save(buf, format="PNG")
    reading = reader.read(buf.getvalue(), "doc.png", doc_type=doc.doc_type)
    ok = sum(
        1
        for name, value in doc.truth.items()
        if (f := reading.fields.get(name)) and f.value == value
    )
    return ok, len(doc.truth)


def _undone_by(prefix: str, doc: SyntheticDocument) -> bool:
    """The document carries the degradation (a skew the reader would correct, >= 1.5°)."""
    if doc.doc_type == "receipt":
        return False
    if prefix == "skew_":
        return any(d.startswith("skew_") and abs(float(d[5:])) >= 1.5 for d in doc.degradations)
    return any(d.startswith(prefix) for d in doc.degradations)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--per-step", type=int, default=8)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    reader = DocumentReader("auto", threads=args.threads)
    report = {}
    for step, prefix in STEPS.items():
        docs = []
        for doc in generate_set(400, args.seed + 1):
            if _undone_by(prefix, doc):
                docs.append(doc)
            if len(docs) == args.per_step:
                break
        totals = {"on": [0, 0], "off": [0, 0]}
        for doc in docs:
            for state in ("on", "off"):
                setattr(reader, step, state == "on")
                ok, n = exact(reader, doc)
                totals[state][0] += ok
                totals[state][1] += n
            setattr(reader, step, True)
            print(step, doc.doc_type, doc.degradations, totals, file=sys.stderr, flush=True)
        report[step] = {
            "documents": len(docs),
            "fields_exact_on": round(totals["on"][0] / max(1, totals["on"][1]), 3),
            "fields_exact_off": round(totals["off"][0] / max(1, totals["off"][1]), 3),
        }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
