"""Photos of the same part merge into one finding."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autoclaim.estimate.inputs import DAMAGE_TYPES, PART_CLASSES
from autoclaim.estimate.merge import merge_photos, noisy_or
from tests.estimate.builders import photo

SEV = {"minor": 0.2, "moderate": 0.5, "severe": 0.3}


def test_two_views_of_one_part_combine_by_noisy_or() -> None:
    merged = merge_photos(
        [
            photo("a", {"Door": 0.8}, {"dent": 0.9}, SEV),
            photo("b", {"Door": 0.8, "Bumper": 0.2}, {"scratch": 0.6}, SEV),
        ]
    )
    assert [m.part for m in merged] == ["Door"]  # Bumper never detected
    door = merged[0]
    assert door.probability == pytest.approx(0.96)
    assert door.photo_ids == ("a", "b")
    assert door.damage_types["dent"] == pytest.approx(0.45)
    assert door.damage_types["scratch"] == pytest.approx(0.3)
    assert door.likely_damage_type == "dent"
    assert door.likely_severity == "moderate"


def test_weights_follow_part_probability() -> None:
    merged = merge_photos(
        [
            photo("a", {"Fender": 0.9}, {"dent": 1.0}, {"minor": 1.0, "moderate": 0, "severe": 0}),
            photo("b", {"Fender": 0.6}, {"dent": 1.0}, {"minor": 0, "moderate": 0, "severe": 1.0}),
        ],
    )
    fender = merged[0]
    assert fender.severity["minor"] == pytest.approx(0.6)
    assert fender.severity["severe"] == pytest.approx(0.4)


def test_photos_where_the_part_is_not_detected_are_ignored_for_it() -> None:
    merged = merge_photos(
        [
            photo("a", {"Door": 0.9, "Light": 0.1}, {"dent": 0.9}, SEV, uncertainty=0.1),
            photo("b", {"Light": 0.9}, {"broken": 0.9}, SEV, uncertainty=0.5),
        ]
    )
    by_part = {m.part: m for m in merged}
    assert by_part["Light"].photo_ids == ("b",)
    assert by_part["Light"].probability == pytest.approx(0.9)
    assert by_part["Light"].uncertainty == pytest.approx(0.5)
    assert by_part["Door"].uncertainty == pytest.approx(0.1)


def test_ties_go_to_the_costlier_reading() -> None:
    tie = {"minor": 0.5, "moderate": 0.0, "severe": 0.5}
    (part,) = merge_photos([photo("a", {"Door": 0.9}, {"dent": 0.5, "broken": 0.5}, tie)])
    assert (part.likely_damage_type, part.likely_severity) == ("broken", "severe")


def test_no_damage_scores_mean_uniform_damage_type() -> None:
    (part,) = merge_photos([photo("a", {"Door": 0.9}, {}, {})])
    assert part.damage_types == pytest.approx({"dent": 1 / 3, "scratch": 1 / 3, "broken": 1 / 3})
    assert part.severity == pytest.approx({"minor": 1 / 3, "moderate": 1 / 3, "severe": 1 / 3})


def test_noisy_or() -> None:
    assert noisy_or([]) == 0.0
    assert noisy_or([0.5, 0.5]) == pytest.approx(0.75)
    assert noisy_or([1.0, 0.1]) == 1.0


_probability = st.floats(0.0, 1.0)
_views = st.lists(
    st.tuples(
        st.dictionaries(st.sampled_from(PART_CLASSES), _probability, min_size=1),
        st.dictionaries(st.sampled_from(DAMAGE_TYPES), _probability),
    ),
    min_size=1,
    max_size=5,
)


@settings(max_examples=80, deadline=None)
@given(views=_views, extra=_views)
def test_property_merge_bounds_and_more_views_never_lower_a_part(
    views: list[tuple[dict[str, float], dict[str, float]]],
    extra: list[tuple[dict[str, float], dict[str, float]]],
) -> None:
    photos = [photo(f"a{i}", parts, damage, SEV) for i, (parts, damage) in enumerate(views)]
    more = photos + [photo(f"b{i}", parts, damage, SEV) for i, (parts, damage) in enumerate(extra)]
    before = {m.part: m for m in merge_photos(photos)}
    after = {m.part: m for m in merge_photos(more)}
    for part, merged in before.items():
        seen = [p.part(part) for p in photos]
        views_p = [s.probability for s in seen if s is not None and s.detected]
        assert max(views_p) - 1e-9 <= merged.probability <= 1.0
        assert after[part].probability >= merged.probability - 1e-9
        assert sum(merged.severity.values()) == pytest.approx(1.0)
        for label, value in merged.damage_types.items():
            assert 0.0 <= value <= 1.0, label
