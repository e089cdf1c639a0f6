"""The low–high range follows model uncertainty, not a fixed percentage."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from autoclaim.estimate.estimate import Estimate, build_estimate
from autoclaim.estimate.inputs import DAMAGE_TYPES, PART_CLASSES, SEVERITIES
from autoclaim.estimate.price_book import default_price_book
from tests.estimate.builders import facts, photo, sure_photo

BOOK = default_price_book()


def _width(estimate: Estimate) -> Decimal:
    return estimate.range.high - estimate.range.low


def _door(severity: dict[str, float], uncertainty: float = 0.0, part: float = 1.0) -> Estimate:
    shot = photo("p1", {"Door": part}, {"dent": 1.0}, severity, uncertainty=uncertainty)
    return build_estimate(facts(), [shot], BOOK)


def test_a_certain_model_gives_a_zero_width_range() -> None:
    estimate = build_estimate(
        facts(),
        [sure_photo("a", "Door", "dent", "moderate"), sure_photo("b", "Light", "broken", "minor")],
        BOOK,
    )
    assert estimate.range.low == estimate.range.high == estimate.total
    assert estimate.range.expected == estimate.total


def test_range_widens_with_the_uncertainty_score() -> None:
    sharp = {"minor": 0.0, "moderate": 1.0, "severe": 0.0}
    widths = [_width(_door(sharp, u)) for u in (0.0, 0.2, 0.5, 0.9)]
    assert widths == sorted(widths)
    assert widths[0] == 0
    assert widths[-1] > widths[1] > 0


def test_range_widens_with_a_flatter_severity_distribution() -> None:
    sure = _door({"minor": 0.0, "moderate": 1.0, "severe": 0.0})
    spread = _door({"minor": 0.25, "moderate": 0.5, "severe": 0.25})
    assert _width(spread) > _width(sure) == 0
    # a minor dent costs what a moderate one does (repair + paint); a severe one is replaced
    assert spread.range.low == spread.total < spread.range.high


def test_an_uncertain_part_can_cost_nothing_at_the_low_end() -> None:
    estimate = _door({"minor": 0.0, "moderate": 1.0, "severe": 0.0}, part=0.6)
    assert estimate.range.low == Decimal("0.00")
    assert estimate.range.high == estimate.total
    assert Decimal(0) < estimate.range.expected < estimate.total


def test_the_range_is_reproducible() -> None:
    severity = {"minor": 0.3, "moderate": 0.4, "severe": 0.3}
    first, second = _door(severity, 0.3), _door(severity, 0.3)
    assert first.range == second.range


@settings(max_examples=60, deadline=None)
@given(
    part=st.sampled_from(PART_CLASSES),
    damage=st.sampled_from(DAMAGE_TYPES),
    severity=st.sampled_from(SEVERITIES),
    u1=st.floats(0.0, 1.0),
    u2=st.floats(0.0, 1.0),
)
def test_property_more_uncertainty_never_narrows_a_sure_reading(
    part: str, damage: str, severity: str, u1: float, u2: float
) -> None:
    low_u, high_u = sorted((u1, u2))
    ranges = [
        build_estimate(
            facts(), [sure_photo("p", part, damage, severity, uncertainty=u)], BOOK
        ).range
        for u in (low_u, high_u)
    ]
    assert ranges[1].low <= ranges[0].low
    assert ranges[1].high >= ranges[0].high


@settings(max_examples=60, deadline=None)
@given(
    parts=st.dictionaries(st.sampled_from(PART_CLASSES), st.floats(0.0, 1.0), min_size=1),
    damage=st.dictionaries(st.sampled_from(DAMAGE_TYPES), st.floats(0.0, 1.0)),
    weights=st.tuples(st.floats(0.0, 1.0), st.floats(0.0, 1.0), st.floats(0.01, 1.0)),
    uncertainty=st.floats(0.0, 1.0),
)
def test_property_range_contains_the_total_and_money_is_in_fen(
    parts: dict[str, float],
    damage: dict[str, float],
    weights: tuple[float, float, float],
    uncertainty: float,
) -> None:
    total_weight = sum(weights)
    severity = {s: w / total_weight for s, w in zip(SEVERITIES, weights, strict=True)}
    shot = photo("p", parts, damage, severity, uncertainty=uncertainty)
    estimate = build_estimate(facts(), [shot], BOOK)
    r = estimate.range
    assert Decimal(0) <= r.low <= estimate.total <= r.high
    assert Decimal(0) <= r.expected
    assert estimate.total == sum((line.total for line in estimate.lines), Decimal(0))
    for amount in (r.low, r.high, r.expected, estimate.total):
        assert amount == amount.quantize(Decimal("0.01"))
