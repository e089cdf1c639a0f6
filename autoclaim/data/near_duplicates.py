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
