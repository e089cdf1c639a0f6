"""The preliminary estimate: one explained line per damaged part, a total and its range.

Each line prices the *most probable* reading of its part (the most probable damage type and
the most probable severity, ties to the costlier reading) through the one repair rule that
reading fires, so every figure on the line traces to a named rule and named price-book
entries that an adjuster can check and override. The other readings are not lost: they
shape the low–high range (see `cost_range`), and the expected value is reported beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from autoclaim.estimate.cost_range import CostRange, LineOutcomes, cost_range, line_outcomes
from autoclaim.estimate.costing import LineCost, price_operations
from autoclaim.estimate.errors import EstimateInputError
from autoclaim.estimate.inputs import ClaimFacts, PhotoEvidence, Region
from autoclaim.estimate.merge import PartEvidence, merge_photos
from autoclaim.estimate.price_book import Operation, PriceBook

_OPERATION_ZH = {"repair": "修复", "replace": "更换", "paint": "喷漆"}
_PART_ZH = {
    "Bonnet": "发动机盖",
    "Bumper": "保险杠",
    "Dickey": "行李箱盖",
    "Door": "车门",
    "Fender": "翼子板",
    "Light": "车灯",
    "Windshield": "挡风玻璃",
}
_DAMAGE_ZH = {"dent": "凹陷", "scratch": "刮擦", "broken": "破损"}
_SEVERITY_ZH = {"minor": "轻度", "moderate": "中度", "severe": "重度"}


@dataclass(frozen=True)
class LineEvidence:
    """Why a line says what it says: the photos, model outputs, rule and price entries."""

    photo_ids: tuple[str, ...]
    photo_part_probabilities: dict[str, float]
    part_probability: float
    damage_type_probabilities: dict[str, float]
    severity_probabilities: dict[str, float]
    uncertainty: float
    regions: dict[str, Region]
    model_versions: tuple[str, ...]
    rule_id: str
    rule_description: str
    price_book_version: str
    price_keys: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "photo_ids": list(self.photo_ids),
            "photo_part_probabilities": dict(self.photo_part_probabilities),
            "part_probability": round(self.part_probability, 4),
            "damage_type_probabilities": {
                k: round(v, 4) for k, v in self.damage_type_probabilities.items()
            },
            "severity_probabilities": {
                k: round(v, 4) for k, v in self.severity_probabilities.items()
            },
            "uncertainty": round(self.uncertainty, 4),
            "regions": {k: list(v) for k, v in self.regions.items()},
            "model_versions": list(self.model_versions),
            "rule_id": self.rule_id,
            "rule_description": self.rule_description,
            "price_book_version": self.price_book_version,
            "price_keys": list(self.price_keys),
        }


@dataclass(frozen=True)
class EstimateLine:
    """One damaged part: what is done to it and what that costs (CNY, to the fen)."""

    part: str
    damage_type: str
    severity: str
    operations: tuple[Operation, ...]
    part_cost: Decimal
    labour_hours: Decimal
    labour_rate: Decimal
    labour_cost: Decimal
    paint_cost: Decimal
    total: Decimal
    explanation: str
    explanation_zh: str
    evidence: LineEvidence

    def to_dict(self) -> dict[str, object]:
        return {
            "part": self.part,
            "damage_type": self.damage_type,
            "severity": self.severity,
            "operations": list(self.operations),
            "part_cost": str(self.part_cost),
            "labour_hours": str(self.labour_hours),
            "labour_rate": str(self.labour_rate),
            "labour_cost": str(self.labour_cost),
            "paint_cost": str(self.paint_cost),
            "total": str(self.total),
            "explanation": self.explanation,
            "explanation_zh": self.explanation_zh,
            "evidence": self.evidence.to_dict(),
        }


@dataclass(frozen=True)
class Estimate:
    """The preliminary estimate of a claim; `notice` says when the prices are illustrative."""

    claim_id: str
    price_book_version: str
    currency: str
    illustrative: bool
    notice: str
    vehicle_class: str
    region: str
    labour_rate: Decimal
    lines: tuple[EstimateLine, ...]
    total: Decimal
    range: CostRange
    notes: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "claim_id": self.claim_id,
            "price_book_version": self.price_book_version,
            "currency": self.currency,
            "illustrative": self.illustrative,
            "notice": self.notice,
            "vehicle_class": self.vehicle_class,
            "region": self.region,
            "labour_rate": str(self.labour_rate),
            "lines": [line.to_dict() for line in self.lines],
            "total": str(self.total),
            "range": self.range.to_dict(),
            "notes": list(self.notes),
        }


def _explain(
    part: PartEvidence, damage: str, severity: str, rule_id: str, cost: LineCost
) -> tuple[str, str]:
    ops = " + ".join(cost.operations) or "no work"
    views = len(part.photo_probabilities)
    en = (
        f"{part.part} damaged ({part.probability:.0%} likely, {views} photo"
        f"{'s' if views != 1 else ''}); most likely {damage} "
        f"({part.damage_types[damage]:.0%}), {severity} ({part.severity[severity]:.0%}): "
        f"rule {rule_id} -> {ops}. Parts {cost.part_cost} + labour {cost.labour_hours} h x "
        f"{cost.labour_rate} = {cost.labour_cost} + paint {cost.paint_cost} = "
        f"{cost.total} CNY."
    )
    ops_zh = "+".join(_OPERATION_ZH[o] for o in cost.operations) or "无需作业"
    zh = (
        f"{_PART_ZH[part.part]}受损（可能性 {part.probability:.0%}，{views} 张照片），"
        f"最可能为{_SEVERITY_ZH[severity]}{_DAMAGE_ZH[damage]}：规则 {rule_id}，{ops_zh}。"
        f"配件 {cost.part_cost} + 工时 {cost.labour_hours} 小时 × {cost.labour_rate} = "
        f"{cost.labour_cost} + 喷漆 {cost.paint_cost}，合计 {cost.total} 元。"
    )
    return en, zh


def build_estimate(facts: ClaimFacts, photos: Sequence[PhotoEvidence], book: PriceBook) -> Estimate:
    """Price the damaged parts found in `photos` for the claim's vehicle class and region."""
    ids = [photo.photo_id for photo in photos]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise EstimateInputError(f"photo ids must be unique; repeated: {repeated}")
    vehicle_class = book.resolve_vehicle_class(facts.vehicle_class)
    region = book.resolve_region(facts.region)
    notes: list[str] = []
    if book.illustrative:
        notes.append(book.notice)
    if facts.vehicle_class is None:
        notes.append(f"vehicle class unknown: priced as {vehicle_class!r}, the book's default")
    if facts.region is not None and region != facts.region.strip().lower():
        notes.append(f"region {facts.region!r} not in the price book: default labour rate used")

    def cost_of(part: str, damage_type: str, severity: str) -> LineCost:
        rule = book.rule_for(part, damage_type, severity)
        return price_operations(book, part, rule.operations, vehicle_class, region)

    def scenario_total(part: str, damage_type: str, severity: str) -> Decimal:
        return cost_of(part, damage_type, severity).total

    lines: list[EstimateLine] = []
    outcomes: list[LineOutcomes] = []
    for part in merge_photos(photos):
        damage, severity = part.likely_damage_type, part.likely_severity
        rule = book.rule_for(part.part, damage, severity)
        cost = cost_of(part.part, damage, severity)
        notes.extend(cost.notes)
        en, zh = _explain(part, damage, severity, rule.id, cost)
        lines.append(
            EstimateLine(
                part=part.part,
                damage_type=damage,
                severity=severity,
                operations=cost.operations,
                part_cost=cost.part_cost,
                labour_hours=cost.labour_hours,
                labour_rate=cost.labour_rate,
                labour_cost=cost.labour_cost,
                paint_cost=cost.paint_cost,
                total=cost.total,
                explanation=en,
                explanation_zh=zh,
                evidence=LineEvidence(
                    photo_ids=part.photo_ids,
                    photo_part_probabilities=part.photo_probabilities,
                    part_probability=part.probability,
                    damage_type_probabilities=part.damage_types,
                    severity_probabilities=part.severity,
                    uncertainty=part.uncertainty,
                    regions=part.regions,
                    model_versions=part.model_versions,
                    rule_id=rule.id,
                    rule_description=rule.description,
                    price_book_version=book.version,
                    price_keys=cost.price_keys,
                ),
            )
        )
        outcomes.append(line_outcomes(part, partial(scenario_total, part.part)))
    total = sum((line.total for line in lines), Decimal("0.00"))
    return Estimate(
        claim_id=facts.claim_id,
        price_book_version=book.version,
        currency=book.currency,
        illustrative=book.illustrative,
        notice=book.notice,
        vehicle_class=vehicle_class,
        region=region,
        labour_rate=book.labour_rates[region],
        lines=tuple(lines),
        total=total,
        range=cost_range(outcomes, book.range, total),
        notes=tuple(dict.fromkeys(notes)),
    )
