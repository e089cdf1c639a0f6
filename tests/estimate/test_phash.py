"""Perceptual hashes and EXIF capture times from real PIL images made in code."""

from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone

import pytest
from PIL import Image, ImageDraw

from autoclaim.estimate.errors import EstimateInputError
from autoclaim.estimate.phash import dhash, hamming
from autoclaim.estimate.photo_meta import capture_time


def _scene(seed: int) -> Image.Image:
    image = Image.new("RGB", (320, 240), (200, 200, 210))
    draw = ImageDraw.Draw(image)
    for i in range(6):
        x = (seed * 53 + i * 71) % 280
        y = (seed * 29 + i * 43) % 200
        draw.rectangle((x, y, x + 40, y + 30), fill=((seed * 40 + i * 30) % 255, 60, 90))
    draw.ellipse((seed * 7 % 200, 50, seed * 7 % 200 + 90, 160), fill=(20, 30, 40))
    return image


def _reencoded(image: Image.Image, scale: float, quality: int) -> Image.Image:
    small = image.resize((int(image.width * scale), int(image.height * scale)))
    buffer = io.BytesIO()
    small.save(buffer, "JPEG", quality=quality)
    return Image.open(io.BytesIO(buffer.getvalue()))


def test_same_photo_resized_and_recompressed_stays_close() -> None:
    original = _scene(1)
    copy = _reencoded(original, 0.5, 40)
    assert len(dhash(original)) == 16
    assert hamming(dhash(original), dhash(copy)) <= 6


def test_different_photos_are_far_apart() -> None:
    distances = [hamming(dhash(_scene(1)), dhash(_scene(s))) for s in (2, 3, 4, 5)]
    assert min(distances) > 10


def test_hamming_rejects_mismatched_hashes() -> None:
    assert hamming("ff", "0f") == 4
    with pytest.raises(EstimateInputError):
        hamming("ff", "fff")
    with pytest.raises(EstimateInputError):
        hamming("zz", "ff")


def _with_exif(original: str | None, offset: str | None = None) -> Image.Image:
    image = Image.new("RGB", (16, 16))
    exif = Image.Exif()
    if original is not None:
        exif.get_ifd(0x8769)[0x9003] = original
        if offset is not None:
            exif.get_ifd(0x8769)[0x9011] = offset
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return Image.open(io.BytesIO(buffer.getvalue()))


def test_capture_time_reads_exif() -> None:
    assert capture_time(_with_exif("2026:05:01 08:30:00")) == datetime(2026, 5, 1, 8, 30)
    aware = capture_time(_with_exif("2026:05:01 08:30:00", "+08:00"))
    assert aware == datetime(2026, 5, 1, 8, 30, tzinfo=timezone(timedelta(hours=8)))
    assert capture_time(_with_exif(None)) is None
    assert capture_time(_with_exif("yesterday")) is None
