"""`autoclaim train-extractor`: fit the receipt extractor on SROIE-style folders."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    app.command(name="train-extractor")(train_extractor_command)


def train_extractor_command(
    data_root: Path | None = typer.Option(None, help="Datasets folder (AUTOCLAIM_DATA_ROOT)."),
    train: str = typer.Option("sroie-receipts-train", help="Training folder under the root."),
    val: str = typer.Option(
        "sroie-receipts",
        help="Validation folder under the root (reported, never fitted); '' for none.",
    ),
    cache: Path = typer.Option(
        Path("var/receipt-lines"), help="OCR lines of each receipt, kept between runs."
    ),
    out: Path | None = typer.Option(None, help="Write the fitted extractor (JSON) here."),
    seed: int = typer.Option(2026),
    c: float = typer.Option(3.0, min=1e-4, help="Inverse L2 strength of the regressions."),
    version: str = typer.Option(f"{date.today():%Y.%m.%d}", help="Version recorded in the file."),
    limit: int | None = typer.Option(None, min=5, help="Only the first N training receipts."),
) -> None:
    """Fit the receipt extractor; print train (5-fold cross-validated) and validation figures."""
    from rich.progress import track

    from autoclaim.config import get_settings
    from autoclaim.ocr.extraction.corpus import load_corpus
    from autoclaim.ocr.extraction.training import evaluate, examples, train_extractor
    from autoclaim.ocr.reader import DocumentReader

    root = data_root or get_settings().data_root
    folder = root / train
    if not (folder / "images").is_dir():
        typer.echo(f"error: no receipts under {folder / 'images'}", err=True)
        raise typer.Exit(code=2)

    def progress(items: Iterator[Path], total: int) -> Iterator[Path]:
        return iter(track(items, total=total, description=f"Reading {total} receipts"))

    def reader() -> DocumentReader:
        return DocumentReader("auto", threads=2)

    receipts = load_corpus(folder, cache, reader, progress)[:limit]
    data = examples(receipts)
    provenance: dict[str, object] = {
        "data": f"{train} ({len(data)} receipts of SROIE 2019)",
        "ocr": "combined",
    }
    extractor, cv = train_extractor(
        data, version, seed, c, provenance, lambda msg: typer.echo(msg, err=True)
    )
    report: dict[str, object] = {"train_cross_validated": cv}
    if val:
        val_data = examples(load_corpus(root / val, cache, reader, progress))
        values = [
            {name: reading.value for name, reading in extractor.extract_page(ex.page).items()}
            for ex in val_data
        ]
        validation = evaluate(val_data, values)
        report["validation"] = validation
        extractor = replace(
            extractor, metadata={**extractor.metadata, "validation": {"data": val, **validation}}
        )
    typer.echo(json.dumps(report, indent=2))
    if out is not None:
        out.write_text(extractor.to_json() + "\n", encoding="utf-8")
        typer.echo(f"wrote {out}", err=True)
