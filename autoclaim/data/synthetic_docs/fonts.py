"""Find the installed CJK fonts (Noto CJK from the Debian package fonts-noto-cjk)."""

from __future__ import annotations

import shutil
import subprocess
from functools import lru_cache
from pathlib import Path
from typing import Literal

from PIL import ImageFont

from autoclaim.data.synthetic_docs.errors import MissingFontError

FontStyle = Literal["sans", "sans_bold", "serif", "serif_bold", "mono"]

# Family and style that fc-list reports for each role; the SC (Simplified Chinese) faces.
_FAMILIES: dict[FontStyle, tuple[str, str]] = {
    "sans": ("Noto Sans CJK SC", "Regular"),
    "sans_bold": ("Noto Sans CJK SC", "Bold"),
    "serif": ("Noto Serif CJK SC", "Regular"),
    "serif_bold": ("Noto Serif CJK SC", "Bold"),
    "mono": ("Noto Sans Mono CJK SC", "Regular"),
}
_INSTALL_HINT = "install the Debian package fonts-noto-cjk (apt-get install fonts-noto-cjk)"


@lru_cache(maxsize=1)
def _cjk_font_files() -> dict[tuple[str, str], Path]:
    """(family, style) -> font file, from `fc-list :lang=zh`."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        raise MissingFontError(f"fc-list (fontconfig) not found; {_INSTALL_HINT}")
    listing = subprocess.run(
        [fc_list, ":lang=zh", "file", "family", "style"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    ).stdout
    files: dict[tuple[str, str], Path] = {}
    for line in sorted(listing.splitlines()):
        path, _, rest = line.partition(": ")
        families, _, style = rest.partition(":style=")
        for family in families.split(","):
            for one_style in style.split(","):
                files.setdefault((family.strip(), one_style.strip()), Path(path))
    return files


def font_path(style: FontStyle) -> Path:
    """The font file for a role; raises MissingFontError naming fonts-noto-cjk if absent."""
    family_style = _FAMILIES[style]
    files = _cjk_font_files()
    if family_style in files:
        return files[family_style]
    # Any installed CJK face will do for the role before giving up.
    for (family, font_style), path in sorted(files.items()):
        if "CJK SC" in family and font_style == family_style[1]:
            return path
    raise MissingFontError(f"no CJK font {' '.join(family_style)!r} installed; {_INSTALL_HINT}")


@lru_cache(maxsize=64)
def load_font(style: FontStyle, size: int) -> ImageFont.FreeTypeFont:
    """The font for a role at a pixel size (the SC face inside a .ttc collection)."""
    path = font_path(style)
    family = _FAMILIES[style][0]
    if path.suffix.lower() == ".ttc":
        for index in range(16):
            try:
                font = ImageFont.truetype(str(path), size, index=index)
            except OSError:
                break
            if font.getname()[0] == family:
                return font
    return ImageFont.truetype(str(path), size)
