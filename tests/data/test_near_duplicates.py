"""Near-duplicate detection that keeps repeated photos out of the calibration fold."""

from __future__ import annotations

import numpy as np
import pytest

from autoclaim.data.near_duplicates import (
    array_dhash,
    duplicate_label_means,
    hash_words,
    near_duplicate_mask,
)


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


def test_hash_words_count_the_differing_bits() -> None:
    bits = array_dhash(_photos(2, 4))
    words = hash_words(bits)
    assert words.dtype == np.uint64
    assert int(np.bitwise_count(words[0] ^ words[1])) == int((bits[0] != bits[1]).sum())


def test_separately_labelled_uploads_share_the_mean_of_their_labels() -> None:
    photos = _photos(4, 5)
    # Photo 0 uploaded twice more: once in its own group (an augmented copy), once in another
    # group whose annotator did not mark part 1. Photo 3 has no label at all.
    images = np.concatenate([photos, photos[:1], photos[:1]])
    labels = np.array(
        [[1, 1], [0, 1], [1, 0], [0, 0], [1, 1], [1, 0]],
        dtype=np.float32,
    )
    known = np.array([True, True, True, False, True, True])
    groups = ["a", "b", "c", "d", "a", "z"]
    out = duplicate_label_means(images, labels, known, groups)
    # Group a says (1, 1), group z says (1, 0): each upload counts once.
    for i in (0, 4, 5):
        assert out[i].tolist() == [1.0, 0.5]
    assert out[1:4].tolist() == labels[1:4].tolist()


def test_label_means_refuse_mismatched_lengths() -> None:
    with pytest.raises(ValueError, match="same length"):
        duplicate_label_means(_photos(2, 6), np.zeros((1, 2)), np.ones(2, bool), ["a", "b"])
