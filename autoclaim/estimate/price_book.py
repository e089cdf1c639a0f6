"""The versioned price book: parts prices, labour rates and hours, paint, repair rules, policy.

A price book is a JSON or TOML file (the shipped default is
`pricebooks/default-2026.1.json`, whose figures are illustrative). It is validated as a whole
on load; every problem raises `PriceBookError` whose `location` names the bad row or key
(e.g. ``parts.Door.premium`` or ``rules[3] (R-DENT-SEVERE).operations``).
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Literal, cast, get_args

from autoclaim.data.taxonomy import DAMAGE_TYPES, SEVERITIES
from autoclaim.data.taxonomy import PARTS as PART_CLASSES
from autoclaim.estimate.errors import PriceBookError, UnknownVehicleClassError

Operation = Literal["repair", "replace", "paint"]
OPERATIONS: tuple[str, ...] = get_args(Operation)

DEFAULT_PRICE_BOOK = "default-2026.1.json"
DEFAULT_REGION = "default"


@dataclass(frozen=True)
class RepairRule:
    """Which operations a damage type at a severity calls for (on the listed parts)."""

    id: str
    parts: frozenset[str]
    damage_types: frozenset[str]
    severities: frozenset[str]
    operations: tuple[Operation, ...]
    description: str

    def matches(self, part: str, damage_type: str, severity: str) -> bool:
        return (
            part in self.parts and damage_type in self.damage_types and severity in self.severities
        )


@dataclass(frozen=True)
class FastTrackPolicy:
    """Limits a claim must stay within for 小额快赔 straight-through handling."""

    max_amount: Decimal
    min_part_probability: float
    min_damage_probability: float
    max_uncertainty: float


@dataclass(frozen=True)
class CheckPolicy:
    """Tolerances of the consistency and risk checks."""

    duplicate_photo_max_distance: int
    photo_max_hours_after_report: float
    photo_max_hours_before_accident: float
    invoice_max_relative_deviation: float


@dataclass(frozen=True)
class RangePolicy:
    """How the low–high range is computed: quantiles of a seeded simulation."""

    low_quantile: float
    high_quantile: float
    draws: int
    seed: int


@dataclass(frozen=True)
class PriceBook:
    """A validated price book; money in `Decimal` CNY, hours in `Decimal`."""

    version: str
    currency: str
    illustrative: bool
    notice: str
    source: str
    vehicle_classes: tuple[str, ...]
    default_vehicle_class: str
    part_prices: Mapping[str, Mapping[str, Decimal]]
    paint_per_panel: Mapping[str, Decimal]
    paintable_parts: frozenset[str]
    labour_rates: Mapping[str, Decimal]
    region_aliases: Mapping[str, str]
    labour_hours: Mapping[str, Mapping[str, Decimal]]
    rules: tuple[RepairRule, ...]
    fast_track: FastTrackPolicy
    checks: CheckPolicy
    range: RangePolicy

    def rule_for(self, part: str, damage_type: str, severity: str) -> RepairRule:
        """The first rule matching; validation guarantees one exists for every combination."""
        for rule in self.rules:
            if rule.matches(part, damage_type, severity):
                return rule
        raise PriceBookError(
            "rules", f"no rule for part {part}, damage {damage_type}, severity {severity}"
        )

    def resolve_vehicle_class(self, vehicle_class: str | None) -> str:
        """The price class to use: the claim's, or the book's default when it has none."""
        if vehicle_class is None:
            return self.default_vehicle_class
        if vehicle_class not in self.vehicle_classes:
            raise UnknownVehicleClassError(
                f"vehicle class {vehicle_class!r} is not in price book {self.version} "
                f"(known: {', '.join(self.vehicle_classes)})"
            )
        return vehicle_class

    def resolve_region(self, region: str | None) -> str:
        """The labour-rate key: the region (or its alias, e.g. "上海") if the book prices it,
        else "default"."""
        key = (region or "").strip().lower()
        key = self.region_aliases.get(key, key)
        return key if key in self.labour_rates else DEFAULT_REGION


class _Parser:
    """Walks the raw mapping, raising `PriceBookError` with the dotted location of a fault."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, location: str, problem: str) -> PriceBookError:
        return PriceBookError(location, problem, self.source)

    def mapping(self, data: Mapping[str, object], key: str, where: str) -> Mapping[str, object]:
        location = f"{where}.{key}" if where else key
        if key not in data:
            raise self.fail(location, "is missing")
        value = data[key]
        if not isinstance(value, Mapping):
            raise self.fail(location, f"must be a table/object, got {type(value).__name__}")
        return cast(Mapping[str, object], value)

    def string(self, data: Mapping[str, object], key: str, where: str) -> str:
        location = f"{where}.{key}" if where else key
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(location, f"must be a non-empty string, got {value!r}")
        return value

    def string_list(
        self, data: Mapping[str, object], key: str, where: str, allowed: tuple[str, ...]
    ) -> tuple[str, ...]:
        location = f"{where}.{key}" if where else key
        value = data.get(key)
        if not isinstance(value, list) or not value:
            raise self.fail(location, f"must be a non-empty list, got {value!r}")
        for item in value:
            if item not in allowed:
                raise self.fail(location, f"unknown value {item!r} (allowed: {', '.join(allowed)})")
        if len(set(value)) != len(value):
            raise self.fail(location, f"repeats a value: {value}")
        return tuple(cast(list[str], value))

    def decimal(self, value: object, location: str) -> Decimal:
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise self.fail(location, f"must be a number or numeric string, got {value!r}")
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            raise self.fail(location, f"{value!r} is not a number") from None
        if not number.is_finite() or number < 0:
            raise self.fail(location, f"must be a finite number >= 0, got {value!r}")
        return number

    def number(
        self, data: Mapping[str, object], key: str, where: str, low: float, high: float
    ) -> float:
        location = f"{where}.{key}"
        value = data.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(location, f"must be a number, got {value!r}")
        if not low <= float(value) <= high:
            raise self.fail(location, f"must lie in [{low}, {high}], got {value!r}")
        return float(value)

    def table(
        self,
        data: Mapping[str, object],
        key: str,
        rows: tuple[str, ...],
        where: str = "",
    ) -> dict[str, Decimal]:
        """A mapping that must hold exactly `rows`, each a non-negative amount."""
        raw = self.mapping(data, key, where)
        location = f"{where}.{key}" if where else key
        for row in raw:
            if row not in rows:
                raise self.fail(f"{location}.{row}", f"unknown key (allowed: {', '.join(rows)})")
        table: dict[str, Decimal] = {}
        for row in rows:
            if row not in raw:
                raise self.fail(f"{location}.{row}", "is missing")
            table[row] = self.decimal(raw[row], f"{location}.{row}")
        return table


