"""Which trained weights ship inside the package, read from their metadata files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"


def shipped_model_info() -> dict[str, Any] | None:
    """Name, version and architecture of the default shipped model, or None if none ships."""
    if not WEIGHTS_DIR.is_dir():
        return None
    metas = sorted(WEIGHTS_DIR.glob("*.json"))
    if not metas:
        return None
    meta = json.loads(metas[0].read_text(encoding="utf-8"))
    return {
        "name": meta.get("name", metas[0].stem),
        "version": meta.get("version"),
        "architecture": meta.get("architecture"),
    }
