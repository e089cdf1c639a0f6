"""The 小额快赔 decision gives every reason, and injury always goes to a person."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from autoclaim.estimate.assessment import ClaimAssessment, assess_claim
from autoclaim.estimate.inputs import (
    DAMAGE_TYPES,
    PART_CLASSES,
    SEVERITIES,
    ClaimFacts,
    DocumentEvidence,
    FieldValue,
    PhotoEvidence,
)
from autoclaim.estimate.price_book import default_price_book
from tests.estimate.builders import ACCIDENT, facts, photo, sure_photo

BOOK = default_price_book()


def _documents() -> list[DocumentEvidence]:
    def values(**kv: str) -> dict[str, FieldValue]:
        return {k: FieldValue(v, "valid", 0.95) for k, v in kv.items()}

    return [
        DocumentEvidence(
            "vl",
            "vehicle_licence",
            values(plate="沪A12345", vin="LSVAU2180N2183294", vehicle_type="小型轿车"),
        ),
        DocumentEvidence(
            "dl", "driver_licence", values(licence_class="C1", valid_until="2032-01-01")
        ),
    ]


def _assess(
    claim: ClaimFacts | None = None,
    photos: Sequence[PhotoEvidence] | None = None,
    documents: Sequence[DocumentEvidence] | None = None,
) -> ClaimAssessment:
    claim = claim or facts(materials_received=frozenset({"bank_account"}))
    if photos is None:
        photos = [sure_photo("p1", "Bumper", "scratch", "minor", captured_at=ACCIDENT)]
    return assess_claim(claim, photos, _documents() if documents is None else documents, BOOK)


def _reason_codes(result: ClaimAssessment) -> list[str]:
    return [r.code for r in result.fast_track.reasons]


def test_small_clear_complete_claim_is_fast_tracked_with_its_reasons() -> None:
    result = _assess()
    assert result.fast_track.eligible
    assert result.fast_track.reasons == ()
    assert {r.code for r in result.fast_track.passed} == {
        "no_injury",
        "amount_within_threshold",
        "confident_damage",
        "documents_complete",
        "no_risk_flags",
    }


def test_injury_always_goes_to_a_person() -> None:
    claim = facts(injury=True, materials_received=frozenset({"bank_account"}))
    result = _assess(claim=claim)
    assert not result.fast_track.eligible
    assert _reason_codes(result) == ["injury_reported"]


def test_amount_over_threshold_uses_the_high_end() -> None:
    premium = facts(vehicle_class="premium", materials_received=frozenset({"bank_account"}))
    severe = [sure_photo("p1", "Door", "broken", "severe", captured_at=ACCIDENT)]
    result = _assess(claim=premium, photos=severe)
    assert _reason_codes(result) == ["amount_over_threshold"]
    # a point estimate under the limit whose range reaches over it is not fast-tracked either
    unsure = photo(
        "p1",
        {"Door": 0.95},
        {"dent": 0.9},
        {"minor": 0.55, "moderate": 0.0, "severe": 0.45},
        captured_at=ACCIDENT,
    )
    result = _assess(claim=premium, photos=[unsure])
    assert result.estimate.total <= BOOK.fast_track.max_amount < result.estimate.range.high
    assert "amount_over_threshold" in _reason_codes(result)


def test_low_confidence_damage_and_photo_quality() -> None:
    shaky = photo(
        "p1",
        {"Bumper": 0.6},
        {"scratch": 0.5},
        {"minor": 0.9, "moderate": 0.1, "severe": 0.0},
        uncertainty=0.4,
        captured_at=ACCIDENT,
        quality_warnings=("blurred",),
    )
    result = _assess(photos=[shaky])
    assert _reason_codes(result) == ["low_confidence_damage", "photo_quality"]
    lines = result.fast_track.reasons[0].evidence["lines"]
    assert isinstance(lines, list)
    assert [line["part"] for line in lines] == ["Bumper"]


def test_documents_missing_or_inconsistent_and_risk_flags() -> None:
    missing = _assess(documents=_documents()[:1])
    assert _reason_codes(missing) == ["documents_missing"]
    assert "driver_licence" in missing.fast_track.reasons[0].message

    other_plate = facts(plate="京B99999", materials_received=frozenset({"bank_account"}))
    assert _reason_codes(_assess(claim=other_plate)) == ["documents_inconsistent"]

    old = [
        sure_photo("p1", "Bumper", "scratch", "minor", captured_at=ACCIDENT - timedelta(days=60))
    ]
    result = _assess(photos=old)
    assert _reason_codes(result) == ["risk_flag"]
    assert result.fast_track.reasons[0].evidence == {"flag": "photo_taken_before_accident"}


def test_nothing_found_is_not_fast_tracked() -> None:
    result = _assess(photos=[])
    assert "no_damage_found" in _reason_codes(result)


def test_info_flags_do_not_block() -> None:
    untimed = [sure_photo("p1", "Bumper", "scratch", "minor")]
    result = _assess(photos=untimed)
    assert [f.code for f in result.flags] == ["photo_time_missing"]
    assert result.fast_track.eligible


def test_assessment_is_json_serialisable() -> None:
    result = _assess(claim=facts(injury=True, stage="under_review"))
    data = json.loads(json.dumps(result.to_dict(), ensure_ascii=False))
    assert set(data) == {"estimate", "flags", "fast_track", "materials"}
    assert data["fast_track"]["eligible"] is False
    assert all(r["message"] and r["message_zh"] for r in data["fast_track"]["reasons"])
    assert len(data["materials"]) == 7


@settings(max_examples=40, deadline=None)
@given(
    part=st.sampled_from(PART_CLASSES),
    damage=st.sampled_from(DAMAGE_TYPES),
    severity=st.sampled_from(SEVERITIES),
    injury=st.booleans(),
    uncertainty=st.floats(0.0, 1.0),
)
def test_property_injury_is_never_fast_tracked_and_eligible_means_no_reasons(
    part: str, damage: str, severity: str, injury: bool, uncertainty: float
) -> None:
    claim = facts(injury=injury, materials_received=frozenset({"bank_account"}))
    shot = sure_photo("p", part, damage, severity, captured_at=ACCIDENT, uncertainty=uncertainty)
    decision = _assess(claim=claim, photos=[shot]).fast_track
    if injury:
        assert not decision.eligible
        assert "injury_reported" in [r.code for r in decision.reasons]
    assert decision.eligible == (not decision.reasons)
    if decision.eligible:
        assert uncertainty <= BOOK.fast_track.max_uncertainty
