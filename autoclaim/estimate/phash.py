"""Perceptual photo hashes, to notice the same photo re-used in another claim.

`dhash` is the difference hash: the image is made grey, shrunk to 9x8 pixels and each bit
says whether a pixel is brighter than its right-hand neighbour. Re-encoding, resizing and
mild colour changes leave most of the 64 bits alone, so two copies of one photo are a small
Hamming distance apart, while different photos differ in about half the bits.
"""

from __future__ import annotations

from PIL import Image

from autoclaim.estimate.errors import EstimateInputError

HASH_BITS = 64


def dhash(image: Image.Image) -> str:
    """The 64-bit difference hash of `image` as 16 hex digits."""
    grey = image.convert("L").resize((9, 8), Image.Resampling.LANCZOS)
    pixels = grey.tobytes()  # mode "L": one byte per pixel, row by row
    bits = 0
    for row in range(8):
        for col in range(8):
            left, right = pixels[row * 9 + col], pixels[row * 9 + col + 1]
            bits = (bits << 1) | (1 if left > right else 0)
    return f"{bits:016x}"


def hamming(first: str, second: str) -> int:
    """Number of differing bits between two hex hashes of the same length."""
    if len(first) != len(second):
        raise EstimateInputError(
            f"cannot compare hashes of different lengths: {first!r} and {second!r}"
        )
    try:
        return (int(first, 16) ^ int(second, 16)).bit_count()
    except ValueError:
        raise EstimateInputError(f"hash {first!r} or {second!r} is not hexadecimal") from None
