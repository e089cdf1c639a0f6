"""`autoclaim evaluate` on any folder laid out like the shared datasets, and a resumable
training run end to end, both with the tiny architecture on synthetic photos."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from autoclaim.cli import app
from autoclaim.models.training import TrainConfig, train
from autoclaim.models.weights import load_weights
from tests.data.fixtures import write_parts_set, write_severity_set


def test_evaluate_cli_on_a_dataset_folder(tiny_weights: Path, tmp_path: Path) -> None:
    write_severity_set(tmp_path / "data", "val")
    write_parts_set(tmp_path / "data", "val")
    out = tmp_path / "eval"
    result = CliRunner().invoke(
        app,
        [
            "evaluate",
            "--data-root",
            str(tmp_path / "data"),
            "--weights",
            str(tiny_weights),
            "--out-dir",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.stdout)
    assert metrics["photos"] == 6
    assert set(metrics["parts"]["per_class"]) == {
        "Bonnet",
        "Bumper",
        "Dickey",
        "Door",
        "Fender",
        "Light",
        "Windshield",
    }
    assert len(metrics["severity"]["confusion_matrix"]) == 3
    assert sum(map(sum, metrics["severity"]["confusion_matrix"])) == 2  # strong labels only
    assert 0.0 <= metrics["headline"]["parts_ece"] <= 1.0
    assert (out / "metrics.json").is_file() and (out / "reliability.png").is_file()
    assert (out / "severity_confusion.png").is_file()


def _many_photos(root: Path) -> None:
    """Synthetic train split with enough groups that the held-out fold is not empty."""
    for i in range(8):
        write_severity_set(root / f"s{i}", "train")
        write_parts_set(root / f"p{i}", "train")
    sev = root / "car-damage-severity" / "train"
    parts = root / "car-damage-parts" / "train"
    (parts / "images").mkdir(parents=True)
    (parts / "labels").mkdir()
    sev.mkdir(parents=True)
    coco: dict[str, list[dict[str, object]]] = {"categories": [], "images": [], "annotations": []}
    for i in range(8):
        src = json.loads(
            (root / f"s{i}/car-damage-severity/train/_annotations.coco.json").read_text()
        )
        coco["categories"] = src["categories"]
        for image in src["images"]:
            name = f"g{i}_{image['file_name']}"
            (root / f"s{i}/car-damage-severity/train" / image["file_name"]).rename(sev / name)
            coco["images"].append(
                {
                    **image,
                    "id": image["id"] + 10 * i,
                    "file_name": name,
                    "group": f"{image['group']}{i}",
                }
            )
        for ann in src["annotations"]:
            coco["annotations"].append(
                {**ann, "id": ann["id"] + 10 * i, "image_id": ann["image_id"] + 10 * i}
            )
        for label in (root / f"p{i}/car-damage-parts/train/labels").iterdir():
            (label).rename(parts / "labels" / f"g{i}_{label.name}")
        for image_file in (root / f"p{i}/car-damage-parts/train/images").iterdir():
            image_file.rename(parts / "images" / f"g{i}_{image_file.name}")
    (sev / "_annotations.coco.json").write_text(json.dumps(coco))
    _vary_pixels([*sev.glob("*.jpg"), *(parts / "images").iterdir()])


def _vary_pixels(files: list[Path]) -> None:
    """Give every photo its own content: identical copies would all be near-duplicates of
    each other and leave nothing for calibration."""
    import numpy as np
    from PIL import Image

    for i, path in enumerate(sorted(files)):
        with Image.open(path) as image:
            size = image.size
        rng = np.random.default_rng(i)
        blocks = rng.integers(0, 256, size=(8, 8, 3), dtype=np.uint8)
        Image.fromarray(blocks).resize(size, Image.Resampling.NEAREST).save(path)


def _tiny_config(tmp_path: Path) -> TrainConfig:
    return TrainConfig(
        data_root=tmp_path / "data",
        out_dir=tmp_path / "runs" / "run",
        architecture="damage_tiny",
        size=32,
        epochs=1,
        batch_size=8,
        folds=3,
        frozen_blocks=1,
        pretrained=False,
    )


def test_train_tiny_model_resumes_and_writes_weights(tmp_path: Path) -> None:
    _many_photos(tmp_path / "data")
    cfg = _tiny_config(tmp_path)
    path = train(cfg)
    _model, meta, extra = load_weights(path)
    assert meta.architecture == "damage_tiny" and meta.input_size == 32
    assert set(meta.temperature) == {"parts", "damage_types", "severity"}
    assert len(meta.thresholds["parts"]) == 7
    assert extra["feature_mean"].shape == (1280,)
    assert meta.provenance["calibration_photos"] > 0
    # A second call with more epochs resumes from last.pt instead of starting over.
    cfg.epochs = 2
    train(cfg)
    import torch

    state = torch.load(cfg.out_dir / "last.pt", weights_only=True)
    assert state["epoch"] == 2


def test_calibrate_cli_rechooses_post_processing_without_val(tmp_path: Path) -> None:
    _many_photos(tmp_path / "data")
    cfg = _tiny_config(tmp_path)
    trained = train(cfg)
    out = tmp_path / "recalibrated.safetensors"
    result = CliRunner().invoke(
        app,
        [
            "calibrate",
            str(trained),
            "--out",
            str(out),
            "--data-root",
            str(tmp_path / "data"),
            "--cache-dir",
            str(cfg.out_dir),
            "--size",
            "32",
        ],
    )
    assert result.exit_code == 0, result.output
    _model, meta, extra = load_weights(out)
    assert meta.provenance["calibration_photos"] > 0
    assert "holdout" in meta.metrics and "val" not in meta.metrics
    assert extra["feature_mean"].shape == (1280,)


def test_missing_weights_are_a_one_line_error_in_every_vision_command(tmp_path: Path) -> None:
    missing = str(tmp_path / "none.safetensors")
    for args in (
        ["calibrate", missing, "--out", str(tmp_path / "out.safetensors")],
        ["evaluate", "--weights", missing, "--data-root", str(tmp_path)],
        ["assess", "--weights", missing, str(tmp_path / "photo.jpg")],
    ):
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 2, (args, result.output)
        assert "error: weights" in result.output and "missing" in result.output
        assert "Traceback" not in result.output


def test_weight_average_is_what_training_ships_and_survives_a_resume(tmp_path: Path) -> None:
    import torch

    _many_photos(tmp_path / "data")
    cfg = _tiny_config(tmp_path)
    cfg.weight_average_decay = 0.9
    cfg.average_duplicate_labels = True
    train(cfg)
    cfg.epochs = 2
    path = train(cfg)
    state = torch.load(cfg.out_dir / "last.pt", weights_only=True)
    steps = state["weight_average"]["updates"]
    assert steps > 0 and steps % 2 == 0  # both epochs' steps, the second after resuming
    model, _meta, _extra = load_weights(path)
    shipped = model.state_dict()["parts_head.weight"]
    assert torch.allclose(shipped, state["weight_average"]["state"]["parts_head.weight"])
    assert not torch.allclose(shipped, state["model"]["parts_head.weight"])


def test_mixup_training_writes_weights_that_differ_from_plain_training(tmp_path: Path) -> None:
    import torch

    _many_photos(tmp_path / "data")
    plain_cfg = _tiny_config(tmp_path)
    plain, _, _ = load_weights(train(plain_cfg))
    mixed_cfg = _tiny_config(tmp_path)
    mixed_cfg.out_dir = tmp_path / "runs" / "mixup"
    mixed_cfg.mixup_alpha = 0.4
    mixed, meta, _ = load_weights(train(mixed_cfg))
    assert meta.provenance["train_config"]["mixup_alpha"] == "0.4"
    assert not torch.allclose(
        plain.state_dict()["parts_head.weight"], mixed.state_dict()["parts_head.weight"]
    )
