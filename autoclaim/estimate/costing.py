"""Price one part's operations from the price book (money in Decimal CNY, rounded to fen)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from autoclaim.estimate.price_book import Operation, PriceBook

FEN = Decimal("0.01")


def to_fen(amount: Decimal) -> Decimal:
    """Round money to the fen (0.01 CNY), halves away from zero as on invoices."""
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class LineCost:
    """The cost parts of one line and the price-book keys they came from."""

    operations: tuple[Operation, ...]
    part_cost: Decimal
    labour_hours: Decimal
    labour_rate: Decimal
    labour_cost: Decimal
    paint_cost: Decimal
    price_keys: tuple[str, ...]
    notes: tuple[str, ...]

    @property
    def total(self) -> Decimal:
        return self.part_cost + self.labour_cost + self.paint_cost


def price_operations(
    book: PriceBook,
    part: str,
    operations: Sequence[Operation],
    vehicle_class: str,
    region_key: str,
) -> LineCost:
    """Cost of `operations` on `part`; paint is dropped for parts the book does not paint
    (glass, lamps), with a note saying so. `vehicle_class` and `region_key` must already be
    resolved by the book (`resolve_vehicle_class`, `resolve_region`)."""
    notes: list[str] = []
    applied: list[Operation] = []
    for op in operations:
        if op == "paint" and part not in book.paintable_parts:
            notes.append(f"{part} is not painted (not a paintable panel in the price book)")
            continue
        applied.append(op)
    rate = book.labour_rates[region_key]
    keys: list[str] = [f"labour_rates.{region_key}"]
    part_cost = Decimal(0)
    paint_cost = Decimal(0)
    hours = Decimal(0)
    for op in applied:
        hours += book.labour_hours[part][op]
        keys.append(f"labour_hours.{part}.{op}")
        if op == "replace":
            part_cost = book.part_prices[part][vehicle_class]
            keys.append(f"parts.{part}.{vehicle_class}")
        elif op == "paint":
            paint_cost = book.paint_per_panel[vehicle_class]
            keys.append(f"paint_per_panel.{vehicle_class}")
    return LineCost(
        operations=tuple(applied),
        part_cost=to_fen(part_cost),
        labour_hours=hours,
        labour_rate=rate,
        labour_cost=to_fen(hours * rate),
        paint_cost=to_fen(paint_cost),
        price_keys=tuple(keys),
        notes=tuple(notes),
    )
