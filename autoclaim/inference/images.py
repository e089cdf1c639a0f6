"""Decoding photos safely: size and pixel limits first, EXIF orientation, any mode to RGB."""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from autoclaim.inference.errors import (
    CorruptImageError,
    DecompressionBombError,
    ImageError,
    ImageTooLargeError,
    NotAnImageError,
    TruncatedImageError,
    UnsupportedImageError,
)

MAX_BYTES = 40 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a 40-megapixel phone photo decodes to ~120 MB of RGB
ACCEPTED_FORMATS = frozenset({"JPEG", "PNG", "WEBP", "BMP", "TIFF", "MPO", "HEIF", "AVIF"})

PhotoInput = bytes | Path | Image.Image

_heif_registered = False


def _register_heif() -> None:
    """HEIC/HEIF (iPhone photos) through pillow-heif when it is installed."""
    global _heif_registered
    if _heif_registered:
        return
    _heif_registered = True
    try:
        from pillow_heif import register_heif_opener
    except ImportError:  # optional: HEIC then fails as an unsupported format
        return
    register_heif_opener()


def _name(source: PhotoInput) -> str:
    return str(source) if isinstance(source, Path) else f"<{type(source).__name__}>"


def to_rgb(image: Image.Image) -> Image.Image:
    """Any PIL mode as 8-bit RGB; transparency is composited on white, 16-bit is rescaled."""
    if image.mode == "RGB":
        return image
    if image.mode in {"I;16", "I;16B", "I;16L", "I;16N", "I", "F"}:
        values = np.asarray(image, dtype=np.float64)
        top = 65535.0 if image.mode.startswith("I;16") or values.max() > 255 else 255.0
        gray = np.clip(values / top * 255.0, 0, 255).astype(np.uint8)
        return Image.fromarray(gray).convert("RGB")
    if image.mode == "P" and "transparency" in image.info:
        image = image.convert("RGBA")
    if image.mode in {"RGBA", "LA", "PA", "RGBa", "La"}:
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    try:
        return image.convert("RGB")
    except (ValueError, OSError) as exc:
        raise UnsupportedImageError(f"pixel mode {image.mode!r} cannot be converted") from exc


def _check_pixels(width: int, height: int, name: str) -> None:
    if width * height > MAX_PIXELS:
        raise DecompressionBombError(
            f"{name}: {width}x{height} = {width * height} pixels exceeds {MAX_PIXELS}"
        )


def load_photo(source: PhotoInput) -> Image.Image:
    """An upright RGB image, or a precise ImageError saying what is wrong with the input."""
    name = _name(source)
    if isinstance(source, Image.Image):
        _check_pixels(source.width, source.height, name)
        return to_rgb(ImageOps.exif_transpose(source) or source)
    if isinstance(source, Path):
        try:
            data = source.read_bytes()
        except OSError as exc:
            raise ImageError(f"{name}: cannot read file ({exc.strerror})") from exc
    else:
        data = source
    if len(data) > MAX_BYTES:
        raise ImageTooLargeError(f"{name}: {len(data)} bytes exceeds {MAX_BYTES}")
    if not data:
        raise NotAnImageError(f"{name}: empty file")
    _register_heif()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            _check_pixels(image.width, image.height, name)
            if image.format not in ACCEPTED_FORMATS:
                raise UnsupportedImageError(f"{name}: image format {image.format} not accepted")
            image.load()
    except ImageError:
        raise
    except UnidentifiedImageError as exc:
        raise NotAnImageError(f"{name}: not a recognised image ({len(data)} bytes)") from exc
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise DecompressionBombError(f"{name}: {exc}") from exc
    except OSError as exc:
        if "truncated" in str(exc).lower():
            raise TruncatedImageError(f"{name}: file is truncated ({exc})") from exc
        raise CorruptImageError(f"{name}: corrupt image data ({exc})") from exc
    except (ValueError, SyntaxError, IndexError, EOFError) as exc:
        raise CorruptImageError(f"{name}: corrupt image data ({exc})") from exc
    try:
        upright = ImageOps.exif_transpose(image) or image
    except (ValueError, OSError, SyntaxError) as exc:  # malformed EXIF block: keep pixels as is
        del exc
        upright = image
    return to_rgb(upright)
