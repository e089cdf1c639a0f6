"""An estimate as the adjuster sees it: the model's figures with overrides applied on top."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from autoclaim.claims.models import Override

MONEY_FIELDS = ("part_cost", "labour_cost", "paint_cost", "total")


def _dec(value: Any) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return Decimal("0")


def apply_overrides(body: dict[str, Any], overrides: Sequence[Override]) -> dict[str, Any]:
    """A copy of the estimate JSON with each override applied in order.

    An overridden line keeps the model's figures under `model`, lists its overrides, and has
    its labour cost (hours × rate) and total (parts + labour + paint) derived again unless the
    adjuster set them. The estimate total is the sum of the effective line totals.
    """
    effective = copy.deepcopy(body)
    lines = {str(line.get("part")): line for line in effective.get("lines", [])}
    for override in overrides:
        line = lines.get(override.line_key)
        if line is None:  # the line vanished in a recompute; the override stays on record
            continue
        line.setdefault("model", {k: v for k, v in line.items() if k not in ("evidence",)})
        line.setdefault("overrides", []).append(override.id)
        changes = dict(override.changes)
        for key, value in changes.items():
            line[key] = str(value) if key in (*MONEY_FIELDS, "labour_hours") else value
        if "labour_hours" in changes and "labour_cost" not in changes and "labour_rate" in line:
            cost = _dec(line["labour_hours"]) * _dec(line["labour_rate"])
            line["labour_cost"] = str(cost.quantize(Decimal("0.01")))
        if "total" not in changes:
            total = sum(
                (_dec(line.get(k, 0)) for k in ("part_cost", "labour_cost", "paint_cost")),
                Decimal("0"),
            )
            line["total"] = str(total.quantize(Decimal("0.01")))
    if overrides and "lines" in effective:
        total = sum((_dec(line.get("total", 0)) for line in effective["lines"]), Decimal("0"))
        effective.setdefault("model_total", body.get("total"))
        effective["total"] = str(total.quantize(Decimal("0.01")))
        effective["adjusted"] = True
    return effective
