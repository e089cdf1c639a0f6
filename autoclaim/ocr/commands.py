"""`autoclaim ocr FILE...`: read documents and print their fields as JSON."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import typer

from autoclaim.ocr.errors import DocumentError
from autoclaim.ocr.types import DOC_TYPES, DocType


def register(app: typer.Typer) -> None:
    app.command(name="ocr")(ocr)


def ocr(
    files: list[Path] = typer.Argument(..., exists=True, dir_okay=False, help="Images or PDFs."),
    doc_type: str | None = typer.Option(
        None, "--type", help=f"Skip classification: one of {', '.join(DOC_TYPES)}."
    ),
    engine: str = typer.Option("auto", help="auto, tesseract, rapidocr or combined."),
) -> None:
    """Read licences, invoices and receipts; one JSON object per file on stdout."""
    from rich.progress import track

    from autoclaim.ocr.reader import DocumentReader

    if doc_type is not None and doc_type not in DOC_TYPES:
        raise typer.BadParameter(f"unknown document type {doc_type!r}", param_hint="--type")
    if engine not in ("auto", "tesseract", "rapidocr", "combined"):
        raise typer.BadParameter(f"unknown engine {engine!r}", param_hint="--engine")
    reader = DocumentReader(engine)  # type: ignore[arg-type]
    failed = 0
    items = track(files, description="Reading", transient=True) if len(files) > 1 else files
    for path in items:
        try:
            reading = reader.read(path.read_bytes(), path.name, _doc_type(doc_type))
            out = {"file": str(path), **dataclasses.asdict(reading)}
        except DocumentError as exc:
            failed += 1
            out = {"file": str(path), "error": type(exc).__name__, "message": str(exc)}
        typer.echo(json.dumps(out, ensure_ascii=False))
    if failed:
        raise typer.Exit(code=1)


def _doc_type(value: str | None) -> DocType | None:
    for known in DOC_TYPES:
        if value == known:
            return known
    return None
