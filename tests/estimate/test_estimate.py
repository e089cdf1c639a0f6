"""Estimate lines price the fired rule from the price book and carry their evidence."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from autoclaim.estimate.errors import EstimateInputError, UnknownVehicleClassError
from autoclaim.estimate.estimate import build_estimate
from autoclaim.estimate.price_book import default_price_book, parse_price_book
from tests.estimate.builders import facts, photo, sure_photo
from tests.estimate.test_price_book import DEFAULT_FILE

BOOK = default_price_book()


def test_moderate_dent_on_a_door_is_repaired_and_painted() -> None:
    estimate = build_estimate(facts(), [sure_photo("p1", "Door", "dent", "moderate")], BOOK)
    (line,) = estimate.lines
    assert (line.part, line.operations) == ("Door", ("repair", "paint"))
    # economy class, Shanghai 160/h: (3.0 + 3.0) h = 960.00, paint 300.00
    assert line.labour_hours == Decimal("6.0")
    assert (line.part_cost, line.labour_cost, line.paint_cost) == (
        Decimal("0.00"),
        Decimal("960.00"),
        Decimal("300.00"),
    )
    assert line.total == estimate.total == Decimal("1260.00")
    assert line.evidence.rule_id == "R-DENT-MODERATE"
    assert line.evidence.price_book_version == "default-2026.1"
    assert "paint_per_panel.economy" in line.evidence.price_keys
    assert line.evidence.photo_ids == ("p1",)


def test_severe_dent_replaces_the_part_at_the_vehicle_class_price() -> None:
    estimate = build_estimate(
        facts(vehicle_class="premium"), [sure_photo("p1", "Door", "dent", "severe")], BOOK
    )
    (line,) = estimate.lines
    assert line.operations == ("replace", "paint")
    assert line.part_cost == Decimal("5200.00")
    assert line.labour_cost == Decimal("880.00")  # (2.5 + 3.0) h x 160
    assert line.paint_cost == Decimal("750.00")
    assert "parts.Door.premium" in line.evidence.price_keys


def test_glass_is_never_painted_and_unknown_region_uses_default_rate() -> None:
    estimate = build_estimate(
        facts(region="atlantis"), [sure_photo("p1", "Windshield", "broken", "moderate")], BOOK
    )
    (line,) = estimate.lines
    assert line.operations == ("replace",)
    assert line.labour_rate == Decimal("100.00")
    assert line.total == Decimal("1000.00")  # 800 + 2.0 h x 100
    assert any("atlantis" in note for note in estimate.notes)


def test_money_is_rounded_to_fen_half_up() -> None:
    raw = json.loads(DEFAULT_FILE.read_text(encoding="utf-8"))
    raw["labour_rates"]["default"] = "133.33"
    book = parse_price_book(raw)
    estimate = build_estimate(
        facts(region=None), [sure_photo("p1", "Bumper", "dent", "minor")], book
    )
    # (2.0 repair + 2.5 paint) h x 133.33 = 599.985 -> 599.99
    assert estimate.lines[0].labour_cost == Decimal("599.99")
    assert estimate.total == Decimal("899.99")
    assert estimate.total.as_tuple().exponent == -2


def test_photos_of_the_same_part_make_one_line() -> None:
    sev = {"minor": 0.1, "moderate": 0.8, "severe": 0.1}
    estimate = build_estimate(
        facts(),
        [
            photo("a", {"Bumper": 0.7}, {"scratch": 0.9}, sev),
            photo("b", {"Bumper": 0.9, "Light": 0.6}, {"scratch": 0.8}, sev),
        ],
        BOOK,
    )
    assert [line.part for line in estimate.lines] == ["Bumper", "Light"]
    bumper = estimate.lines[0]
    assert bumper.evidence.photo_ids == ("a", "b")
    assert bumper.evidence.part_probability == pytest.approx(0.97)
    assert bumper.evidence.rule_id == "R-SCRATCH-MODERATE"
    assert estimate.total == sum(line.total for line in estimate.lines)


def test_output_is_json_serialisable_and_says_prices_are_illustrative() -> None:
    estimate = build_estimate(facts(), [sure_photo("p1", "Door", "dent", "minor")], BOOK)
    data = json.loads(json.dumps(estimate.to_dict(), ensure_ascii=False))
    assert data["illustrative"] is True
    assert "ILLUSTRATIVE" in data["notice"]
    assert any("ILLUSTRATIVE" in note for note in data["notes"])
    assert data["lines"][0]["total"] == "1260.00"  # (3.0 + 3.0) h x 160 + 300 paint
    assert data["lines"][0]["explanation_zh"].startswith("车门")


def test_no_photos_no_lines() -> None:
    estimate = build_estimate(facts(), [], BOOK)
    assert estimate.lines == ()
    assert estimate.total == estimate.range.low == estimate.range.high == Decimal("0.00")


def test_bad_inputs_are_clear_errors() -> None:
    shot = sure_photo("p1", "Door", "dent", "minor")
    with pytest.raises(EstimateInputError, match="p1"):
        build_estimate(facts(), [shot, shot], BOOK)
    with pytest.raises(UnknownVehicleClassError, match="'tractor'"):
        build_estimate(facts(vehicle_class="tractor"), [shot], BOOK)