def parse_price_book(data: Mapping[str, object], source: str = "<memory>") -> PriceBook:
    """Validate a raw price book mapping (as read from JSON or TOML) into a `PriceBook`."""
    p = _Parser(source)
    version = p.string(data, "version", "")
    currency = p.string(data, "currency", "")
    illustrative = data.get("illustrative", False)
    if not isinstance(illustrative, bool):
        raise p.fail("illustrative", f"must be true or false, got {illustrative!r}")
    notice = str(data.get("notice", ""))
    if illustrative and not notice.strip():
        raise p.fail("notice", "an illustrative price book must say so in its notice")

    raw_classes = data.get("vehicle_classes")
    if (
        not isinstance(raw_classes, list)
        or not raw_classes
        or not all(isinstance(c, str) and c for c in raw_classes)
    ):
        raise p.fail("vehicle_classes", f"must be a non-empty list of names, got {raw_classes!r}")
    if len(set(raw_classes)) != len(raw_classes):
        raise p.fail("vehicle_classes", f"repeats a class: {raw_classes}")
    classes = tuple(cast(list[str], raw_classes))
    default_class = p.string(data, "default_vehicle_class", "")
    if default_class not in classes:
        raise p.fail("default_vehicle_class", f"{default_class!r} is not in vehicle_classes")

    parts_raw = p.mapping(data, "parts", "")
    for part in parts_raw:
        if part not in PART_CLASSES:
            raise p.fail(f"parts.{part}", f"unknown part class (known: {', '.join(PART_CLASSES)})")
    part_prices = {part: p.table(parts_raw, part, classes, "parts") for part in PART_CLASSES}
    paint_per_panel = p.table(data, "paint_per_panel", classes)
    paintable = frozenset(p.string_list(data, "paintable_parts", "", PART_CLASSES))

    rates_raw = p.mapping(data, "labour_rates", "")
    if DEFAULT_REGION not in rates_raw:
        raise p.fail(f"labour_rates.{DEFAULT_REGION}", "is missing (the rate for other regions)")
    labour_rates = {
        str(region).lower(): p.decimal(rate, f"labour_rates.{region}")
        for region, rate in rates_raw.items()
    }
    aliases_raw = data.get("region_aliases", {})
    if not isinstance(aliases_raw, Mapping):
        raise p.fail("region_aliases", "must be a table/object of alias -> region")
    region_aliases: dict[str, str] = {}
    for alias, target in aliases_raw.items():
        if not isinstance(target, str) or target.lower() not in labour_rates:
            raise p.fail(f"region_aliases.{alias}", f"{target!r} is not a region in labour_rates")
        region_aliases[str(alias).strip().lower()] = target.lower()
    hours_raw = p.mapping(data, "labour_hours", "")
    for part in hours_raw:
        if part not in PART_CLASSES:
            raise p.fail(f"labour_hours.{part}", "unknown part class")
    labour_hours = {
        part: p.table(hours_raw, part, OPERATIONS, "labour_hours") for part in PART_CLASSES
    }

    rules = _parse_rules(p, data)
    fast = p.mapping(data, "fast_track", "")
    fast_track = FastTrackPolicy(
        max_amount=p.decimal(fast.get("max_amount"), "fast_track.max_amount"),
        min_part_probability=p.number(fast, "min_part_probability", "fast_track", 0.0, 1.0),
        min_damage_probability=p.number(fast, "min_damage_probability", "fast_track", 0.0, 1.0),
        max_uncertainty=p.number(fast, "max_uncertainty", "fast_track", 0.0, 1.0),
    )
    chk = p.mapping(data, "checks", "")
    checks = CheckPolicy(
        duplicate_photo_max_distance=int(
            p.number(chk, "duplicate_photo_max_distance", "checks", 0, 64)
        ),
        photo_max_hours_after_report=p.number(
            chk, "photo_max_hours_after_report", "checks", 0, 1e6
        ),
        photo_max_hours_before_accident=p.number(
            chk, "photo_max_hours_before_accident", "checks", 0, 1e6
        ),
        invoice_max_relative_deviation=p.number(
            chk, "invoice_max_relative_deviation", "checks", 0, 1e6
        ),
    )
    rng = p.mapping(data, "range", "")
    range_policy = RangePolicy(
        low_quantile=p.number(rng, "low_quantile", "range", 0.0, 0.5),
        high_quantile=p.number(rng, "high_quantile", "range", 0.5, 1.0),
        draws=int(p.number(rng, "draws", "range", 100, 1_000_000)),
        seed=int(p.number(rng, "seed", "range", 0, 2**63)),
    )
    return PriceBook(
        version=version,
        currency=currency,
        illustrative=illustrative,
        notice=notice,
        source=source,
        vehicle_classes=classes,
        default_vehicle_class=default_class,
        part_prices=part_prices,
        paint_per_panel=paint_per_panel,
        paintable_parts=paintable,
        labour_rates=labour_rates,
        region_aliases=region_aliases,
        labour_hours=labour_hours,
        rules=rules,
        fast_track=fast_track,
        checks=checks,
        range=range_policy,
    )


