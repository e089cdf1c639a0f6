"""Readers for the two public exports exactly as Roboflow ships them (COCO and YOLO)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from autoclaim.data.photos import LabelledPhoto, Polygon, Region
from autoclaim.data.taxonomy import (
    DAMAGE_TYPES,
    PARTS,
    SEVERITIES,
    parse_severity_category,
    weak_severity_from_filename,
)

SEVERITY_SET = "car-damage-severity"
PARTS_SET = "car-damage-parts"
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".webp"}


class DatasetError(ValueError):
    """A dataset folder or annotation file that does not follow its format."""


def _coco_polygons(annotation: dict[str, Any], width: float, height: float) -> list[Polygon]:
    polygons: list[Polygon] = []
    segmentation = annotation.get("segmentation")
    if isinstance(segmentation, list):
        for flat in segmentation:
            if isinstance(flat, list) and len(flat) >= 6:
                polygons.append(
                    tuple(
                        (float(flat[i]) / width, float(flat[i + 1]) / height)
                        for i in range(0, len(flat) - 1, 2)
                    )
                )
    if not polygons and "bbox" in annotation:
        x, y, w, h = (float(v) for v in annotation["bbox"])
        polygons.append(
            (
                (x / width, y / height),
                ((x + w) / width, y / height),
                ((x + w) / width, (y + h) / height),
                (x / width, (y + h) / height),
            )
        )
    return polygons


def read_coco_severity(split_dir: Path) -> list[LabelledPhoto]:
    """Photos of one split of the severity set: damage types, worst severity and polygons.

    Photos without any annotation keep unknown (None) targets: an empty COCO record may be
    an unlabelled photo rather than an undamaged car.
    """
    ann_file = split_dir / "_annotations.coco.json"
    if not ann_file.is_file():
        raise DatasetError(f"no COCO annotation file at {ann_file}")
    coco = json.loads(ann_file.read_text(encoding="utf-8"))
    categories = {c["id"]: c["name"] for c in coco["categories"]}
    by_image: dict[int, list[dict[str, Any]]] = {}
    for ann in coco["annotations"]:
        by_image.setdefault(ann["image_id"], []).append(ann)
    photos: list[LabelledPhoto] = []
    for image in coco["images"]:
        anns = [
            a for a in by_image.get(image["id"], []) if categories[a["category_id"]] != "damage"
        ]
        file_name = str(image["file_name"])
        group = str(image.get("group") or "s:" + file_name.split(".rf.")[0])
        if not anns:
            photos.append(LabelledPhoto(split_dir / file_name, group, "severity"))
            continue
        types: set[int] = set()
        worst = 0
        regions: list[Region] = []
        for ann in anns:
            severity, damage = parse_severity_category(categories[ann["category_id"]])
            types.add(DAMAGE_TYPES.index(damage))
            worst = max(worst, SEVERITIES.index(severity))
            channel = len(PARTS) + DAMAGE_TYPES.index(damage)
            for polygon in _coco_polygons(ann, float(image["width"]), float(image["height"])):
                regions.append(Region(channel, polygon))
        photos.append(
            LabelledPhoto(
                path=split_dir / file_name,
                group=group,
                source="severity",
                damage_types=tuple(sorted(types)),
                severity=worst,
                regions=tuple(regions),
            )
        )
    return photos


def _yolo_row(row: str, label_file: Path) -> Region:
    values = row.split()
    try:
        cls = int(values[0])
        coords = [float(v) for v in values[1:]]
    except ValueError:
        raise DatasetError(f"bad YOLO row {row!r} in {label_file}") from None
    if not 0 <= cls < len(PARTS):
        raise DatasetError(f"class {cls} out of range in {label_file}")
    if len(coords) == 4:
        x, y, w, h = coords
        polygon: Polygon = (
            (x - w / 2, y - h / 2),
            (x + w / 2, y - h / 2),
            (x + w / 2, y + h / 2),
            (x - w / 2, y + h / 2),
        )
    elif len(coords) >= 6 and len(coords) % 2 == 0:
        polygon = tuple((coords[i], coords[i + 1]) for i in range(0, len(coords), 2))
    else:
        raise DatasetError(f"YOLO row with {len(coords)} coordinates in {label_file}")
    return Region(cls, polygon)


def parts_group(file_name: str) -> str:
    """Source-photo group of a parts-set file: the name before Roboflow's ``.rf.`` suffix."""
    return "p:" + file_name.split(".rf.")[0]


def read_yolo_parts(split_dir: Path) -> list[LabelledPhoto]:
    """Photos of one split of the parts set: damaged parts (multi-label) and their regions.

    A photo with an empty label file is a labelled photo with no damaged part.
    """
    images_dir, labels_dir = split_dir / "images", split_dir / "labels"
    if not images_dir.is_dir():
        raise DatasetError(f"no images folder at {images_dir}")
    photos: list[LabelledPhoto] = []
    for image_path in sorted(images_dir.iterdir()):
        if image_path.suffix.lower() not in IMAGE_SUFFIXES:
            continue
        label_file = labels_dir / (image_path.stem + ".txt")
        rows = label_file.read_text(encoding="utf-8").splitlines() if label_file.is_file() else []
        regions = tuple(_yolo_row(r, label_file) for r in rows if r.strip())
        weak = weak_severity_from_filename(image_path.name)
        photos.append(
            LabelledPhoto(
                path=image_path,
                group=parts_group(image_path.name),
                source="parts",
                parts=tuple(sorted({r.channel for r in regions})),
                severity=SEVERITIES.index(weak) if weak else None,
                severity_is_weak=weak is not None,
                regions=regions,
            )
        )
    return photos


def read_split(data_root: Path, split: str) -> list[LabelledPhoto]:
    """Both sets' photos of one split (``train`` or ``val``) under a datasets folder."""
    severity_dir = data_root / SEVERITY_SET / split
    parts_dir = data_root / PARTS_SET / split
    if not severity_dir.is_dir() and not parts_dir.is_dir():
        raise DatasetError(f"neither {severity_dir} nor {parts_dir} exists")
    photos: list[LabelledPhoto] = []
    if severity_dir.is_dir():
        photos += read_coco_severity(severity_dir)
    if parts_dir.is_dir():
        photos += read_yolo_parts(parts_dir)
    return photos
