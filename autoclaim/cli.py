"""The `autoclaim` command line: thin commands over package code."""

from __future__ import annotations

import json

import typer
import uvicorn

from autoclaim import __version__
from autoclaim.config import get_settings
from autoclaim.logs import configure_logging

app = typer.Typer(
    name="autoclaim",
    help="Motor-insurance claims: damage photos and documents in, explained estimates out.",
    no_args_is_help=True,
    add_completion=False,
)


@app.command()
def version() -> None:
    """Print the versions of autoclaim, the shipped model and the OCR engine."""
    from autoclaim.models.shipped import shipped_model_info
    from autoclaim.ocr.tesseract_info import tesseract_info

    tess = tesseract_info()
    typer.echo(
        json.dumps(
            {
                "autoclaim": __version__,
                "model": shipped_model_info(),
                "tesseract": tess.version,
                "tesseract_languages": list(tess.languages),
            },
            ensure_ascii=False,
        )
    )


@app.command()
def serve(
    host: str | None = typer.Option(None, help="Bind address (default: AUTOCLAIM_HOST)."),
    port: int | None = typer.Option(None, help="Port (default: AUTOCLAIM_PORT)."),
) -> None:
    """Start the HTTP service on its configured (by default embedded) database."""
    from autoclaim.service.app import create_app

    settings = get_settings()
    configure_logging(settings.log_level, settings.log_json)
    bind_host = host or settings.host
    bind_port = port or settings.port
    typer.echo(f"autoclaim {__version__} serving on http://{bind_host}:{bind_port}/")
    typer.echo(f"  health: http://{bind_host}:{bind_port}/healthz   API docs: /docs")
    uvicorn.run(create_app(settings), host=bind_host, port=bind_port, log_config=None)


def _register_area_commands() -> None:
    """Each area adds its commands from its own `commands` module (one line each here)."""
    registrars: list[str] = [
        "autoclaim.inference.commands",  # (assess, train, evaluate)
        "autoclaim.ocr.commands",  # (ocr)
        "autoclaim.ocr.extraction.commands",  # (train-extractor)
        "autoclaim.estimate.commands",  # (price-book)
        "autoclaim.claims.commands",  # (keys create, db upgrade)
    ]
    import importlib

    for module_name in registrars:
        importlib.import_module(module_name).register(app)


_register_area_commands()

if __name__ == "__main__":
    app()
