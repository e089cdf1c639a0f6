"""Near-duplicate photos across a split, found by a difference hash of the cached pixels.

The parts set saves the same source photo under several names (and Roboflow augments each),
so a group-by-name held-out fold still holds photos the model was fitted on. Thresholds and
temperatures chosen on such photos are over-confident; calibration drops them first.
"""

from __future__ import annotations

import numpy as np

HASH_ROWS, HASH_COLS = 8, 8
# Unrelated photos differ in about 32 of the 64 bits; re-encodes and mild edits in a few.
NEAR_DUPLICATE_BITS = 10


def array_dhash(images: np.ndarray) -> np.ndarray:
    """(N, H, W, 3) uint8 photos -> (N, 64) bool difference-hash bits.

    Each photo is greyed and averaged into 8 x 9 cells; a bit says whether a cell is brighter
    than its right-hand neighbour.
    """
    if images.ndim != 4 or images.shape[-1] != 3:
        raise ValueError(f"expected (N, H, W, 3) photos, got shape {images.shape}")
    n, h, w, _ = images.shape
    rows = np.linspace(0, h, HASH_ROWS + 1).astype(int)
    cols = np.linspace(0, w, HASH_COLS + 2).astype(int)
    bits = np.zeros((n, HASH_ROWS * HASH_COLS), dtype=bool)
    for start in range(0, n, 256):
        grey = images[start : start + 256].astype(np.float32).mean(axis=3)
        cells = np.stack(
            [
                np.stack(
                    [
                        grey[:, rows[r] : rows[r + 1], cols[c] : cols[c + 1]].mean(axis=(1, 2))
                        for c in range(HASH_COLS + 1)
                    ],
                    axis=1,
                )
                for r in range(HASH_ROWS)
            ],
            axis=1,
        )  # (n, 8, 9)
        bits[start : start + 256] = (cells[:, :, :-1] > cells[:, :, 1:]).reshape(len(cells), -1)
    return bits


def near_duplicate_mask(
    candidates: np.ndarray, reference: np.ndarray, max_bits: int = NEAR_DUPLICATE_BITS
) -> np.ndarray:
    """For each candidate photo, whether some reference photo is within `max_bits` of it."""
    cand, ref = array_dhash(candidates), array_dhash(reference)
    if len(ref) == 0:
        return np.zeros(len(cand), dtype=bool)
    out = np.zeros(len(cand), dtype=bool)
    for i, row in enumerate(cand):
        out[i] = bool((ref != row).sum(axis=1).min() <= max_bits)
    return out


# Copies of one upload (re-encodes, Roboflow's mild edits) sit within a few bits.
SAME_PHOTO_BITS = 4


def hash_words(bits: np.ndarray) -> np.ndarray:
    """(N, 64) bool hash bits -> (N,) uint64, for fast Hamming distances."""
    return np.packbits(bits, axis=1).view(">u8").ravel().astype(np.uint64)


def duplicate_label_means(
    images: np.ndarray,
    labels: np.ndarray,
    known: np.ndarray,
    groups: list[str],
    max_bits: int = SAME_PHOTO_BITS,
) -> np.ndarray:
    """Each labelled photo's multi-label targets averaged over the uploads of the same photo.

    The parts set labels one photo afresh each time it was uploaded (about 4 in 10 such
    copies disagree). A photo's target becomes the mean over the groups (uploads) among its
    near-duplicates of each group's mean labels, so every annotator's view counts once and
    the network learns how often a part is called damaged instead of one coin toss. Photos
    without labels, or with no near-duplicate in another group, keep their labels.
    """
    if not (len(images) == len(labels) == len(known) == len(groups)):
        raise ValueError("images, labels, known and groups must have the same length")
    out = labels.astype(np.float32).copy()
    index = np.flatnonzero(known)
    if len(index) == 0:
        return out
    words = hash_words(array_dhash(images[index]))
    group_of = np.array([groups[i] for i in index])
    for position, i in enumerate(index):
        near = np.flatnonzero(np.bitwise_count(words ^ words[position]) <= max_bits)
        near_groups = np.unique(group_of[near])
        if len(near_groups) < 2:
            continue
        per_group = [labels[index[near[group_of[near] == g]]].mean(axis=0) for g in near_groups]
        out[i] = np.mean(per_group, axis=0)
    return out
