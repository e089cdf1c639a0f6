"""Degradations that make a clean render look like a phone photo or a poor scan.

Everything is drawn from one `random.Random`, so a seed fixes the result. Geometric steps
are tracked as one homography and applied to the recorded text boxes, so boxes stay true.
"""

from __future__ import annotations

import io
import math
import random
from dataclasses import replace

import numpy as np
from PIL import Image, ImageFilter

from autoclaim.data.synthetic_docs.canvas import Box, TextBox, draw_stamp

Matrix = np.ndarray


def _translate(dx: float, dy: float) -> Matrix:
    return np.array([[1.0, 0.0, dx], [0.0, 1.0, dy], [0.0, 0.0, 1.0]])


def _rotation(degrees: float) -> Matrix:
    r = math.radians(degrees)
    c, s = math.cos(r), math.sin(r)
    return np.array([[c, s, 0.0], [-s, c, 0.0], [0.0, 0.0, 1.0]])  # counter-clockwise on screen


def _homography(src: list[tuple[float, float]], dst: list[tuple[float, float]]) -> Matrix:
    """The 3x3 matrix mapping four source points onto four destination points."""
    rows, rhs = [], []
    for (x, y), (u, w) in zip(src, dst, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -w * x, -w * y])
        rhs.extend([u, w])
    h = np.linalg.solve(np.array(rows, dtype=float), np.array(rhs, dtype=float))
    return np.append(h, 1.0).reshape(3, 3)


def _apply(matrix: Matrix, box: Box, size: tuple[int, int]) -> Box:
    x0, y0, x1, y1 = box
    corners = np.array([[x0, y0, 1], [x1, y0, 1], [x1, y1, 1], [x0, y1, 1]], dtype=float).T
    mapped = matrix @ corners
    xs, ys = mapped[0] / mapped[2], mapped[1] / mapped[2]
    w, h = size
    return (
        int(max(0, math.floor(xs.min()))),
        int(max(0, math.floor(ys.min()))),
        int(min(w, math.ceil(xs.max()))),
        int(min(h, math.ceil(ys.max()))),
    )


def _warp(
    image: Image.Image, matrix: Matrix, size: tuple[int, int], fill: tuple[int, int, int]
) -> Image.Image:
    inverse = np.linalg.inv(matrix)
    inverse = inverse / inverse[2, 2]
    coeffs = tuple(float(c) for c in inverse.flatten()[:8])
    return image.transform(
        size, Image.Transform.PERSPECTIVE, coeffs, Image.Resampling.BICUBIC, fillcolor=fill
    )


def _shadow(image: Image.Image, rng: random.Random) -> Image.Image:
    """Darken part of the page under a soft-edged shadow (a hand or a phone)."""
    w, h = image.size
    angle = rng.uniform(0, 2 * math.pi)
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    along = (xs - w / 2) * math.cos(angle) + (ys - h / 2) * math.sin(angle)
    edge = rng.uniform(-0.3, 0.3) * max(w, h)
    softness = rng.uniform(0.03, 0.15) * max(w, h)
    depth = rng.uniform(0.25, 0.5)
    factor = 1.0 - depth / (1.0 + np.exp(-(along - edge) / softness))
    pixels = np.asarray(image, dtype=np.float32) * factor[..., None]
    return Image.fromarray(pixels.clip(0, 255).astype(np.uint8))


def _low_contrast(image: Image.Image, rng: random.Random) -> Image.Image:
    k = rng.uniform(0.4, 0.7)
    shift = rng.uniform(-25, 35)
    pixels = np.asarray(image, dtype=np.float32)
    mean = pixels.mean()
    return Image.fromarray((mean + (pixels - mean) * k + shift).clip(0, 255).astype(np.uint8))


def _noise(image: Image.Image, rng: random.Random) -> Image.Image:
    """Sensor noise: the same grain on the three channels (luminance noise)."""
    noise_rng = np.random.default_rng(rng.randrange(2**32))
    grain = noise_rng.standard_normal(image.size[::-1], dtype=np.float32)
    grain *= rng.uniform(3.0, 10.0)
    pixels = np.asarray(image, dtype=np.float32) + grain[..., None]
    return Image.fromarray(pixels.clip(0, 255).astype(np.uint8))


