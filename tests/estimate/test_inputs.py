"""The input dataclasses refuse values outside their domain, naming the bad value."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from autoclaim.estimate.errors import EstimateInputError
from autoclaim.estimate.inputs import (
    CHINA_STANDARD_TIME,
    ClaimFacts,
    DocumentEvidence,
    FieldValue,
    KnownPhoto,
    LabelScore,
    PhotoEvidence,
)


def _photo(**overrides: object) -> PhotoEvidence:
    values: dict[str, object] = {
        "photo_id": "p1",
        "sha256": "ab" * 32,
        "parts": (LabelScore("Door", 0.9, True),),
        "damage_types": (LabelScore("dent", 0.8, True),),
        "severity": {"minor": 0.2, "moderate": 0.7, "severe": 0.1},
    }
    values.update(overrides)
    return PhotoEvidence(**values)  # type: ignore[arg-type]


def test_valid_photo_round_trips_to_dict() -> None:
    photo = _photo(captured_at=datetime(2026, 5, 1, 10, 0))
    data = photo.to_dict()
    assert data["photo_id"] == "p1"
    assert photo.captured_at is not None
    assert photo.captured_at.tzinfo is CHINA_STANDARD_TIME
    assert photo.part("Door") == LabelScore("Door", 0.9, True)
    assert photo.part("Bonnet") is None


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"parts": (LabelScore("Roof", 0.9, True),)}, "Roof"),
        ({"damage_types": (LabelScore("crack", 0.9, True),)}, "crack"),
        ({"parts": (LabelScore("Door", 1.5, True),)}, "1.5"),
        ({"severity": {"minor": 0.5, "moderate": 0.2, "severe": 0.1}}, "sum to 0.8"),
        ({"severity": {"tiny": 1.0}}, "tiny"),
        ({"uncertainty": -0.1}, "-0.1"),
        ({"perceptual_hash": "zz"}, "zz"),
        ({"photo_id": ""}, "photo_id"),
        ({"captured_at": "2026-05-01"}, "captured_at must be a datetime"),
        ({"parts": (LabelScore("Door", 0.9, True), LabelScore("Door", 0.1, False))}, "repeats"),
    ],
)
def test_photo_rejects_bad_values(overrides: dict[str, object], named: str) -> None:
    with pytest.raises(EstimateInputError, match=named):
        _photo(**overrides)


def test_document_value_ignores_invalid_fields_and_parses_dates() -> None:
    doc = DocumentEvidence(
        "d1",
        "driver_licence",
        {
            "valid_until": FieldValue("2030-01-01", "valid", 0.9),
            "licence_class": FieldValue("C1", "invalid", 0.2),
            "birth_date": FieldValue("not a date"),
        },
    )
    assert doc.value("licence_class") is None
    assert doc.date_value("valid_until") is not None
    assert doc.date_value("birth_date") is None
    assert doc.date_value("absent") is None
    with pytest.raises(EstimateInputError, match="passport"):
        DocumentEvidence("d2", "passport")  # type: ignore[arg-type]


def test_known_photo_rejects_a_non_hex_hash() -> None:
    with pytest.raises(EstimateInputError, match="'xyz'"):
        KnownPhoto("c9", "p9", perceptual_hash="xyz")


def test_claim_facts_reject_unknown_stage_and_material() -> None:
    base = datetime(2026, 5, 1, tzinfo=UTC)
    with pytest.raises(EstimateInputError, match="'settled'"):
        ClaimFacts("c1", None, None, base, base, stage="settled")  # type: ignore[arg-type]
    with pytest.raises(EstimateInputError, match="passport"):
        ClaimFacts("c1", None, None, base, base, materials_received=frozenset({"passport"}))
    facts = ClaimFacts("c1", None, None, datetime(2026, 5, 1, 8, 0), base + timedelta(hours=1))
    assert facts.accident_time == base  # 08:00 China time is 00:00 UTC
