"""Write a set of synthetic claim documents: one image and one truth JSON per document.

    python scripts/make_synthetic_docs.py --n 300 --seed 0 --out var/synthetic_docs

Files: `<index>_<doc_type>.png` (or .jpg), `<index>_<doc_type>.json` with the truth, line
items, value boxes, layout and degradations, and `index.jsonl` with one line per document.
The same --n/--seed/--clean always writes the same documents.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict
from pathlib import Path

from autoclaim.data.synthetic_docs import SYNTHETIC_DOC_TYPES, SyntheticDocument, generate_set


def document_record(doc: SyntheticDocument, image_name: str) -> dict[str, object]:
    """The JSON-ready truth of one document."""
    return {
        "image": image_name,
        "doc_type": doc.doc_type,
        "seed": doc.seed,
        "layout": doc.layout,
        "degradations": doc.degradations,
        "width": doc.image.width,
        "height": doc.image.height,
        "truth": doc.truth,
        "line_items": [asdict(item) for item in doc.line_items],
        "boxes": {name: list(box) for name, box in doc.boxes.items()},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, required=True, help="number of documents")
    parser.add_argument("--seed", type=int, default=0, help="seed of the whole set")
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--clean", action="store_true", help="no degradations")
    parser.add_argument("--format", choices=("png", "jpg"), default="png")
    parser.add_argument(
        "--types",
        default=",".join(SYNTHETIC_DOC_TYPES),
        help=f"comma-separated document types (default: all of {','.join(SYNTHETIC_DOC_TYPES)})",
    )
    args = parser.parse_args(argv)
    if args.n < 0:
        parser.error(f"--n must be >= 0, got {args.n}")
    unknown = set(args.types.split(",")) - set(SYNTHETIC_DOC_TYPES)
    if unknown:
        parser.error(f"unknown --types {sorted(unknown)}; choose from {SYNTHETIC_DOC_TYPES}")
    args.out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with (args.out / "index.jsonl").open("w", encoding="utf-8") as index:
        documents = generate_set(
            args.n, args.seed, degrade=not args.clean, doc_types=args.types.split(",")
        )
        for i, doc in enumerate(documents):
            stem = f"{i:05d}_{doc.doc_type}"
            image_name = f"{stem}.{args.format}"
            if args.format == "jpg":
                doc.image.save(args.out / image_name, quality=92)
            else:
                doc.image.save(args.out / image_name)
            record = document_record(doc, image_name)
            text = json.dumps(record, ensure_ascii=False)
            (args.out / f"{stem}.json").write_text(
                json.dumps(record, ensure_ascii=False, indent=2), encoding="utf-8"
            )
            index.write(text + "\n")
    elapsed = time.perf_counter() - started
    print(f"wrote {args.n} documents to {args.out} in {elapsed:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
