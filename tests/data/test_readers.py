from __future__ import annotations

from pathlib import Path

import pytest

from autoclaim.data.readers import (
    DatasetError,
    read_coco_severity,
    read_split,
    read_yolo_parts,
)
from autoclaim.data.taxonomy import (
    DAMAGE_TYPES,
    PARTS,
    REGION_CLASSES,
    SEVERITIES,
    TaxonomyError,
    parse_severity_category,
    weak_severity_from_filename,
)
from tests.data.fixtures import write_parts_set, write_severity_set


def test_taxonomy_matches_interface() -> None:
    assert PARTS == ("Bonnet", "Bumper", "Dickey", "Door", "Fender", "Light", "Windshield")
    assert DAMAGE_TYPES == ("dent", "scratch", "broken")
    assert SEVERITIES == ("minor", "moderate", "severe")
    assert REGION_CLASSES[len(PARTS)] == "dent"


def test_parse_severity_category() -> None:
    assert parse_severity_category("moderate-broken") == ("moderate", "broken")
    with pytest.raises(TaxonomyError, match="rusty"):
        parse_severity_category("minor-rusty")


def test_weak_severity_prefixes() -> None:
    assert weak_severity_from_filename("major_12_jpg.rf.a.jpg") == "severe"
    assert weak_severity_from_filename("minor_1.jpg") == "minor"
    assert weak_severity_from_filename("damage_1.jpg") is None


def test_coco_reader_derives_photo_targets(tmp_path: Path) -> None:
    photos = read_coco_severity(write_severity_set(tmp_path))
    first, second, unlabelled = photos
    assert first.damage_types == (DAMAGE_TYPES.index("dent"), DAMAGE_TYPES.index("scratch"))
    assert first.severity == SEVERITIES.index("severe")  # worst annotation wins
    assert second.severity == SEVERITIES.index("minor")
    assert first.group == second.group == "s:a"
    # The box-only annotation becomes a rectangle polygon in normalised coordinates.
    assert len(first.regions) == 2
    assert first.regions[1].polygon[2] == (1.0, 1.0)
    assert unlabelled.damage_types is None and unlabelled.severity is None


def test_yolo_reader_boxes_polygons_and_empty(tmp_path: Path) -> None:
    photos = {p.path.stem: p for p in read_yolo_parts(write_parts_set(tmp_path))}
    box = photos["0001_JPEG.rf.x"]
    assert box.parts == (PARTS.index("Bumper"),)
    assert box.regions[0].polygon[0] == pytest.approx((0.3, 0.4))
    poly = photos["major_7_jpg.rf.y"]
    assert poly.parts == (PARTS.index("Door"), PARTS.index("Light"))
    assert poly.severity == SEVERITIES.index("severe") and poly.severity_is_weak
    assert photos["0002_JPEG.rf.z"].parts == ()
    assert box.group == "p:0001_JPEG"


def test_yolo_reader_rejects_bad_rows(tmp_path: Path) -> None:
    folder = write_parts_set(tmp_path)
    (folder / "labels" / "0002_JPEG.rf.z.txt").write_text("9 0.5 0.5 0.1 0.1\n")
    with pytest.raises(DatasetError, match="class 9"):
        read_yolo_parts(folder)
    (folder / "labels" / "0002_JPEG.rf.z.txt").write_text("1 0.5 0.5 0.1\n")
    with pytest.raises(DatasetError, match="3 coordinates"):
        read_yolo_parts(folder)


def test_read_split_combines_sets_and_fails_on_missing(tmp_path: Path) -> None:
    write_severity_set(tmp_path)
    write_parts_set(tmp_path)
    photos = read_split(tmp_path, "train")
    assert {p.source for p in photos} == {"severity", "parts"}
    assert len(photos) == 6
    with pytest.raises(DatasetError, match="val"):
        read_split(tmp_path, "val")


@pytest.mark.needs_data
def test_real_val_split_reads(data_root: Path) -> None:
    photos = read_split(data_root, "val")
    assert sum(p.source == "severity" for p in photos) == 108
    assert sum(p.source == "parts" for p in photos) == 251
