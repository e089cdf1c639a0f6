"""`autoclaim price-book`: check an insurer's price book file before deploying it."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from autoclaim.estimate.errors import PriceBookError
from autoclaim.estimate.price_book import configured_price_book


def register(app: typer.Typer) -> None:
    """Add the estimate commands to the `autoclaim` CLI."""

    @app.command("price-book")
    def price_book(
        path: Path | None = typer.Argument(
            None, help="Price book file (JSON or TOML); default: the shipped one."
        ),
    ) -> None:
        """Validate a price book and print its version and size (exit 1 naming the bad row)."""
        try:
            book = configured_price_book(path)
        except PriceBookError as exc:
            typer.echo(f"invalid: {exc}", err=True)
            raise typer.Exit(1) from exc
        summary = {
            "version": book.version,
            "source": book.source,
            "illustrative": book.illustrative,
            "currency": book.currency,
            "vehicle_classes": list(book.vehicle_classes),
            "regions": sorted(book.labour_rates),
            "rules": len(book.rules),
            "fast_track_max_amount": str(book.fast_track.max_amount),
        }
        typer.echo(json.dumps(summary, ensure_ascii=False))
