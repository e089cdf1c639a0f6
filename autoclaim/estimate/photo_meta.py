"""When a photo was taken, from its EXIF data (for the capture-time check)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from PIL import Image

_EXIF_IFD = 0x8769
_DATETIME = 0x0132  # IFD0 DateTime (last change; a fallback)
_DATETIME_ORIGINAL = 0x9003
_OFFSET_TIME_ORIGINAL = 0x9011


def _offset(text: object) -> timezone | None:
    """An EXIF offset such as "+08:00" as a timezone, or None."""
    if not isinstance(text, str) or len(text) != 6 or text[0] not in "+-" or text[3] != ":":
        return None
    try:
        hours, minutes = int(text[1:3]), int(text[4:6])
    except ValueError:
        return None
    sign = 1 if text[0] == "+" else -1
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def capture_time(image: Image.Image) -> datetime | None:
    """EXIF DateTimeOriginal (else DateTime), aware if the photo states its offset, naive
    otherwise; None when absent or malformed (phone screenshots and edited photos often
    carry none)."""
    exif = image.getexif()
    detail = exif.get_ifd(_EXIF_IFD)
    raw = detail.get(_DATETIME_ORIGINAL) or exif.get(_DATETIME)
    if not isinstance(raw, str):
        return None
    try:
        moment = datetime.strptime(raw.strip("\x00 "), "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    tz = _offset(detail.get(_OFFSET_TIME_ORIGINAL))
    return moment.replace(tzinfo=tz) if tz is not None else moment
