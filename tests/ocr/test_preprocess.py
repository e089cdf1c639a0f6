from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from autoclaim.ocr.engines import DetectedLines, OcrLine, OcrPage
from autoclaim.ocr.preprocess import (
    deskew_angle,
    deskew_page,
    improve_contrast,
    page_turned_sideways,
    page_upside_down,
    remove_red_stamps,
    rotate,
)


def test_red_seal_is_whitened_and_black_text_kept() -> None:
    image = Image.new("RGB", (800, 600), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((100, 100, 300, 130), fill="black")
    draw.ellipse((500, 300, 560, 360), outline=(220, 30, 30), width=6)
    cleaned, changed = remove_red_stamps(image)
    pixels = np.asarray(cleaned)
    assert changed
    assert (pixels[300:361, 500:561] == 255).all()
    assert (pixels[110, 150] == 0).all()


def test_form_printed_in_red_ink_is_left_alone() -> None:
    image = Image.new("RGB", (400, 300), "white")
    ImageDraw.Draw(image).rectangle((0, 0, 399, 60), fill=(200, 40, 40))  # 20 % red
    assert remove_red_stamps(image) == (image, False)


def test_low_contrast_page_is_stretched_and_good_page_kept() -> None:
    washed = Image.new("L", (200, 100), 170)
    ImageDraw.Draw(washed).rectangle((20, 20, 120, 40), fill=120)
    stretched, changed = improve_contrast(washed.convert("RGB"))
    grey = np.asarray(stretched.convert("L"))
    assert changed
    assert grey.max() - grey.min() > 200
    crisp = Image.new("RGB", (200, 100), "white")
    ImageDraw.Draw(crisp).rectangle((20, 20, 120, 40), fill="black")
    assert improve_contrast(crisp) == (crisp, False)


def _page(lines: list[OcrLine], skew: float = 0.0) -> OcrPage:
    return OcrPage(lines, 1000, 1000, "rapidocr", skew_deg=skew)


def _found(boxes: list[tuple[int, int, int, int]], flipped: bool = False) -> DetectedLines:
    quads = [np.array([(x0, y0), (x1, y0), (x1, y1), (x0, y1)], float) for x0, y0, x1, y1 in boxes]
    crops = [np.zeros((8, 8, 3), np.uint8) for _ in boxes]
    return DetectedLines(1000, 1000, quads, crops, [flipped] * len(boxes))


def test_orientation_from_detected_line_shapes_and_classifier() -> None:
    upright = _found([(10, 10 + 60 * i, 40, 200 + 60 * i) for i in range(4)])
    level = _found([(10, 10 + 40 * i, 300, 40 + 40 * i) for i in range(4)])
    flipped = _found([(10, 10 + 40 * i, 300, 40 + 40 * i) for i in range(4)], flipped=True)
    assert page_turned_sideways(upright)
    assert not page_turned_sideways(level)
    assert page_upside_down(flipped)
    assert not page_upside_down(level)


def test_square_boxes_say_nothing_about_orientation() -> None:
    """Single characters (square boxes) are left out: a page of upright words with a column
    of single characters beside it is not sideways."""
    words = [(10, 10 + 40 * i, 300, 40 + 40 * i) for i in range(4)]
    chars = [(400, 10 + 40 * i, 430, 42 + 40 * i) for i in range(8)]
    assert not page_turned_sideways(_found(words + chars))
    assert not page_turned_sideways(_found(chars))


def test_deskew_only_for_real_but_moderate_skew() -> None:
    assert deskew_angle(0.5) is None
    assert deskew_angle(3.0) == 3.0
    assert deskew_angle(40.0) is None


def test_rotate_quarter_turns_swap_sides() -> None:
    image = Image.new("RGB", (300, 100), "white")
    assert rotate(image, 90).size == (100, 300)
    assert rotate(image, 180).size == (300, 100)
    assert rotate(image, 5).size[0] > 300


def _dark_centre(image: Image.Image) -> tuple[float, float]:
    ys, xs = np.nonzero(np.asarray(image.convert("L")) < 128)
    return float(xs.mean()), float(ys.mean())


def test_deskew_moves_line_corners_with_the_image() -> None:
    """A slanted line's corners land where its pixels land after the page is turned, and
    its box becomes a level, thin row: no second OCR pass is needed."""
    image = Image.new("RGB", (800, 600), "white")
    # a bar from (200, 300) sloping down 6 degrees to the right, 20 px thick
    slope = np.tan(np.radians(6))
    quad = ((200.0, 300.0), (600.0, 300 + 400 * slope), (600.0, 320 + 400 * slope), (200.0, 320.0))
    ImageDraw.Draw(image).polygon(quad, fill="black")
    line = OcrLine("SLANTED", (200, 300, 600, int(320 + 400 * slope)), 0.9, quad=quad)
    page = OcrPage([line], 800, 600, "rapidocr", skew_deg=6.0)
    turned, moved = deskew_page(image, page, deskew_angle(page.skew_deg) or 0.0)
    x0, y0, x1, y1 = moved.lines[0].box
    centre_x, centre_y = _dark_centre(turned)
    assert abs((x0 + x1) / 2 - centre_x) < 2 and abs((y0 + y1) / 2 - centre_y) < 2
    assert y1 - y0 < 24  # level now: about the bar's thickness, not its slanted extent
    assert (moved.width, moved.height) == turned.size
    assert abs(moved.skew_deg) < 1e-9


def test_deskew_refuses_lines_without_detector_corners() -> None:
    page = _page([OcrLine("NO CORNERS", (10, 10, 300, 40), 0.9)], skew=3.0)
    with pytest.raises(ValueError, match="corners"):
        deskew_page(Image.new("RGB", (1000, 1000), "white"), page, 3.0)


def test_a_skewed_page_whose_lines_were_all_dropped_turns_without_error() -> None:
    """The skew comes from every detected line, recognised or not, so a page can be skewed
    with none of its lines kept (all read below the recogniser's minimum score)."""
    turned, moved = deskew_page(Image.new("RGB", (1000, 800), "white"), _page([], skew=3.0), 3.0)
    assert moved.lines == [] and (moved.width, moved.height) == turned.size


def test_seal_over_a_form_printed_in_brown_ink_is_removed_and_the_form_kept() -> None:
    """A paper invoice's labels and rules (brown-orange, 4 % of the page) no longer make the
    page count as red ink, so the seal printed over its text is still whitened."""
    image = Image.new("RGB", (800, 600), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 799, 30), fill=(185, 100, 65))  # form ink
    draw.ellipse((500, 300, 560, 360), outline=(220, 30, 30), width=6)  # seal
    cleaned, changed = remove_red_stamps(image)
    pixels = np.asarray(cleaned)
    assert changed
    assert (pixels[300:361, 500:561] == 255).all()
    assert tuple(pixels[10, 10]) == (185, 100, 65)
