"""Why a photo could not be assessed. The service maps these to HTTP codes:
UnsupportedImageError -> 415, CorruptImageError -> 422, ImageTooLargeError -> 413."""

from __future__ import annotations


class ImageError(ValueError):
    """Base class: this input cannot be assessed as a photo."""


class UnsupportedImageError(ImageError):
    """A readable file in a format (or pixel layout) the model does not take."""


class NotAnImageError(UnsupportedImageError):
    """The bytes are not an image at all (a PDF, text, random data...)."""


class CorruptImageError(ImageError):
    """An image file whose data is damaged."""


class TruncatedImageError(CorruptImageError):
    """An image file that ends before its pixel data does."""


class ImageTooLargeError(ImageError):
    """More bytes or pixels than the service accepts."""


class DecompressionBombError(ImageTooLargeError):
    """A small file that claims a huge pixel count (would exhaust memory when decoded)."""
