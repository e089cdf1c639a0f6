"""A live autoclaim server for browser tests and screenshots, with deterministic analysers.

`LiveServer` runs the real app under uvicorn in a thread on a free 127.0.0.1 port, with its
own var_dir. The analysers are the claims tests' doubles (`tests.service.doubles`), plus the
quality warning the real vision model gives a dark photo, and documents whose fields carry
their own confidence and status, so pages can show what the real engines would report.
"""

from __future__ import annotations

import io
import json
import socket
import threading
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn
from PIL import Image, ImageDraw, ImageFont, ImageStat
from PIL.PngImagePlugin import PngInfo

from autoclaim.config import Settings
from autoclaim.service.app import create_app
from tests.service.doubles import PngTextReader, StatsAssessor

ADMIN_KEY = "ak_browser-admin-key-0123456789"
CJK_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
DARK = 0.2  # mean brightness under which the double warns "too_dark"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class QualityAwareAssessor(StatsAssessor):
    """`StatsAssessor` that also warns about dark photos, as the real model does."""

    def assess(self, images: Sequence[bytes]) -> list[dict[str, Any]]:
        results = super().assess(images)
        for data, result in zip(images, results, strict=True):
            image = Image.open(io.BytesIO(data)).convert("L")
            if ImageStat.Stat(image).mean[0] / 255 < DARK:
                result["warnings"] = [
                    {"code": "too_dark", "message": "the photo is too dark to judge damage"}
                ]
        return results


class ScoredPngReader(PngTextReader):
    """`PngTextReader`, but a field may carry its own confidence, status and reasons:
    `{"vin": {"value": "...", "confidence": 0.4, "status": "invalid", "reasons": [...]}}`."""

    def read(self, data: bytes, filename: str | None, doc_type: str | None) -> dict[str, Any]:
        image = Image.open(io.BytesIO(data))
        payload = json.loads(image.info.get("autoclaim", "{}"))  # type: ignore[union-attr]
        plain = {k: v["value"] if isinstance(v, dict) else v for k, v in payload["fields"].items()}
        info = PngInfo()
        info.add_text("autoclaim", json.dumps({**payload, "fields": plain}))
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", pnginfo=info)
        reading = super().read(buffer.getvalue(), filename, doc_type)
        for name, spec in payload["fields"].items():
            if isinstance(spec, dict):
                reading["fields"][name].update({k: v for k, v in spec.items() if k != "value"})
        return reading


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    if CJK_FONT.exists():
        return ImageFont.truetype(str(CJK_FONT), size)
    return ImageFont.load_default()


def car_photo(colour: tuple[int, int, int], seed: int = 0, dark: bool = False) -> bytes:
    """A JPEG of a simple car drawing in `colour` (the stats double reads the dominant
    channel: red → Bumper, green → Door, blue → Bonnet); `dark` makes it underexposed."""
    background = (70, 70, 70) if not dark else (12, 12, 12)
    image = Image.new("RGB", (320, 240), background)
    draw = ImageDraw.Draw(image)
    body = colour if not dark else tuple(c // 6 for c in colour)
    draw.rounded_rectangle((30 + seed, 100, 290, 180), radius=18, fill=body)
    draw.polygon([(80, 100), (120, 55), (220, 55), (260, 100)], fill=body)
    glass = (150, 170, 190) if not dark else (20, 22, 25)
    draw.polygon([(95, 98), (125, 63), (215, 63), (245, 98)], fill=glass)
    wheel = (20, 20, 20)
    for x in (85, 235):
        draw.ellipse((x - 24, 158, x + 24, 206), fill=wheel)
    draw.line((150 + seed, 120, 190, 160), fill=(40, 40, 40), width=3)  # the "damage"
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return buffer.getvalue()


def licence_scan(doc_type: str, fields: dict[str, Any], title: str) -> bytes:
    """A PNG 'scan' that shows its fields as text and carries them for `ScoredPngReader`."""
    image = Image.new("RGB", (420, 260), (236, 242, 236))
    draw = ImageDraw.Draw(image)
    draw.rectangle((6, 6, 413, 253), outline=(60, 110, 80), width=3)
    draw.text((20, 16), title, fill=(30, 60, 40), font=_font(24))
    y = 60
    for name, spec in fields.items():
        value = spec["value"] if isinstance(spec, dict) else spec
        draw.text((20, y), f"{name}: {value}", fill=(20, 20, 20), font=_font(18))
        y += 30
    info = PngInfo()
    info.add_text("autoclaim", json.dumps({"doc_type": doc_type, "fields": fields}))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", pnginfo=info)
    return buffer.getvalue()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    """The app served on `url` until `stop()`."""

    var_dir: Path
    url: str = ""
    _server: uvicorn.Server | None = None
    _thread: threading.Thread | None = None

    def start(self) -> LiveServer:
        settings = Settings(
            var_dir=self.var_dir, log_json=False, admin_api_key=ADMIN_KEY, log_level="WARNING"
        )
        app = create_app(settings, assessor=QualityAwareAssessor(), reader=ScoredPngReader())
        port = free_port()
        config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 20
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the app did not start")
            time.sleep(0.05)
        self.url = f"http://127.0.0.1:{port}"
        return self

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=10)

    def api(self, method: str, path: str, body: Any = None, key: str = ADMIN_KEY) -> Any:
        """A JSON API call (for setting up keys and reading results the pages changed)."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            self.url + path,
            data=data,
            method=method,
            headers={"X-API-Key": key, "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def new_key(self, role: str) -> str:
        return str(self.api("POST", "/v1/keys", {"role": role, "name": f"browser {role}"})["key"])
