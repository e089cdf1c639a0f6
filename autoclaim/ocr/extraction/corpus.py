"""Labelled receipts for the field extractor: SROIE-style folders read the reader's way.

A folder holds `images/NNN.jpg` and `keys/NNN.json` (company, date, address, total). Each
receipt is read as `DocumentReader.read(..., doc_type="receipt")` reads it (levelling, the
recogniser, the address second look, Tesseract's spacing) and its lines kept in a JSON cache,
so the extractor trains on the very lines it will see in service, and retraining does not
re-read 500 scans (about 1 s each).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from autoclaim.ocr.engines import Box, OcrLine, OcrWord

if TYPE_CHECKING:
    from autoclaim.ocr.reader import DocumentReader

SROIE_KEYS = ("company", "date", "address", "total")
CACHE_FORMAT = "autoclaim-receipt-lines/2"


@dataclass(frozen=True)
class LabelledReceipt:
    """One receipt's OCR lines and its true field values (SROIE keys)."""

    name: str
    lines: list[OcrLine]
    truth: dict[str, str]


def receipt_images(folder: Path) -> list[Path]:
    """The receipt images of a SROIE-style folder that have keys, sorted by name."""
    images = sorted((folder / "images").glob("*.jpg"))
    return [p for p in images if (folder / "keys" / f"{p.stem}.json").exists()]


def read_receipt_lines(reader: DocumentReader, data: bytes, name: str) -> list[OcrLine]:
    """The lines the reader hands to the receipt extractor for one scan."""
    from autoclaim.ocr.loading import load_document

    page = load_document(data, name).pages[0]
    text = reader.page_text(page.image, page.text_lines, spacing="at_once")
    return reader.finish_page(text, "receipt", "combined").lines


def lines_to_json(lines: list[OcrLine]) -> list[dict[str, object]]:
    """Lines (and the Tesseract words the combined engine keeps on them) as JSON rows."""
    return [
        {
            "text": ln.text,
            "box": list(ln.box),
            "confidence": ln.confidence,
            "words": [[w.text, list(w.box), w.confidence] for w in ln.words],
        }
        for ln in lines
    ]


def lines_from_json(rows: list[dict[str, object]]) -> list[OcrLine]:
    """`lines_to_json` read back; a malformed row raises ValueError naming the value."""
    out = []
    for row in rows:
        words = row.get("words", [])
        if not isinstance(words, list):
            raise ValueError(f"a cached line's words must be a list, got {words!r}")
        out.append(
            OcrLine(
                str(row["text"]),
                _box(row["box"]),
                _number(row["confidence"]),
                tuple(OcrWord(str(w[0]), _box(w[1]), _number(w[2])) for w in words),
            )
        )
    return out


def _box(value: object) -> Box:
    if not isinstance(value, list) or len(value) != 4:
        raise ValueError(f"a cached box must be four numbers, got {value!r}")
    x0, y0, x1, y1 = (int(v) for v in value)
    return x0, y0, x1, y1


def _number(value: object) -> float:
    if not isinstance(value, int | float):
        raise ValueError(f"a cached confidence must be a number, got {value!r}")
    return float(value)


def load_corpus(
    folder: Path,
    cache: Path | None,
    reader_factory: Callable[[], DocumentReader],
    progress: Callable[[Iterator[Path], int], Iterator[Path]] | None = None,
) -> list[LabelledReceipt]:
    """Every receipt of `folder` with its lines, read once and cached under `cache`
    (one JSON file per receipt, named after the folder and the image)."""
    images = receipt_images(folder)
    reader: DocumentReader | None = None
    receipts = []
    iterator: Iterator[Path] = iter(images)
    if progress is not None:
        iterator = progress(iterator, len(images))
    for path in iterator:
        truth = json.loads((folder / "keys" / f"{path.stem}.json").read_text(encoding="utf-8"))
        cached = None if cache is None else cache / f"{folder.name}-{path.stem}.json"
        if cached is not None and cached.exists():
            stored = json.loads(cached.read_text(encoding="utf-8"))
            if stored.get("format") == CACHE_FORMAT:
                receipts.append(
                    LabelledReceipt(path.stem, lines_from_json(stored["lines"]), _truth(truth))
                )
                continue
        if reader is None:
            reader = reader_factory()
        lines = read_receipt_lines(reader, path.read_bytes(), path.name)
        if cached is not None:
            cached.parent.mkdir(parents=True, exist_ok=True)
            payload = {"format": CACHE_FORMAT, "lines": lines_to_json(lines)}
            cached.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
        receipts.append(LabelledReceipt(path.stem, lines, _truth(truth)))
    return receipts


def _truth(keys: dict[str, object]) -> dict[str, str]:
    return {k: str(keys.get(k) or "") for k in SROIE_KEYS}
