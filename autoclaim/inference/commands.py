"""CLI commands of the vision area: train, calibrate, evaluate, assess."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path

import typer

from autoclaim.config import get_settings
from autoclaim.logs import configure_logging


@contextmanager
def weights_errors_exit() -> Iterator[None]:
    """A missing or unusable weight file is a one-line error (exit 2), not a traceback."""
    from autoclaim.models.weights import WeightsError

    try:
        yield
    except WeightsError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=2) from None


def register(app: typer.Typer) -> None:
    """Add `train`, `evaluate` and `assess` to the autoclaim CLI."""

    @app.command()
    def train(
        out_dir: Path = typer.Option(
            Path("runs/damage/run"), help="Checkpoints and final weights."
        ),
        data_root: Path | None = typer.Option(None, help="Datasets folder (AUTOCLAIM_DATA_ROOT)."),
        epochs: int = typer.Option(7, min=1),
        size: int = typer.Option(256, min=32, help="Input side in pixels."),
        batch_size: int = typer.Option(32, min=2),
        seed: int = typer.Option(0),
        frozen_blocks: int = typer.Option(8, min=0, max=16, help="Early blocks kept frozen."),
        dropout: float = typer.Option(0.2, min=0.0, max=0.9),
        threads: int = typer.Option(2, min=1),
        limit: int | None = typer.Option(None, help="Only N photos (smoke test)."),
        weight_average: float | None = typer.Option(
            None, min=0.0, max=0.9999, help="Average the weights with this decay per step."
        ),
        average_duplicate_labels: bool = typer.Option(
            False, help="Average parts labels over separately labelled copies of a photo."
        ),
        mixup: float | None = typer.Option(
            None, min=0.01, help="Blend photos of one set, weights from Beta(MIXUP, MIXUP)."
        ),
    ) -> None:
        """Train the damage model; resumes from OUT_DIR/last.pt when present."""
        from autoclaim.models.training import TrainConfig
        from autoclaim.models.training import train as run_training

        settings = get_settings()
        configure_logging(settings.log_level, json_lines=False)
        cfg = TrainConfig(
            data_root=data_root or settings.data_root,
            out_dir=out_dir,
            epochs=epochs,
            size=size,
            batch_size=batch_size,
            seed=seed,
            frozen_blocks=frozen_blocks,
            dropout=dropout,
            threads=threads,
            limit=limit,
            weight_average_decay=weight_average,
            average_duplicate_labels=average_duplicate_labels,
            mixup_alpha=mixup,
        )
        typer.echo(str(run_training(cfg)))

    @app.command()
    def calibrate(
        weights: Path = typer.Argument(..., help="Trained .safetensors (its .json beside it)."),
        out: Path = typer.Option(..., help="Where to write the recalibrated weights."),
        data_root: Path | None = typer.Option(None, help="Datasets folder (AUTOCLAIM_DATA_ROOT)."),
        cache_dir: Path = typer.Option(
            Path("runs/damage/run"), help="A run folder; photos are cached beside it."
        ),
        size: int = typer.Option(256, min=32, help="Input side the weights were trained at."),
        seed: int = typer.Option(0),
        threads: int = typer.Option(2, min=1),
    ) -> None:
        """Re-choose temperatures, thresholds and biases of trained weights on the held-out
        train fold (near-duplicates of fitted photos left out); never looks at val."""
        from autoclaim.models.training import TrainConfig, recalibrate

        settings = get_settings()
        configure_logging(settings.log_level, json_lines=False)
        cfg = TrainConfig(
            data_root=data_root or settings.data_root,
            out_dir=cache_dir,
            size=size,
            seed=seed,
            threads=threads,
        )
        with weights_errors_exit():
            typer.echo(str(recalibrate(weights, cfg, out)))

    @app.command()
    def evaluate(
        data_root: Path | None = typer.Option(None, help="Folder laid out like shared/datasets."),
        weights: Path | None = typer.Option(None, help="A .safetensors file (default: shipped)."),
        split: str = typer.Option("val"),
        out_dir: Path | None = typer.Option(None, help="Also write metrics.json and PNGs here."),
        record: bool = typer.Option(
            False, help="Store the headline figures in the weights' metadata (val reference)."
        ),
        backend: str = typer.Option("auto", help="auto, int8, onnx or torch."),
    ) -> None:
        """Evaluate the model on a split and print the metrics JSON."""
        from autoclaim.inference.evaluation import evaluate as run_evaluation
        from autoclaim.inference.evaluation import write_metrics, write_plots
        from autoclaim.inference.predictor import Predictor

        settings = get_settings()
        configure_logging(settings.log_level, settings.log_json)
        with weights_errors_exit():
            predictor = Predictor.load(weights, backend=backend)
        metrics = run_evaluation(predictor, data_root or settings.data_root, split)
        if record:
            from autoclaim.inference.predictor import SHIPPED_WEIGHTS
            from autoclaim.models.weights import record_metrics

            record_metrics(weights or SHIPPED_WEIGHTS, split, metrics)
        if out_dir is not None:
            write_metrics(metrics, out_dir / "metrics.json")
            write_plots(metrics, out_dir)
        typer.echo(json.dumps(metrics, indent=2))

    @app.command()
    def assess(
        photos: list[Path] = typer.Argument(..., help="Photo files."),
        overlay_dir: Path | None = typer.Option(None, help="Write one overlay PNG per photo."),
        weights: Path | None = typer.Option(None, help="A .safetensors file (default: shipped)."),
    ) -> None:
        """Assess damage photos and print one JSON object per photo (a list)."""
        from autoclaim.inference.errors import ImageError
        from autoclaim.inference.overlay import render_overlay
        from autoclaim.inference.predictor import Predictor

        with weights_errors_exit():
            predictor = Predictor.load(weights)
        results: list[dict[str, object]] = []
        failed = False
        for photo in photos:
            try:
                (explanation,) = predictor.explain([photo])
            except ImageError as exc:
                failed = True
                results.append(
                    {"photo": str(photo), "error": type(exc).__name__, "message": str(exc)}
                )
                continue
            entry: dict[str, object] = {"photo": str(photo), **asdict(explanation.assessment)}
            if overlay_dir is not None:
                overlay_dir.mkdir(parents=True, exist_ok=True)
                target = overlay_dir / f"{photo.stem}_overlay.png"
                render_overlay(explanation).save(target)
                entry["overlay"] = str(target)
            results.append(entry)
        typer.echo(json.dumps(results, indent=2, ensure_ascii=False))
        if failed:
            raise typer.Exit(code=1)
