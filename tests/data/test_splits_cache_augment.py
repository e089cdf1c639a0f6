from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from autoclaim.data.augment import augment_batch
from autoclaim.data.cache import MASK_SIZE, PhotoArrays, build_arrays
from autoclaim.data.readers import read_split
from autoclaim.data.splits import group_fold, holdout_split
from autoclaim.data.taxonomy import PARTS, REGION_CLASSES
from tests.data.fixtures import write_parts_set, write_severity_set


def test_holdout_keeps_groups_together() -> None:
    groups = [f"g{i // 3}" for i in range(300)]
    fit, held = holdout_split(groups, folds=5, holdout_fold=0)
    assert sorted(fit + held) == list(range(300))
    assert {groups[i] for i in fit}.isdisjoint({groups[i] for i in held})
    assert 20 < len(held) < 110
    assert group_fold("g1", 5) == group_fold("g1", 5)


def test_build_arrays_targets_and_masks(tmp_path: Path) -> None:
    write_severity_set(tmp_path)
    write_parts_set(tmp_path)
    photos = read_split(tmp_path, "train")
    arrays = build_arrays(photos, size=32, weak_weight=0.3)
    assert arrays.images.shape == (6, 32, 32, 3)
    assert arrays.masks.shape == (6, len(REGION_CLASSES), MASK_SIZE, MASK_SIZE)
    assert arrays.types_known.tolist() == [True, True, False, False, False, False]
    assert arrays.parts_known.tolist() == [False, False, False, True, True, True]
    assert arrays.severity.tolist()[:3] == [2, 0, -1]
    weights = dict(zip([p.path.stem for p in photos], arrays.severity_weight, strict=True))
    assert weights["major_7_jpg.rf.y"] == np.float32(0.3)
    # Dent polygon covers the top-left quarter of a square photo.
    dent = arrays.masks[0, len(PARTS)] > 0
    assert 0.2 < dent.mean() < 0.3 and dent[:8, :8].all() and not dent[-8:, -8:].any()
    # Letterboxing an 80x60 photo leaves grey bands above and below.
    parts_photo = arrays.images[3]
    assert (parts_photo[0] == 127).all() and not (parts_photo[16] == 127).all()


def test_arrays_round_trip_without_pickle(tmp_path: Path) -> None:
    write_parts_set(tmp_path)
    arrays = build_arrays(read_split(tmp_path, "train"), size=16)
    arrays.save(tmp_path / "c.npz")
    loaded = PhotoArrays.load(tmp_path / "c.npz")
    assert loaded.groups == arrays.groups
    assert np.array_equal(loaded.masks, arrays.masks)


def test_augment_moves_masks_with_pixels() -> None:
    gen = torch.Generator().manual_seed(0)
    images = torch.zeros(4, 3, 32, 32)
    images[:, :, :, :16] = 255.0  # left half white
    masks = torch.zeros(4, 2, 32, 32)
    masks[:, 0, :, :16] = 1.0  # mask marks the same half
    out, out_masks = augment_batch(images, masks, gen, max_degrees=0.0, max_shift=0.0)
    assert out.shape == images.shape and out_masks.shape == masks.shape
    assert float(out.min()) >= 0.0 and float(out.max()) <= 255.0
    for i in range(4):
        bright = out[i].mean(0) > 127
        covered = out_masks[i, 0] > 0.5
        assert (bright == covered).float().mean() > 0.9
