"""Small synthetic datasets laid out exactly like the two Roboflow exports."""

from __future__ import annotations

import json
from pathlib import Path

from PIL import Image


def write_severity_set(root: Path, split: str = "train") -> Path:
    """Three COCO photos: two copies of one source photo, one unannotated photo."""
    folder = root / "car-damage-severity" / split
    folder.mkdir(parents=True)
    names = ["a_jpg.rf.1.jpg", "a_jpg.rf.2.jpg", "b_jpg.rf.1.jpg"]
    for i, name in enumerate(names):
        Image.new("RGB", (64, 64), (40 * i, 90, 160)).save(folder / name)
    coco = {
        "categories": [
            {"id": 0, "name": "damage", "supercategory": "none"},
            {"id": 1, "name": "minor-dent", "supercategory": "damage"},
            {"id": 2, "name": "severe-scratch", "supercategory": "damage"},
        ],
        "images": [
            {"id": 0, "file_name": names[0], "width": 64, "height": 64, "group": "s:a"},
            {"id": 1, "file_name": names[1], "width": 64, "height": 64, "group": "s:a"},
            {"id": 2, "file_name": names[2], "width": 64, "height": 64, "group": "s:b"},
        ],
        "annotations": [
            {
                "id": 0,
                "image_id": 0,
                "category_id": 1,
                "bbox": [0, 0, 32, 32],
                "segmentation": [[0, 0, 32, 0, 32, 32, 0, 32]],
                "area": 1024,
                "iscrowd": 0,
            },
            {
                "id": 1,
                "image_id": 0,
                "category_id": 2,
                "bbox": [32, 32, 32, 32],
                "segmentation": [],
                "area": 1024,
                "iscrowd": 0,
            },
            {
                "id": 2,
                "image_id": 1,
                "category_id": 1,
                "bbox": [0, 0, 16, 16],
                "segmentation": [[0, 0, 16, 0, 16, 16]],
                "area": 128,
                "iscrowd": 0,
            },
        ],
    }
    (folder / "_annotations.coco.json").write_text(json.dumps(coco), encoding="utf-8")
    return folder


def write_parts_set(root: Path, split: str = "train") -> Path:
    """Three YOLO photos: a box row, a polygon row, an empty label file; one weak severity."""
    folder = root / "car-damage-parts" / split
    (folder / "images").mkdir(parents=True)
    (folder / "labels").mkdir()
    labels = {
        "0001_JPEG.rf.x": "1 0.5 0.5 0.4 0.2\n",
        "major_7_jpg.rf.y": "5 0.1 0.1 0.4 0.1 0.4 0.4\n3 0.5 0.5 1 1\n",
        "0002_JPEG.rf.z": "",
    }
    for stem, text in labels.items():
        Image.new("RGB", (80, 60), (200, 30, 30)).save(folder / "images" / f"{stem}.jpg")
        (folder / "labels" / f"{stem}.txt").write_text(text, encoding="utf-8")
    (folder.parent / "data.yaml").write_text(
        "nc: 7\nnames: ['Bonnet', 'Bumper', 'Dickey', 'Door', 'Fender', 'Light', 'Windshield']\n",
        encoding="utf-8",
    )
    return folder
