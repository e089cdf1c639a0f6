"""The label taxonomy, in one place: part, damage-type and severity classes and their sources."""

from __future__ import annotations

from typing import Final

PARTS: Final[tuple[str, ...]] = (
    "Bonnet",
    "Bumper",
    "Dickey",
    "Door",
    "Fender",
    "Light",
    "Windshield",
)
DAMAGE_TYPES: Final[tuple[str, ...]] = ("dent", "scratch", "broken")
SEVERITIES: Final[tuple[str, ...]] = ("minor", "moderate", "severe")

# Region-map channels: one per part, then one per damage type.
REGION_CLASSES: Final[tuple[str, ...]] = PARTS + DAMAGE_TYPES

# File-name prefixes of the parts set's severity-labelled source collection (a weak label).
WEAK_SEVERITY_PREFIXES: Final[dict[str, str]] = {
    "minor_": "minor",
    "moderate_": "moderate",
    "major_": "severe",
}


class TaxonomyError(ValueError):
    """A label that does not belong to the taxonomy."""


def parse_severity_category(name: str) -> tuple[str, str]:
    """Split a COCO category such as ``moderate-dent`` into (severity, damage type)."""
    severity, sep, damage = name.partition("-")
    if not sep or severity not in SEVERITIES or damage not in DAMAGE_TYPES:
        raise TaxonomyError(f"unknown severity-set category {name!r}")
    return severity, damage


def weak_severity_from_filename(file_name: str) -> str | None:
    """The severity implied by a parts-set file name prefix, or None."""
    for prefix, severity in WEAK_SEVERITY_PREFIXES.items():
        if file_name.startswith(prefix):
            return severity
    return None


def part_index(name: str) -> int:
    """Index of a part class; raises TaxonomyError for unknown names."""
    try:
        return PARTS.index(name)
    except ValueError:
        raise TaxonomyError(f"unknown part class {name!r}") from None
