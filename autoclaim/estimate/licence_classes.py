"""Driver-licence classes (准驾车型) and the vehicles each may drive.

The coverage table follows the Ministry of Public Security rules on motor vehicle driving
licences (公安部令第162号, as amended in 2021 with class C6): a higher class also covers the
classes listed for it. The vehicle licence's free-text vehicle type (车辆类型, e.g. "小型轿车",
"重型半挂牵引车") is mapped to the class it needs by keywords; a type the table does not know
returns None so the caller can say "not verified" rather than guess.

Small cars: C1 covers manual and automatic, C2 only automatic; the vehicle licence does not
state the transmission, so a C2 licence is accepted for a small car (stated in the check).
"""

from __future__ import annotations

import re

from autoclaim.estimate.errors import EstimateInputError

LICENCE_CLASSES: tuple[str, ...] = (
    "A1", "A2", "A3", "B1", "B2", "C1", "C2", "C3", "C4", "C5", "C6", "D", "E", "F", "M", "N", "P",
)  # fmt: skip

# class -> classes it also covers (besides itself)
ALSO_COVERS: dict[str, frozenset[str]] = {
    "A1": frozenset({"A3", "B1", "B2", "C1", "C2", "C3", "C4", "M"}),
    "A2": frozenset({"B1", "B2", "C1", "C2", "C3", "C4", "C6", "M"}),
    "A3": frozenset({"C1", "C2", "C3", "C4"}),
    "B1": frozenset({"C1", "C2", "C3", "C4", "M"}),
    "B2": frozenset({"C1", "C2", "C3", "C4", "M"}),
    "C1": frozenset({"C2", "C3", "C4"}),
    "C2": frozenset(),
    "C3": frozenset({"C4"}),
    "C4": frozenset(),
    "C5": frozenset(),
    "C6": frozenset(),
    "D": frozenset({"E", "F"}),
    "E": frozenset({"F"}),
    "F": frozenset(),
    "M": frozenset(),
    "N": frozenset(),
    "P": frozenset(),
}

# (keywords that must all occur in the vehicle type, the classes any of which may drive it),
# most specific first.
_VEHICLE_RULES: tuple[tuple[tuple[str, ...], frozenset[str]], ...] = (
    (("无轨电车",), frozenset({"N"})),
    (("有轨电车",), frozenset({"P"})),
    (("轻便摩托",), frozenset({"F"})),
    (("三轮摩托",), frozenset({"D"})),
    (("摩托",), frozenset({"E"})),
    (("低速",), frozenset({"C3"})),
    (("三轮汽车",), frozenset({"C4"})),
    (("公交",), frozenset({"A3"})),
    (("轻型", "牵引"), frozenset({"C6"})),
    (("牵引",), frozenset({"A2"})),
    (("挂车",), frozenset({"A2"})),
    (("大型", "客车"), frozenset({"A1"})),
    (("中型", "客车"), frozenset({"B1"})),
    (("重型", "货车"), frozenset({"B2"})),
    (("中型", "货车"), frozenset({"B2"})),
    (("专项作业",), frozenset({"B2"})),
    (("轮式",), frozenset({"M"})),
    (("轻型", "货车"), frozenset({"C1"})),
    (("微型", "货车"), frozenset({"C1"})),
    (("小型",), frozenset({"C1", "C2"})),
    (("微型",), frozenset({"C1", "C2"})),
    (("轿车",), frozenset({"C1", "C2"})),
)


def parse_licence_classes(text: str) -> frozenset[str]:
    """The classes on a licence, e.g. "C1E" or "C1 E" -> {"C1", "E"}; unknown ones raise."""
    compact = re.sub(r"[\s,，、/]+", "", text.upper())
    found = re.findall(r"[A-C][1-6]|[DEFMNP]", compact)
    if not found or "".join(found) != compact:
        raise EstimateInputError(f"licence class {text!r} is not a list of classes like 'C1E'")
    unknown = [c for c in found if c not in LICENCE_CLASSES]
    if unknown:
        raise EstimateInputError(f"licence class {text!r} contains unknown class(es) {unknown}")
    return frozenset(found)


def covered_classes(held: frozenset[str]) -> frozenset[str]:
    """Everything the held classes allow, including what higher classes cover."""
    allowed = set(held)
    for licence_class in held:
        allowed |= ALSO_COVERS[licence_class]
    return frozenset(allowed)


def classes_for_vehicle(vehicle_type: str) -> frozenset[str] | None:
    """The classes any of which may drive this vehicle type, or None if the type is unknown."""
    for keywords, classes in _VEHICLE_RULES:
        if all(k in vehicle_type for k in keywords):
            return classes
    return None


def licence_covers(licence_class: str, vehicle_type: str) -> bool | None:
    """True/False whether the licence class text covers the vehicle type; None if the vehicle
    type is unknown. An unreadable class raises `EstimateInputError` either way."""
    held = parse_licence_classes(licence_class)
    needed = classes_for_vehicle(vehicle_type)
    if needed is None:
        return None
    return bool(covered_classes(held) & needed)
