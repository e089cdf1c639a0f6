from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter
from typer.testing import CliRunner

from autoclaim.inference import Predictor
from autoclaim.inference.errors import TruncatedImageError
from autoclaim.inference.images import Photo, PhotoInput
from autoclaim.inference.overlay import render_overlay
from autoclaim.inference.predictor import DECODE_THREADS, crop_map, map_region
from autoclaim.inference.preprocess import letterbox
from autoclaim.inference.quality import quality_warnings
from autoclaim.models.weights import load_weights


def scene(w: int = 320, h: int = 240, brightness: int = 255) -> Image.Image:
    """A sharp synthetic 'photo': coloured shapes with hard edges."""
    image = Image.new("RGB", (w, h), (brightness // 2, brightness // 2, brightness // 2))
    draw = ImageDraw.Draw(image)
    for i in range(12):
        x, y = (i * 37) % w, (i * 53) % h
        draw.rectangle((x, y, x + 40, y + 25), fill=(brightness, (i * 40) % 256, 30))
    return image


def test_assess_returns_interface(tiny_predictor: Predictor) -> None:
    (a,) = tiny_predictor.assess([scene()])
    assert [f.label for f in a.parts] != [] and len(a.parts) == 7
    assert {f.label for f in a.damage_types} == {"dent", "scratch", "broken"}
    probs = [f.probability for f in a.parts]
    assert probs == sorted(probs, reverse=True)
    assert set(a.severity) == {"minor", "moderate", "severe"}
    assert sum(a.severity.values()) == pytest.approx(1.0, abs=1e-3)
    assert 0.0 <= a.uncertainty <= 1.0
    assert (a.width, a.height) == (320, 240)
    assert a.model_version == "tiny-test"
    for f in a.parts + a.damage_types:
        assert f.detected == (f.probability >= 0.5 - 1e-4)
        assert f.region is None or all(0.0 <= v <= 1.0 for v in f.region)


def test_batching_matches_single_photos(tiny_weights: Path) -> None:
    predictor = Predictor(*load_weights(tiny_weights), batch_size=2)
    photos = [scene(), scene(200, 300), scene(brightness=180)]
    together = predictor.assess(photos)
    alone = [predictor.assess([p])[0] for p in photos]
    for x, y in zip(together, alone, strict=True):
        assert [f.probability for f in x.parts] == pytest.approx(
            [f.probability for f in y.parts], abs=1e-3
        )


def test_bad_photo_in_batch_raises_before_model(tiny_predictor: Predictor) -> None:
    buf = io.BytesIO()
    scene().save(buf, "JPEG")
    with pytest.raises(TruncatedImageError):
        tiny_predictor.assess([scene(), buf.getvalue()[:300]])


def test_photos_of_a_batch_decode_side_by_side(
    tiny_predictor: Predictor, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading
    import time

    decoders: set[str] = set()
    decode = tiny_predictor.decode

    def slow_decode(photo: PhotoInput) -> Photo:
        decoders.add(threading.current_thread().name)
        time.sleep(0.05)
        return decode(photo)

    monkeypatch.setattr(tiny_predictor, "decode", slow_decode)
    assert len(tiny_predictor.assess([scene() for _ in range(4)])) == 4
    assert len(decoders) == DECODE_THREADS == 2
    tiny_predictor.assess([scene() for _ in range(4)])
    assert len(decoders) == 2  # the same two threads serve the next call (no pool per call)


def test_quality_warnings() -> None:
    codes = lambda image: {w.code for w in quality_warnings(image)}  # noqa: E731
    assert codes(scene()) == set()
    assert "too_dark" in codes(scene(brightness=40))
    assert "blurred" in codes(scene().filter(ImageFilter.GaussianBlur(8)))
    assert "too_small" in codes(scene(100, 80))


def test_not_a_car_warning_from_feature_distance(tiny_weights: Path) -> None:
    model, meta, extra = load_weights(tiny_weights)
    meta.ood_threshold = 0.0
    (a,) = Predictor(model, meta, extra).assess([scene()])
    assert "not_a_car" in {w.code for w in a.warnings}
    assert a.uncertainty == 1.0


def test_regions_follow_the_photo_not_the_padding() -> None:
    _, placement = letterbox(Image.new("RGB", (200, 100)), 64)
    region_map = np.zeros((8, 8))
    region_map[2:6, 0:2] = 1.0  # the photo occupies rows 2..5 of the canvas
    photo_map = crop_map(region_map, placement, 64)
    assert photo_map.shape == (4, 8)
    assert map_region(photo_map) == (0.0, 0.0, 0.25, 1.0)
    assert map_region(np.zeros((4, 4))) is None


def test_overlay_renders(tiny_predictor: Predictor) -> None:
    (explanation,) = tiny_predictor.explain([scene()])
    overlay = render_overlay(explanation)
    assert overlay.size == (320, 240) and overlay.mode == "RGB"


def test_assess_cli_prints_json_and_overlays(tiny_weights: Path, tmp_path: Path) -> None:
    from autoclaim.cli import app

    photo = tmp_path / "car.jpg"
    scene().save(photo)
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"not an image")
    result = CliRunner().invoke(
        app,
        [
            "assess",
            str(photo),
            "--weights",
            str(tiny_weights),
            "--overlay-dir",
            str(tmp_path / "o"),
        ],
    )
    assert result.exit_code == 0, result.output
    (entry,) = json.loads(result.output)
    assert entry["severity"] and len(entry["parts"]) == 7
    assert Path(entry["overlay"]).is_file()
    result = CliRunner().invoke(app, ["assess", str(bad), "--weights", str(tiny_weights)])
    assert result.exit_code == 1
    assert json.loads(result.output)[0]["error"] == "NotAnImageError"
