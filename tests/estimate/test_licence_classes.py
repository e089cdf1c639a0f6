"""Licence class coverage (准驾车型)."""

from __future__ import annotations

import pytest

from autoclaim.estimate.errors import EstimateInputError
from autoclaim.estimate.licence_classes import (
    classes_for_vehicle,
    covered_classes,
    licence_covers,
    parse_licence_classes,
)


@pytest.mark.parametrize(
    ("licence", "vehicle", "covers"),
    [
        ("C1", "小型轿车", True),
        ("C2", "小型普通客车", True),
        ("C1", "重型半挂牵引车", False),
        ("A2", "重型半挂牵引车", True),
        ("C6", "轻型牵引挂车", True),
        ("C1", "轻型牵引挂车", False),
        ("A2", "轻型牵引挂车", True),
        ("A1", "小型轿车", True),
        ("B2", "重型厢式货车", True),
        ("C1", "中型普通客车", False),
        ("B1", "中型普通客车", True),
        ("A1", "大型普通客车", True),
        ("B1", "大型普通客车", False),
        ("C1", "轻型普通货车", True),
        ("E", "普通二轮摩托车", True),
        ("C1", "普通二轮摩托车", False),
        ("C1E", "普通二轮摩托车", True),
        ("D", "普通二轮摩托车", True),
        ("C2", "低速货车", False),
        ("C1", "低速货车", True),
        ("C1", "宇宙飞船", None),
    ],
)
def test_coverage(licence: str, vehicle: str, covers: bool | None) -> None:
    assert licence_covers(licence, vehicle) is covers


def test_parse_and_cover() -> None:
    assert parse_licence_classes("c1 e") == {"C1", "E"}
    assert covered_classes(frozenset({"A1"})) >= {"A1", "B1", "C1", "C2"}
    assert classes_for_vehicle("火星车") is None
    for bad in ("X9", "", "C9", "C1Z"):
        with pytest.raises(EstimateInputError):
            parse_licence_classes(bad)
