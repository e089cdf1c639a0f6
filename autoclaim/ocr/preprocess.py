"""Page clean-up before OCR: orientation (0/90/180/270), deskew and contrast.

Orientation is judged from the detected lines before any is recognised: most elongated
line boxes standing upright means the page lies on its side (the classifier's verdict on
the crops tells which quarter turn rights it); most lines classified as upside down means
180. A turned page is detected again (the recogniser, the expensive
stage, runs once). The skew is the median angle of the detected lines, known before
recognition; a skewed page is not read again: the recogniser reads each line from its own
rotated box, so only the boxes are turned with the image (`deskew_page`, `turn_lines`),
which saves a second full pass.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from PIL import Image, ImageOps

from autoclaim.ocr.engines import DetectedLines, OcrLine, OcrPage

MIN_SKEW_DEG = 1.5
MAX_SKEW_DEG = 20.0
LOW_CONTRAST_RANGE = 110  # grey levels between the 2nd and 98th percentile
MAX_STAMP_SHARE = 0.015  # a page this red is a form printed in red ink: keep it
SEAL_MAX_GREEN_BLUE = 20  # seal red has green and blue alike; brown-orange form ink does not


def improve_contrast(image: Image.Image) -> tuple[Image.Image, bool]:
    """Stretch the grey levels of a washed-out or dark page; unchanged if it has contrast."""
    grey = np.asarray(image.convert("L"))
    low, high = np.percentile(grey, [2, 98])
    if high - low >= LOW_CONTRAST_RANGE or high - low < 8:  # fine, or a blank page
        return image, False
    return ImageOps.autocontrast(image, cutoff=1), True


def remove_red_stamps(image: Image.Image) -> tuple[Image.Image, bool]:
    """Whiten strongly red pixels: official seals printed over Chinese licences and
    invoices hide the text under them from the detector. Black and blue text is kept, and
    so is the brown-orange ink of a paper invoice's form (green well above blue), which
    used to make the whole page count as red and keep its seal over the VIN line."""
    if image.mode != "RGB":
        return image, False
    rgb = np.asarray(image).astype(np.int16)
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    red = (r > 120) & (r - g > 50) & (r - b > 40) & (np.abs(g - b) <= SEAL_MAX_GREEN_BLUE)
    share = float(red.mean())
    if share < 0.001 or share > MAX_STAMP_SHARE:  # no seal, or a form printed in red ink
        return image, False
    cleaned = np.asarray(image).copy()
    cleaned[red] = 255
    return Image.fromarray(cleaned), True


def page_turned_sideways(found: DetectedLines) -> bool:
    """Most elongated line boxes stand upright: the page lies on its side. (Square boxes,
    single characters, say nothing about the direction.)"""
    elongated = [(w, h) for w, h in found.sizes() if max(w, h) >= 1.5 * max(1, min(w, h))]
    if len(elongated) < 3:
        return False
    upright = sum(h > 1.5 * w for w, h in elongated)
    return upright > len(elongated) / 2


def page_upside_down(found: DetectedLines) -> bool:
    """The line classifier saw most lines rotated by 180 degrees."""
    if len(found.upside_down) < 2:
        return False
    return sum(found.upside_down) > len(found.upside_down) / 2


def deskew_angle(skew_deg: float) -> float | None:
    """The rotation (degrees, PIL convention) that levels text at `skew_deg` (the lines'
    median angle), or None if level enough."""
    if MIN_SKEW_DEG <= abs(skew_deg) <= MAX_SKEW_DEG:
        return skew_deg
    return None


def rotate(image: Image.Image, degrees: float) -> Image.Image:
    """Rotate counter-clockwise by `degrees`, growing the canvas, padding with white."""
    if degrees % 90 == 0:
        turns = {
            90: Image.Transpose.ROTATE_90,
            180: Image.Transpose.ROTATE_180,
            270: Image.Transpose.ROTATE_270,
        }
        return image.transpose(turns[int(degrees) % 360]) if degrees % 360 else image
    fill = (255, 255, 255) if image.mode == "RGB" else 255
    return image.rotate(degrees, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=fill)


def deskew_page(image: Image.Image, page: OcrPage, degrees: float) -> tuple[Image.Image, OcrPage]:
    """The image rotated by `degrees` (as `rotate`) and the page's lines moved with it."""
    turned = rotate(image, degrees)
    return turned, turn_lines(page, image.size, turned.size, degrees)


def turn_lines(
    page: OcrPage, size: tuple[int, int], turned_size: tuple[int, int], degrees: float
) -> OcrPage:
    """The page's lines moved as `rotate(image, degrees)` moves the pixels of an image of
    `size`, which gives one of `turned_size`.

    Needs the detector's corners of every line (RapidOCR gives them; Tesseract and PDF text
    do not): an axis-aligned box of a slanted line cannot be turned exactly."""
    if any(len(ln.quad) != 4 for ln in page.lines):
        raise ValueError("turn_lines needs the detector's corners of every line")
    theta = np.radians(degrees)
    cos, sin = np.cos(theta), np.sin(theta)
    cx, cy = size[0] / 2, size[1] / 2
    width, height = turned_size
    ncx, ncy = width / 2, height / 2
    lines: list[OcrLine] = []
    for line in page.lines:
        pts = np.asarray(line.quad, dtype=np.float64) - (cx, cy)
        # counter-clockwise on screen, with y pointing down
        moved = np.stack(
            [pts[:, 0] * cos + pts[:, 1] * sin + ncx, -pts[:, 0] * sin + pts[:, 1] * cos + ncy],
            axis=1,
        )
        box = (
            max(0, int(moved[:, 0].min())),
            max(0, int(moved[:, 1].min())),
            min(width, int(np.ceil(moved[:, 0].max()))),
            min(height, int(np.ceil(moved[:, 1].max()))),
        )
        quad = tuple((float(x), float(y)) for x, y in moved)
        lines.append(replace(line, box=box, quad=quad))
    lines.sort(key=lambda ln: (ln.box[1], ln.box[0]))
    return replace(page, lines=lines, width=width, height=height, skew_deg=page.skew_deg - degrees)
