"""The low–high range of the total: quantiles of the cost distribution the model implies.

Each line's cost is a random variable: the part is damaged at all with its merged part
probability, and if it is, its damage type and severity follow the merged distributions
(treated as independent), each (type, severity) pair costing what its repair rule prices.
The photos' uncertainty score u (0..1) is read as the chance that the model's reading is
uninformative: the line's distribution is the mixture ``(1 - u) * model + u * uninformed``,
where "uninformed" gives even odds that the part is damaged and equal odds to every damage
type and severity. A less sure model therefore gives a wider range; a sure one (u = 0, all
probabilities 0 or 1) gives low = high = the point estimate.

Lines are independent; the total's distribution is sampled with a seeded generator (same
input, same range), each line by inverse CDF over its costs in ascending order, and the low
and high ends are the price book's quantiles (10 % and 90 % by default) of the sampled totals.
"""

from __future__ import annotations

import math
import random
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import accumulate

from autoclaim.data.taxonomy import DAMAGE_TYPES, SEVERITIES
from autoclaim.estimate.costing import to_fen
from autoclaim.estimate.merge import PartEvidence
from autoclaim.estimate.price_book import RangePolicy


def _normalised(probabilities: Sequence[float]) -> list[float]:
    """Scale to sum 1 (uniform when all are zero): damage types are scored multi-label."""
    total = sum(probabilities)
    k = len(probabilities)
    return [p / total for p in probabilities] if total > 0 else [1.0 / k] * k


@dataclass(frozen=True)
class LineOutcomes:
    """A line's possible costs, ascending, with their probabilities (summing to 1)."""

    costs: tuple[Decimal, ...]
    probabilities: tuple[float, ...]

    @property
    def mean(self) -> Decimal:
        return sum(
            (c * Decimal(repr(p)) for c, p in zip(self.costs, self.probabilities, strict=True)),
            Decimal(0),
        )


def line_outcomes(evidence: PartEvidence, cost_of: Callable[[str, str], Decimal]) -> LineOutcomes:
    """The cost distribution of one part; `cost_of(damage_type, severity)` prices a scenario."""
    u = evidence.uncertainty
    types = _normalised([evidence.damage_types[t] for t in DAMAGE_TYPES])
    levels = _normalised([evidence.severity[s] for s in SEVERITIES])
    uninformed = 0.5 / (len(DAMAGE_TYPES) * len(SEVERITIES))
    by_cost: dict[Decimal, float] = {Decimal("0.00"): (1 - u) * (1 - evidence.probability) + u / 2}
    for damage_type, p_type in zip(DAMAGE_TYPES, types, strict=True):
        for severity, p_level in zip(SEVERITIES, levels, strict=True):
            cost = cost_of(damage_type, severity)
            p = (1 - u) * evidence.probability * p_type * p_level + u * uninformed
            by_cost[cost] = by_cost.get(cost, 0.0) + p
    costs = sorted(by_cost)
    return LineOutcomes(tuple(costs), tuple(by_cost[c] for c in costs))


@dataclass(frozen=True)
class CostRange:
    """Low and high ends of the total and its expected value, with how they were computed."""

    low: Decimal
    high: Decimal
    expected: Decimal
    low_quantile: float
    high_quantile: float
    draws: int
    seed: int
    method: str

    def to_dict(self) -> dict[str, object]:
        return {
            "low": str(self.low),
            "high": str(self.high),
            "expected": str(self.expected),
            "low_quantile": self.low_quantile,
            "high_quantile": self.high_quantile,
            "draws": self.draws,
            "seed": self.seed,
            "method": self.method,
        }


def _quantile(sorted_values: Sequence[int], q: float) -> int:
    """Nearest-rank quantile (an actual sampled value, so the result stays in whole fen)."""
    rank = max(1, math.ceil(q * len(sorted_values)))
    return sorted_values[rank - 1]


def cost_range(
    lines: Sequence[LineOutcomes], policy: RangePolicy, point_total: Decimal
) -> CostRange:
    """Sample the total's distribution and take the policy's quantiles.

    The range always contains the point estimate (the most probable reading of each line):
    if a quantile falls on the other side of it, that end is the point estimate.
    """
    method = (
        f"{policy.draws} seeded draws (seed {policy.seed}) of every line's cost from its "
        f"part, damage-type and severity probabilities mixed with an uninformed reading by the "
        f"model's uncertainty; "
        f"low = {policy.low_quantile:.0%} and high = {policy.high_quantile:.0%} quantile"
    )
    if not lines:
        zero = Decimal("0.00")
        return CostRange(
            zero, zero, zero, policy.low_quantile, policy.high_quantile, 0, policy.seed, method
        )
    rng = random.Random(policy.seed)
    tables = [
        ([int(c * 100) for c in line.costs], list(accumulate(line.probabilities))) for line in lines
    ]
    totals: list[int] = []
    for _ in range(policy.draws):
        total = 0
        for fen_costs, cumulative in tables:
            index = bisect_right(cumulative, rng.random() * cumulative[-1])
            total += fen_costs[min(index, len(fen_costs) - 1)]
        totals.append(total)
    totals.sort()
    low = Decimal(_quantile(totals, policy.low_quantile)) / 100
    high = Decimal(_quantile(totals, policy.high_quantile)) / 100
    expected = sum((line.mean for line in lines), Decimal(0))
    return CostRange(
        low=to_fen(min(low, point_total)),
        high=to_fen(max(high, point_total)),
        expected=to_fen(expected),
        low_quantile=policy.low_quantile,
        high_quantile=policy.high_quantile,
        draws=policy.draws,
        seed=policy.seed,
        method=method,
    )
