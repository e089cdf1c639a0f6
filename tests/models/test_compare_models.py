"""scripts/compare_models.py: which models it compares, and how it refuses a bad request."""

from __future__ import annotations

import re
from pathlib import Path
from types import ModuleType

import pytest

from tests.scripts import load_script


@pytest.fixture(scope="module")
def compare() -> ModuleType:
    return load_script("compare_models")


def test_variants_keep_their_order_so_the_first_is_the_baseline(compare: ModuleType) -> None:
    variants = compare.parse_variants(["plain=shipped", "new=runs/x.safetensors", "t=shipped+flip"])
    assert list(variants) == ["plain", "new", "t"]
    assert variants["new"] == "runs/x.safetensors"


@pytest.mark.parametrize(
    "items",
    [["plain=shipped"], ["plain=shipped", "plain=shipped+flip"], ["plain=shipped", "oops"]],
)
def test_bad_variant_lists_are_refused(compare: ModuleType, items: list[str]) -> None:
    with pytest.raises(SystemExit):
        compare.parse_variants(items)


def test_a_missing_weights_file_is_named(compare: ModuleType, tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match=r"none\.safetensors"):
        compare.load_variant(str(tmp_path / "none.safetensors"))


def test_flip_variant_averages_the_photo_and_its_mirror(compare: ModuleType) -> None:
    import numpy as np

    class Probe:
        name = "probe"

        def __call__(self, pixels: np.ndarray) -> dict[str, np.ndarray]:
            # The left half's mean as a "logit"; regions echo the pixels.
            left = pixels[..., : pixels.shape[-1] // 2].mean(axis=(1, 2, 3))
            return {"parts": left[:, None], "regions": pixels.copy()}

    pixels = np.zeros((1, 3, 2, 4), dtype=np.float32)
    pixels[..., :2] = 1.0  # bright left half
    out = compare.FlipTTA(Probe())(pixels)
    assert out["parts"].tolist() == [[0.5]]  # 1 for the photo, 0 for its mirror
    assert np.array_equal(out["regions"], pixels)  # maps flipped back onto the photo


def test_ensemble_averages_logits_and_keeps_the_first_members_features(
    compare: ModuleType,
) -> None:
    import numpy as np

    class Constant:
        name = "constant"

        def __init__(self, value: float) -> None:
            self.value = value

        def __call__(self, pixels: np.ndarray) -> dict[str, np.ndarray]:
            batch = len(pixels)
            return {
                "parts": np.full((batch, 7), self.value),
                "features": np.full((batch, 4), self.value),
            }

    out = compare.LogitMean([Constant(1.0), Constant(3.0)])(np.zeros((2, 3, 4, 4)))
    assert out["parts"].shape == (2, 7) and np.all(out["parts"] == 2.0)
    assert np.all(out["features"] == 1.0)  # the first member's, matching its OOD statistics


def test_an_ensemble_member_that_is_missing_is_named(compare: ModuleType, tmp_path: Path) -> None:
    gone = tmp_path / "gone.safetensors"
    # The message names the missing member alone, not the whole comma list.
    with pytest.raises(SystemExit, match=rf"^variant {re.escape(repr(str(gone)))}:"):
        compare.load_variant(f"shipped,{gone}")