def _jpeg(image: Image.Image, rng: random.Random) -> Image.Image:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=rng.randint(30, 80))
    buffer.seek(0)
    with Image.open(buffer) as decoded:
        return decoded.convert("RGB")


_TRANSPOSE = {
    90: Image.Transpose.ROTATE_90,
    180: Image.Transpose.ROTATE_180,
    270: Image.Transpose.ROTATE_270,
}


def _quarter_turn(degrees: int, w: int, h: int) -> Matrix:
    """Pixel-edge mapping of PIL's counter-clockwise transposes."""
    if degrees == 90:
        return np.array([[0.0, 1.0, 0.0], [-1.0, 0.0, float(w)], [0.0, 0.0, 1.0]])
    if degrees == 180:
        return np.array([[-1.0, 0.0, float(w)], [0.0, -1.0, float(h)], [0.0, 0.0, 1.0]])
    return np.array([[0.0, -1.0, float(h)], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])


def degrade(
    image: Image.Image, texts: list[TextBox], rng: random.Random
) -> tuple[Image.Image, list[TextBox], list[str]]:
    """Apply a seeded mix of degradations; return the image, moved text boxes and their names."""
    applied: list[str] = []
    values = [t for t in texts if t.role == "value"]
    if values and rng.random() < 0.35:
        target = rng.choice(values).box
        height = target[3] - target[1]
        centre = (
            rng.randint(target[0], max(target[0], target[2])),
            (target[1] + target[3]) // 2,
        )
        draw_stamp(
            image,
            centre,
            max(20, int(height * rng.uniform(2.0, 3.2))),
            "财务专用章",
            "★",
            opacity=rng.uniform(0.45, 0.8),
        )
        applied.append("stamp")
    if rng.random() < 0.3:
        image = _shadow(image, rng)
        applied.append("shadow")
    if rng.random() < 0.3:
        image = _low_contrast(image, rng)
        applied.append("low_contrast")

    w, h = image.size
    matrix = np.eye(3)
    size = (w, h)
    geometric = False
    if rng.random() < 0.5:
        angle = rng.uniform(-4.0, 4.0)
        rad = math.radians(abs(angle))
        size = (
            math.ceil(w * math.cos(rad) + h * math.sin(rad)),
            math.ceil(w * math.sin(rad) + h * math.cos(rad)),
        )
        matrix = (
            _translate(size[0] / 2, size[1] / 2) @ _rotation(angle) @ _translate(-w / 2, -h / 2)
        )
        applied.append(f"skew_{angle:+.1f}")
        geometric = True
    if rng.random() < 0.35:
        sw, sh = size
        margin = rng.uniform(0.04, 0.1)
        jitter = 0.05
        out = (round(sw * (1 + 2 * margin)), round(sh * (1 + 2 * margin)))
        src = [(0.0, 0.0), (sw, 0.0), (sw, sh), (0.0, sh)]
        dst = [
            (
                margin * sw + x + rng.uniform(-jitter, jitter) * sw,
                margin * sh + y + rng.uniform(-jitter, jitter) * sh,
            )
            for x, y in src
        ]
        matrix = _homography(src, dst) @ matrix
        size = out
        applied.append("perspective")
        geometric = True
    if geometric:
        desk = (rng.randint(40, 120), rng.randint(40, 110), rng.randint(40, 100))
        image = _warp(image, matrix, size, desk)
    turn = rng.choice((0, 0, 0, 0, 0, 90, 180, 270))
    if turn:
        image = image.transpose(_TRANSPOSE[turn])
        matrix = _quarter_turn(turn, size[0], size[1]) @ matrix
        size = image.size
        applied.append(f"rotate_{turn}")

    if rng.random() < 0.4:
        image = image.filter(ImageFilter.GaussianBlur(rng.uniform(0.5, 1.4)))
        applied.append("blur")
    if rng.random() < 0.4:
        image = _noise(image, rng)
        applied.append("noise")
    if rng.random() < 0.5 or not applied:
        image = _jpeg(image, rng)
        applied.append("jpeg")
    moved = [replace(t, box=_apply(matrix, t.box, image.size)) for t in texts]
    return image, moved, applied
