"""Deterministic stand-ins for the vision model and OCR (not on main yet), and test files.

`StatsAssessor` derives a valid PhotoAssessment-shaped result from simple image statistics
(the dominant colour channel picks the part, brightness the severity), so tests can predict
the estimate lines from the photos they draw. `PngTextReader` reads a document's fields from
a PNG text chunk the test wrote into it.
"""

from __future__ import annotations

import io
import json
import math
import threading
from collections.abc import Sequence
from typing import Any

from PIL import Image, ImageStat
from PIL.PngImagePlugin import PngInfo

PARTS = ("Bonnet", "Bumper", "Dickey", "Door", "Fender", "Light", "Windshield")
CHANNEL_PART = {0: "Bumper", 1: "Door", 2: "Bonnet"}


class StatsAssessor:
    """Counts its calls and batch sizes, so tests can see photos were batched."""

    def __init__(self) -> None:
        self.batches: list[int] = []
        self._lock = threading.Lock()

    def assess(self, images: Sequence[bytes]) -> list[dict[str, Any]]:
        with self._lock:
            self.batches.append(len(images))
        return [self._one(data) for data in images]

    def _one(self, data: bytes) -> dict[str, Any]:
        image = Image.open(io.BytesIO(data)).convert("RGB")
        means = ImageStat.Stat(image).mean
        channel = max(range(3), key=lambda i: means[i])
        part = CHANNEL_PART[channel]
        parts = [
            {
                "label": name,
                "probability": 0.9 if name == part else 0.05,
                "detected": name == part,
                "region": [0.1, 0.2, 0.8, 0.9] if name == part else None,
            }
            for name in PARTS
        ]
        parts.sort(key=lambda f: -float(f["probability"]))  # type: ignore[arg-type]
        brightness = sum(means) / 3 / 255
        severe = min(0.9, max(0.05, brightness))
        rest = (1 - severe) / 2
        return {
            "parts": parts,
            "damage_types": [
                {"label": "dent", "probability": 0.8, "detected": True, "region": None},
                {"label": "scratch", "probability": 0.3, "detected": False, "region": None},
                {"label": "broken", "probability": 0.1, "detected": False, "region": None},
            ],
            "severity": {"minor": rest, "moderate": rest, "severe": severe},
            "uncertainty": round(1 - abs(0.5 - brightness) * 2, 4)
            if math.isfinite(brightness)
            else 1.0,
            "warnings": [],
            "width": image.width,
            "height": image.height,
            "model_version": "stats-double-1",
        }


class PngTextReader:
    """Reads `{"doc_type", "fields": {name: value}}` from the PNG text chunk `autoclaim`."""

    def read(self, data: bytes, filename: str | None, doc_type: str | None) -> dict[str, Any]:
        image = Image.open(io.BytesIO(data))
        payload = json.loads(image.info.get("autoclaim", "{}"))  # type: ignore[union-attr]
        kind = payload.get("doc_type") or doc_type or "unknown"
        return {
            "doc_type": kind,
            "fields": {
                name: {
                    "name": name,
                    "value": value,
                    "raw": value,
                    "box": None,
                    "confidence": 0.95,
                    "status": "valid",
                    "reasons": [],
                }
                for name, value in payload.get("fields", {}).items()
            },
            "line_items": [],
            "checks": [],
            "warnings": [],
            "engine": "png-text-double",
            "page_count": 1,
        }


def photo_bytes(
    colour: tuple[int, int, int], size: tuple[int, int] = (64, 48), seed: int = 0
) -> bytes:
    """A JPEG of one colour with a small seeded pattern (so photos differ in content)."""
    image = Image.new("RGB", size, colour)
    for i in range(seed % 40):
        image.putpixel((i % size[0], (i * 7) % size[1]), (255 - colour[0], seed % 255, 128))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def document_bytes(doc_type: str, fields: dict[str, str]) -> bytes:
    """A PNG 'scan' whose text chunk carries the fields `PngTextReader` returns."""
    info = PngInfo()
    info.add_text("autoclaim", json.dumps({"doc_type": doc_type, "fields": fields}))
    buffer = io.BytesIO()
    Image.new("RGB", (120, 80), (240, 240, 240)).save(buffer, format="PNG", pnginfo=info)
    return buffer.getvalue()
