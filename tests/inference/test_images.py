"""Bad and unusual inputs: each gets a precise ImageError or is read correctly."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from autoclaim.inference.errors import (
    CorruptImageError,
    DecompressionBombError,
    ImageError,
    ImageTooLargeError,
    NotAnImageError,
    TruncatedImageError,
    UnsupportedImageError,
)
from autoclaim.inference.images import decode_photo, load_photo


def encode(image: Image.Image, fmt: str, **kwargs: object) -> bytes:
    buf = io.BytesIO()
    image.save(buf, fmt, **kwargs)
    return buf.getvalue()


def car_like(w: int = 320, h: int = 240) -> Image.Image:
    rng = np.random.default_rng(0)
    return Image.fromarray(rng.integers(0, 255, (h, w, 3), dtype=np.uint8))


def test_jpeg_png_from_bytes_path_and_pil(tmp_path: Path) -> None:
    data = encode(car_like(), "JPEG")
    (tmp_path / "a.jpg").write_bytes(data)
    for source in (data, tmp_path / "a.jpg", car_like()):
        image = load_photo(source)
        assert image.mode == "RGB" and image.size == (320, 240)


def test_exif_orientation_is_applied() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise on display
    data = encode(car_like(320, 240), "JPEG", exif=exif.tobytes())
    assert load_photo(data).size == (240, 320)


@pytest.mark.parametrize(
    "image",
    [
        Image.new("CMYK", (50, 40), (0, 255, 255, 0)),
        Image.new("L", (50, 40), 128),
        Image.new("1", (50, 40), 1),
    ],
    ids=["cmyk", "grayscale", "bilevel"],
)
def test_modes_convert_to_rgb(image: Image.Image) -> None:
    fmt = "JPEG" if image.mode == "CMYK" else "PNG"
    out = load_photo(encode(image, fmt))
    assert out.mode == "RGB" and out.size == (50, 40)


def test_sixteen_bit_png_is_rescaled() -> None:
    values = np.full((20, 30), 65535 // 2, dtype=np.uint16)
    out = load_photo(encode(Image.fromarray(values), "PNG"))
    assert out.mode == "RGB"
    assert 120 <= np.asarray(out)[0, 0, 0] <= 135


def test_alpha_png_composites_on_white() -> None:
    rgba = Image.new("RGBA", (10, 10), (255, 0, 0, 0))  # fully transparent red
    out = load_photo(encode(rgba, "PNG"))
    assert np.asarray(out)[0, 0].tolist() == [255, 255, 255]


def test_truncated_jpeg() -> None:
    data = encode(car_like(), "JPEG")
    with pytest.raises(TruncatedImageError, match="truncated"):
        load_photo(data[: len(data) // 2])


def test_corrupt_png() -> None:
    data = bytearray(encode(car_like(64, 64), "PNG"))
    data[60:200] = b"\x00" * 140
    with pytest.raises(CorruptImageError):
        load_photo(bytes(data))


def test_non_image_and_empty() -> None:
    with pytest.raises(NotAnImageError, match="not a recognised image"):
        load_photo(b"%PDF-1.7 this is a document")
    with pytest.raises(NotAnImageError, match="empty"):
        load_photo(b"")
    assert issubclass(NotAnImageError, UnsupportedImageError)


def test_unsupported_format() -> None:
    with pytest.raises(UnsupportedImageError, match="GIF"):
        load_photo(encode(car_like(32, 32).convert("P"), "GIF"))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ImageError, match="cannot read"):
        load_photo(tmp_path / "nope.jpg")


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims width x height (the pixel data is never reached)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b""))
        + chunk(b"IEND", b"")
    )


def test_decompression_bomb_is_refused_before_decoding() -> None:
    with pytest.raises(DecompressionBombError, match="pixels"):
        load_photo(_png_header_only(60000, 60000))
    assert issubclass(DecompressionBombError, ImageTooLargeError)


def test_heic_is_read_when_pillow_heif_is_installed() -> None:
    pillow_heif = pytest.importorskip("pillow_heif")
    pillow_heif.register_heif_opener()
    try:
        data = encode(car_like(64, 48), "HEIF")
    except (KeyError, OSError, ValueError) as exc:
        pytest.skip(f"this pillow-heif build cannot encode HEIF: {exc}")
    assert load_photo(data).size == (64, 48)


def _quadrant_photo(w: int, h: int) -> Image.Image:
    """Red top-left quadrant on grey: shows which way the pixels ended up."""
    image = Image.new("RGB", (w, h), (128, 128, 128))
    image.paste((255, 0, 0), (0, 0, w // 2, h // 2))
    return image


def test_draft_decode_is_smaller_but_never_below_min_side() -> None:
    data = encode(_quadrant_photo(1280, 960), "JPEG")
    photo = decode_photo(data, min_side=256)
    assert photo.image.size == (640, 480)  # 1/2 scale: at 1/4 the short side would be 240
    assert (photo.width, photo.height) == (1280, 960)
    assert decode_photo(data).image.size == (1280, 960)
    png = decode_photo(encode(_quadrant_photo(1280, 960), "PNG"), min_side=256)
    assert png.image.size == (1280, 960)  # only JPEGs decode at reduced scale


@pytest.mark.parametrize("orientation", [3, 6, 8])
def test_draft_decode_honours_exif_orientation(orientation: int) -> None:
    exif = Image.Exif()
    exif[0x0112] = orientation
    data = encode(_quadrant_photo(1280, 960), "JPEG", exif=exif.tobytes())
    full = load_photo(data)
    photo = decode_photo(data, min_side=256)
    assert (photo.width, photo.height) == full.size
    assert photo.image.width < full.width
    assert photo.image.width / photo.image.height == pytest.approx(full.width / full.height)
    # The red quadrant lands in the same corner at both scales.
    small = np.asarray(photo.image.resize((8, 8)), dtype=np.float32)[..., 0]
    large = np.asarray(full.resize((8, 8)), dtype=np.float32)[..., 0]
    assert np.abs(small - large).max() < 40
