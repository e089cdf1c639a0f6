"""The price book loads, validates on load and names the bad row or key."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from autoclaim.config import Settings
from autoclaim.estimate.errors import PriceBookError, UnknownVehicleClassError
from autoclaim.estimate.price_book import (
    configured_price_book,
    default_price_book,
    load_price_book,
    parse_price_book,
)

DEFAULT_FILE = (
    Path(__file__).resolve().parents[2] / "autoclaim/estimate/pricebooks/default-2026.1.json"
)


def _raw() -> dict[str, Any]:
    return json.loads(DEFAULT_FILE.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_default_book_is_versioned_and_says_it_is_illustrative() -> None:
    book = default_price_book()
    assert book.version == "default-2026.1"
    assert book.illustrative
    assert "ILLUSTRATIVE" in book.notice
    assert book.part_prices["Door"]["premium"] == Decimal("5200.00")
    assert book.rule_for("Windshield", "broken", "minor").id == "R-GLASS-BROKEN"
    assert book.rule_for("Door", "broken", "minor").id == "R-BROKEN-MINOR"


def test_region_and_vehicle_class_resolution() -> None:
    book = default_price_book()
    assert book.resolve_region("Shanghai") == "shanghai"
    assert book.resolve_region("atlantis") == "default"
    assert book.resolve_region("上海") == book.resolve_region("沪") == "shanghai"
    assert book.resolve_region(None) == "default"
    assert book.resolve_vehicle_class(None) == "midsize"
    with pytest.raises(UnknownVehicleClassError, match="'limousine'"):
        book.resolve_vehicle_class("limousine")


def _mutate_parts_price(raw: dict[str, Any]) -> None:
    raw["parts"]["Door"]["premium"] = "-5"


def _drop_default_rate(raw: dict[str, Any]) -> None:
    del raw["labour_rates"]["default"]


def _bad_rate(raw: dict[str, Any]) -> None:
    raw["labour_rates"]["beijing"] = "a lot"


def _unknown_part(raw: dict[str, Any]) -> None:
    raw["parts"]["Roof"] = raw["parts"]["Door"]


def _missing_class_price(raw: dict[str, Any]) -> None:
    del raw["parts"]["Fender"]["suv"]


def _bad_operation(raw: dict[str, Any]) -> None:
    raw["rules"][4]["operations"] = ["repair", "polish"]


def _repair_and_replace(raw: dict[str, Any]) -> None:
    raw["rules"][5]["operations"] = ["repair", "replace"]


def _coverage_gap(raw: dict[str, Any]) -> None:
    raw["rules"] = [r for r in raw["rules"] if r["id"] != "R-SCRATCH-SEVERE"]


def _duplicate_rule(raw: dict[str, Any]) -> None:
    raw["rules"].append(copy.deepcopy(raw["rules"][0]))


def _bad_threshold(raw: dict[str, Any]) -> None:
    raw["fast_track"]["min_part_probability"] = 1.5


def _illustrative_without_notice(raw: dict[str, Any]) -> None:
    raw["notice"] = ""


def _alias_to_unknown_region(raw: dict[str, Any]) -> None:
    raw["region_aliases"]["拉萨"] = "lhasa"


def _default_class_unknown(raw: dict[str, Any]) -> None:
    raw["default_vehicle_class"] = "truck"


@pytest.mark.parametrize(
    ("mutate", "location", "problem"),
    [
        (_mutate_parts_price, "parts.Door.premium", ">= 0"),
        (_drop_default_rate, "labour_rates.default", "missing"),
        (_bad_rate, "labour_rates.beijing", "not a number"),
        (_unknown_part, "parts.Roof", "unknown part class"),
        (_missing_class_price, "parts.Fender.suv", "missing"),
        (_bad_operation, "rules[4] (R-DENT-MODERATE).operations", "'polish'"),
        (_repair_and_replace, "rules[5] (R-DENT-SEVERE).operations", "both repair and replace"),
        (_coverage_gap, "rules", "Bonnet, damage scratch, severity severe"),
        (_duplicate_rule, "rules[12] (R-GLASS-BROKEN).id", "duplicate"),
        (_bad_threshold, "fast_track.min_part_probability", "1.5"),
        (_illustrative_without_notice, "notice", "must say so"),
        (_default_class_unknown, "default_vehicle_class", "'truck'"),
        (_alias_to_unknown_region, "region_aliases.拉萨", "'lhasa'"),
    ],
)
def test_validation_names_the_bad_row(mutate: Any, location: str, problem: str) -> None:
    raw = _raw()
    mutate(raw)
    with pytest.raises(PriceBookError, match=problem) as caught:
        parse_price_book(raw, "insurer.json")
    assert caught.value.location == location
    assert location in str(caught.value)
    assert "insurer.json" in str(caught.value)


def test_insurer_book_loads_from_json_and_toml_path(tmp_path: Path) -> None:
    raw = _raw()
    raw["version"] = "acme-2026.2"
    raw["illustrative"] = False
    raw["labour_rates"]["default"] = "150.00"
    json_path = tmp_path / "acme.json"
    json_path.write_text(json.dumps(raw), encoding="utf-8")
    book = load_price_book(json_path)
    assert (book.version, book.labour_rates["default"]) == ("acme-2026.2", Decimal("150.00"))

    toml_path = tmp_path / "tiny.toml"
    toml_path.write_text('version = "x"\n', encoding="utf-8")
    with pytest.raises(PriceBookError, match="currency"):
        load_price_book(toml_path)

    settings = Settings(price_book=json_path)
    assert configured_price_book(settings.price_book).version == "acme-2026.2"
    assert configured_price_book(None).version == "default-2026.1"


def test_unreadable_or_malformed_files_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(PriceBookError, match="cannot be read"):
        load_price_book(tmp_path / "absent.json")
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(PriceBookError, match="not valid json"):
        load_price_book(broken)
    listed = tmp_path / "list.json"
    listed.write_text("[]", encoding="utf-8")
    with pytest.raises(PriceBookError, match="top level"):
        load_price_book(listed)
