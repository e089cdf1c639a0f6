"""A page to draw a document on that records where every piece of text went.

Layouts draw in design units (about a millimetre's fraction) and the page scales them to
pixels, so one layout renders at many resolutions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

from PIL import Image, ImageChops, ImageDraw

from autoclaim.data.synthetic_docs.fonts import FontStyle, load_font

Box = tuple[int, int, int, int]
Colour = tuple[int, int, int]
TextRole = Literal["title", "label", "value", "other"]

BLACK: Colour = (20, 20, 24)
BROWN: Colour = (150, 80, 40)  # the printed frame and labels of VAT invoices
STAMP_RED: Colour = (215, 40, 45)


@dataclass(frozen=True)
class TextBox:
    """One drawn run of text: what it says, where it is, and what it is on the document."""

    text: str
    box: Box  # x0, y0, x1, y1 in page pixels
    role: TextRole
    field: str | None = None  # canonical field name of a value, or of the value a label names


def union(boxes: list[Box]) -> Box:
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


@dataclass
class Page:
    """An RGB page `width` x `height` design units drawn at `scale` pixels per unit."""

    width: float
    height: float
    scale: float
    background: Colour = (255, 255, 255)
    texts: list[TextBox] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.image = Image.new("RGB", (self.px(self.width), self.px(self.height)), self.background)
        self.draw = ImageDraw.Draw(self.image)

    def px(self, units: float) -> int:
        return round(units * self.scale)

    def text(
        self,
        x: float,
        y: float,
        text: str,
        size: float,
        style: FontStyle = "sans",
        fill: Colour = BLACK,
        role: TextRole = "other",
        field: str | None = None,
        anchor: str = "la",
    ) -> Box:
        """Draw `text` with its anchor at (x, y) units; record and return its pixel box."""
        font = load_font(style, max(6, self.px(size)))
        xy = (self.px(x), self.px(y))
        self.draw.text(xy, text, font=font, fill=fill, anchor=anchor)
        left, top, right, bottom = self.draw.textbbox(xy, text, font=font, anchor=anchor)
        box = (int(left), int(top), math.ceil(right), math.ceil(bottom))
        self.texts.append(TextBox(text=text, box=box, role=role, field=field))
        return box

    def text_width(self, text: str, size: float, style: FontStyle = "sans") -> float:
        """Width of `text` in design units."""
        font = load_font(style, max(6, self.px(size)))
        return font.getlength(text) / self.scale

    def label(
        self,
        x: float,
        y: float,
        text: str,
        size: float,
        style: FontStyle = "sans",
        fill: Colour = BLACK,
        field: str | None = None,
    ) -> float:
        """Draw a label (of `field`'s value, if it has one) and return the x just after it."""
        self.text(x, y, text, size, style=style, fill=fill, role="label", field=field)
        return x + self.text_width(text, size, style)

    def line(self, x0: float, y0: float, x1: float, y1: float, fill: Colour, width: float) -> None:
        self.draw.line(
            [(self.px(x0), self.px(y0)), (self.px(x1), self.px(y1))],
            fill=fill,
            width=max(1, self.px(width)),
        )

    def rect(
        self,
        x0: float,
        y0: float,
        x1: float,
        y1: float,
        outline: Colour | None = None,
        fill: Colour | None = None,
        width: float = 0.3,
    ) -> None:
        self.draw.rectangle(
            [self.px(x0), self.px(y0), self.px(x1), self.px(y1)],
            outline=outline,
            fill=fill,
            width=max(1, self.px(width)),
        )

    def field_boxes(self) -> dict[str, Box]:
        """Each field's value box (the union when a value was drawn in pieces)."""
        pieces: dict[str, list[Box]] = {}
        for t in self.texts:
            if t.field is not None and t.role == "value":
                pieces.setdefault(t.field, []).append(t.box)
        return {name: union(boxes) for name, boxes in pieces.items()}


def draw_stamp(
    image: Image.Image,
    centre: tuple[int, int],
    radius: int,
    ring_text: str,
    centre_text: str,
    opacity: float = 0.8,
    oval: bool = False,
) -> None:
    """Press a red seal (ring of characters, a star or a code in the middle) onto `image`.

    Ink multiplies with the paper, so black print under the seal stays black."""
    rx, ry = (radius, int(radius * 0.68)) if oval else (radius, radius)
    size = (2 * rx + 4, 2 * ry + 4)
    layer = Image.new("L", size, 0)
    draw = ImageDraw.Draw(layer)
    cx, cy = size[0] // 2, size[1] // 2
    draw.ellipse([2, 2, size[0] - 3, size[1] - 3], outline=255, width=max(2, radius // 18))
    char_size = max(8, int(ry * 0.26))
    font = load_font("sans_bold", char_size)
    n = max(1, len(ring_text))
    spread = 240.0 if oval else 260.0
    for i, ch in enumerate(ring_text):
        angle = -spread / 2 + spread * (i + 0.5) / n  # degrees from the top, clockwise
        rad = math.radians(angle)
        tx = cx + (rx - char_size * 0.95) * math.sin(rad)
        ty = cy - (ry - char_size * 0.95) * math.cos(rad)
        glyph = Image.new("L", (char_size * 2, char_size * 2), 0)
        ImageDraw.Draw(glyph).text((char_size, char_size), ch, font=font, fill=255, anchor="mm")
        glyph = glyph.rotate(-angle, resample=Image.Resampling.BICUBIC)
        layer.paste(glyph, (int(tx - char_size), int(ty - char_size)), glyph)
    if centre_text:
        middle_font = load_font("sans_bold", max(8, int(ry * (0.2 if oval else 0.45))))
        draw.multiline_text(
            (cx, cy + (ry * 0.1 if oval else 0)),
            centre_text,
            font=middle_font,
            fill=255,
            anchor="mm",
            align="center",
        )
    # Paste the seal into a page-sized mask so a seal near the edge is clipped, not padded.
    mask = Image.new("L", image.size, 0)
    mask.paste(layer.point(lambda p: int(p * opacity)), (centre[0] - cx, centre[1] - cy))
    red = Image.new("RGB", image.size, STAMP_RED)
    image.paste(Image.composite(ImageChops.multiply(image, red), image, mask))