def _parse_rules(p: _Parser, data: Mapping[str, object]) -> tuple[RepairRule, ...]:
    raw = data.get("rules")
    if not isinstance(raw, list) or not raw:
        raise p.fail("rules", "must be a non-empty list")
    rules: list[RepairRule] = []
    seen: set[str] = set()
    for index, item in enumerate(raw):
        if not isinstance(item, Mapping):
            raise p.fail(f"rules[{index}]", "must be a table/object")
        entry = cast(Mapping[str, object], item)
        rule_id = entry.get("id")
        where = f"rules[{index}] ({rule_id})" if isinstance(rule_id, str) else f"rules[{index}]"
        rule_id = p.string(entry, "id", where)
        if rule_id in seen:
            raise p.fail(f"{where}.id", f"duplicate rule id {rule_id!r}")
        seen.add(rule_id)
        parts = (
            p.string_list(entry, "parts", where, PART_CLASSES) if "parts" in entry else PART_CLASSES
        )
        operations = cast(
            tuple[Operation, ...], p.string_list(entry, "operations", where, OPERATIONS)
        )
        if "repair" in operations and "replace" in operations:
            raise p.fail(f"{where}.operations", "cannot both repair and replace a part")
        rules.append(
            RepairRule(
                id=rule_id,
                parts=frozenset(parts),
                damage_types=frozenset(p.string_list(entry, "damage_types", where, DAMAGE_TYPES)),
                severities=frozenset(p.string_list(entry, "severities", where, SEVERITIES)),
                operations=operations,
                description=str(entry.get("description", "")),
            )
        )
    for part in PART_CLASSES:
        for damage_type in DAMAGE_TYPES:
            for severity in SEVERITIES:
                if not any(r.matches(part, damage_type, severity) for r in rules):
                    raise p.fail(
                        "rules",
                        f"no rule covers part {part}, damage {damage_type}, severity {severity}",
                    )
    return tuple(rules)


def load_price_book(path: Path | str) -> PriceBook:
    """Read and validate a price book file (``.json`` or ``.toml``)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PriceBookError("<file>", f"cannot be read: {exc.strerror}", str(path)) from exc
    try:
        if path.suffix.lower() == ".toml":
            data: object = tomllib.loads(text)
        else:
            data = json.loads(text)
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
        raise PriceBookError("<file>", f"is not valid {path.suffix[1:]}: {exc}", str(path)) from exc
    if not isinstance(data, Mapping):
        raise PriceBookError("<file>", "top level must be an object/table", str(path))
    return parse_price_book(cast(Mapping[str, object], data), str(path))


@lru_cache(maxsize=1)
def default_price_book() -> PriceBook:
    """The shipped illustrative price book (read once)."""
    resource = resources.files("autoclaim.estimate") / "pricebooks" / DEFAULT_PRICE_BOOK
    with resources.as_file(resource) as path:
        return load_price_book(path)


def configured_price_book(path: Path | str | None = None) -> PriceBook:
    """The insurer's book when a path is given (`AUTOCLAIM_PRICE_BOOK`), else the default."""
    return load_price_book(path) if path is not None else default_price_book()
