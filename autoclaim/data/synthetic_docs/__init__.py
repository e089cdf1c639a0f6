"""Synthetic licences, invoices and receipts with valid random values and their ground truth.

`generate(doc_type, seed)` renders one document deterministically; `generate_set(n, seed)`
spreads n documents over the types. Truth values are normalised the way
`autoclaim.ocr.normalise` normalises readings (ISO dates, "1234.50" amounts, upper-case
plates and VINs), so a reader's output compares to them directly.
"""

from __future__ import annotations

import io
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal

from PIL import Image

from autoclaim.data.synthetic_docs.canvas import Box, TextBox
from autoclaim.data.synthetic_docs.degrade import degrade as _degrade
from autoclaim.data.synthetic_docs.errors import (
    MissingFontError,
    SyntheticDocsError,
    UnknownDocTypeError,
)
from autoclaim.data.synthetic_docs.layouts import (
    Rendered,
    render_driver_licence,
    render_invoice,
    render_receipt,
    render_vehicle_licence,
)
from autoclaim.ocr.types import LineItem

SyntheticDocType = Literal[
    "vehicle_licence", "driver_licence", "vat_invoice", "repair_invoice", "receipt"
]
SYNTHETIC_DOC_TYPES: tuple[SyntheticDocType, ...] = (
    "vehicle_licence",
    "driver_licence",
    "vat_invoice",
    "repair_invoice",
    "receipt",
)

__all__ = [
    "SYNTHETIC_DOC_TYPES",
    "Box",
    "MissingFontError",
    "SyntheticDocType",
    "SyntheticDocsError",
    "SyntheticDocument",
    "TextBox",
    "UnknownDocTypeError",
    "generate",
    "generate_set",
]


@dataclass(frozen=True)
class SyntheticDocument:
    """A rendered document and everything true about it."""

    doc_type: SyntheticDocType
    seed: int
    image: Image.Image
    truth: dict[str, str]  # canonical field name -> normalised value
    line_items: list[LineItem]
    boxes: dict[str, Box]  # canonical field name -> value box in image pixels
    texts: list[TextBox] = field(default_factory=list)  # every text run drawn, with its box
    layout: str = ""  # e.g. "vat_paper", "repair_electronic"
    degradations: list[str] = field(default_factory=list)

    def encode(self, image_format: str = "PNG") -> bytes:
        """The image as file bytes (what an upload or `read_document` receives)."""
        buffer = io.BytesIO()
        self.image.save(buffer, format=image_format)
        return buffer.getvalue()


def _render(doc_type: SyntheticDocType, rng: random.Random) -> Rendered:
    if doc_type == "vehicle_licence":
        return render_vehicle_licence(rng)
    if doc_type == "driver_licence":
        return render_driver_licence(rng)
    if doc_type == "vat_invoice":
        return render_invoice(rng, repair=False)
    if doc_type == "repair_invoice":
        return render_invoice(rng, repair=True)
    return render_receipt(rng)


def generate(doc_type: str, seed: int, degrade: bool = True) -> SyntheticDocument:
    """Render one document of `doc_type`; the same (doc_type, seed, degrade) gives the same
    image, truth and boxes. With degrade=False the content is the same, the page clean."""
    if doc_type not in SYNTHETIC_DOC_TYPES:
        raise UnknownDocTypeError(
            f"unknown synthetic document type {doc_type!r}; expected one of {SYNTHETIC_DOC_TYPES}"
        )
    kind: SyntheticDocType = doc_type  # type: ignore[assignment]
    rendered = _render(kind, random.Random(f"{doc_type}:{seed}"))
    image, texts = rendered.page.image, rendered.page.texts
    applied: list[str] = []
    if degrade:
        image, texts, applied = _degrade(image, texts, random.Random(f"{doc_type}:{seed}:degrade"))
    boxes: dict[str, list[Box]] = {}
    for text in texts:
        if text.field is not None and text.role == "value":
            boxes.setdefault(text.field, []).append(text.box)
    return SyntheticDocument(
        doc_type=kind,
        seed=seed,
        image=image,
        truth=rendered.truth,
        line_items=rendered.line_items,
        boxes={name: _union(parts) for name, parts in boxes.items()},
        texts=texts,
        layout=rendered.layout,
        degradations=applied,
    )


def generate_set(
    n: int, seed: int, degrade: bool = True, doc_types: Sequence[str] | None = None
) -> Iterator[SyntheticDocument]:
    """n documents cycling through `doc_types` (default: all), each with its own seed
    derived from `seed` and its position, so a longer set starts with a shorter one."""
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    types = tuple(doc_types) if doc_types is not None else SYNTHETIC_DOC_TYPES
    if not types:
        raise ValueError("doc_types is empty")
    for name in types:
        if name not in SYNTHETIC_DOC_TYPES:
            raise UnknownDocTypeError(
                f"unknown synthetic document type {name!r}; expected one of {SYNTHETIC_DOC_TYPES}"
            )
    for i in range(n):
        yield generate(types[i % len(types)], seed * 1_000_003 + i, degrade=degrade)


def _union(boxes: list[Box]) -> Box:
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )
