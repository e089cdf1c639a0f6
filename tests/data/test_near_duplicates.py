"""Near-duplicate detection that keeps repeated photos out of the calibration fold."""

from __future__ import annotations

import numpy as np
import pytest

from autoclaim.data.near_duplicates import array_dhash, near_duplicate_mask


def _photos(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    # Smooth random scenes: low-frequency noise upsampled, like large shapes in a photo.
    small = rng.integers(0, 256, size=(n, 8, 8, 3)).astype(np.float32)
    return np.repeat(np.repeat(small, 16, axis=1), 16, axis=2).astype(np.uint8)


def test_hash_has_64_bits_per_photo() -> None:
    assert array_dhash(_photos(3, 0)).shape == (3, 64)


def test_brightened_noisy_copy_is_a_near_duplicate_and_another_photo_is_not() -> None:
    reference = _photos(20, 1)
    rng = np.random.default_rng(2)
    copy = np.clip(
        reference[:1].astype(np.float32) * 1.1 + rng.normal(0, 3, reference[:1].shape), 0, 255
    ).astype(np.uint8)
    other = _photos(1, 99)
    mask = near_duplicate_mask(np.concatenate([copy, other]), reference)
    assert mask.tolist() == [True, False]


def test_empty_reference_marks_nothing() -> None:
    photos = _photos(2, 3)
    assert near_duplicate_mask(photos, photos[:0]).tolist() == [False, False]


def test_wrong_shape_is_refused() -> None:
    with pytest.raises(ValueError, match="expected"):
        array_dhash(np.zeros((2, 8, 8), dtype=np.uint8))
