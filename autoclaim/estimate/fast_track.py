"""The fast-track (小额快赔) decision: may a claim be settled straight through?

A claim is eligible only when every condition holds; the decision lists every condition that
failed (`reasons`) and every one that held (`passed`), so the claimant and the adjuster see
why. Conditions:

- no injury reported (injury claims always go to a person);
- damage was found, and the top of the estimate's range is within the book's
  ``fast_track.max_amount`` (the high end, so model uncertainty cannot slip a large claim
  through);
- every line is confident: merged part probability >= ``min_part_probability``, its damage
  type's probability >= ``min_damage_probability``, uncertainty <= ``max_uncertainty``;
- no photo carries a quality warning;
- the stage's materials are all in, and no document is inconsistent;
- no risk flag of severity ``warning`` or ``high``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from autoclaim.estimate.checks import Flag
from autoclaim.estimate.estimate import Estimate
from autoclaim.estimate.inputs import ClaimFacts, PhotoEvidence
from autoclaim.estimate.price_book import PriceBook

DOCUMENT_FLAGS = ("materials_missing", "document_inconsistent", "plate_mismatch", "vin_mismatch")


@dataclass(frozen=True)
class Reason:
    """One condition of the decision, in plain words (English and Chinese)."""

    code: str
    message: str
    message_zh: str
    evidence: dict[str, object] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "message": self.message,
            "message_zh": self.message_zh,
            "evidence": self.evidence,
        }


@dataclass(frozen=True)
class FastTrackDecision:
    """Eligible or not; `reasons` are the failed conditions, `passed` the ones that held."""

    eligible: bool
    reasons: tuple[Reason, ...]
    passed: tuple[Reason, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "eligible": self.eligible,
            "reasons": [r.to_dict() for r in self.reasons],
            "passed": [r.to_dict() for r in self.passed],
        }


def decide_fast_track(
    facts: ClaimFacts,
    photos: Sequence[PhotoEvidence],
    estimate: Estimate,
    flags: Sequence[Flag],
    book: PriceBook,
) -> FastTrackDecision:
    """Decide 小额快赔 eligibility with every reason (see the module docstring)."""
    policy = book.fast_track
    failed: list[Reason] = []
    passed: list[Reason] = []

    if facts.injury:
        failed.append(
            Reason(
                "injury_reported",
                "An injury was reported: injury claims are always handled by a person.",
                "报案涉及人伤，须人工处理。",
            )
        )
    else:
        passed.append(Reason("no_injury", "No injury was reported.", "无人伤。"))

    if not estimate.lines:
        failed.append(
            Reason(
                "no_damage_found",
                "No damaged part was found in the photos.",
                "照片中未识别到受损部件。",
            )
        )
    amount: dict[str, object] = {
        "high": str(estimate.range.high),
        "max_amount": str(policy.max_amount),
    }
    if estimate.range.high > policy.max_amount:
        failed.append(
            Reason(
                "amount_over_threshold",
                f"The estimate may reach {estimate.range.high} CNY, above the fast-track "
                f"limit of {policy.max_amount} CNY.",
                f"估损上限 {estimate.range.high} 元超过快赔限额 {policy.max_amount} 元。",
                amount,
            )
        )
    else:
        passed.append(
            Reason(
                "amount_within_threshold",
                f"The estimate is at most {estimate.range.high} CNY, within the limit of "
                f"{policy.max_amount} CNY.",
                f"估损上限 {estimate.range.high} 元在快赔限额内。",
                amount,
            )
        )

    unsure: list[dict[str, object]] = []
    for line in estimate.lines:
        ev = line.evidence
        damage_p = ev.damage_type_probabilities[line.damage_type]
        if (
            ev.part_probability < policy.min_part_probability
            or damage_p < policy.min_damage_probability
            or ev.uncertainty > policy.max_uncertainty
        ):
            unsure.append(
                {
                    "part": line.part,
                    "part_probability": round(ev.part_probability, 4),
                    "damage_type": line.damage_type,
                    "damage_probability": round(damage_p, 4),
                    "uncertainty": round(ev.uncertainty, 4),
                }
            )
    limits = (
        f"part >= {policy.min_part_probability:.0%}, damage type >= "
        f"{policy.min_damage_probability:.0%}, uncertainty <= {policy.max_uncertainty:.0%}"
    )
    if unsure:
        parts = ", ".join(str(u["part"]) for u in unsure)
        failed.append(
            Reason(
                "low_confidence_damage",
                f"The model is not confident enough about: {parts} (needs {limits}).",
                f"模型对以下部件的判断置信度不足：{parts}。",
                {"lines": unsure},
            )
        )
    elif estimate.lines:
        passed.append(
            Reason(
                "confident_damage",
                f"Every damaged part is confidently recognised ({limits}).",
                "所有受损部件识别置信度达标。",
            )
        )

    poor = {p.photo_id: list(p.quality_warnings) for p in photos if p.quality_warnings}
    if poor:
        failed.append(
            Reason(
                "photo_quality",
                f"Photo quality warnings on: {', '.join(poor)}.",
                "部分照片质量不合格（过暗、模糊等）。",
                {"warnings": poor},
            )
        )

    document_flags = [f for f in flags if f.code in DOCUMENT_FLAGS and f.blocks_fast_track]
    for flag in document_flags:
        code = "documents_missing" if flag.code == "materials_missing" else "documents_inconsistent"
        failed.append(Reason(code, flag.message, flag.message_zh, {"flag": flag.code}))
    if not document_flags:
        passed.append(
            Reason(
                "documents_complete",
                "The materials for this stage are in and mutually consistent.",
                "材料齐全且一致。",
            )
        )

    risks = [f for f in flags if f.code not in DOCUMENT_FLAGS and f.blocks_fast_track]
    for flag in risks:
        failed.append(Reason("risk_flag", flag.message, flag.message_zh, {"flag": flag.code}))
    if not risks:
        passed.append(Reason("no_risk_flags", "No risk flag was raised.", "无风险提示。"))

    return FastTrackDecision(eligible=not failed, reasons=tuple(failed), passed=tuple(passed))
