"""Every consistency and risk check raises its flag, and only when it should."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta

from autoclaim.estimate.checks import CheckContext, Flag, run_checks
from autoclaim.estimate.estimate import build_estimate
from autoclaim.estimate.inputs import (
    ClaimFacts,
    DocumentEvidence,
    FieldValue,
    KnownPhoto,
    PhotoEvidence,
)
from autoclaim.estimate.price_book import default_price_book
from tests.estimate.builders import ACCIDENT, REPORTED, facts, sure_photo

BOOK = default_price_book()
HASH = "f0e1d2c3b4a59687"
ALL_MATERIALS = frozenset({"bank_account"})
VIN = "LSVAU2180N2183294"


def _doc(doc_id: str, doc_type: str, **values: str) -> DocumentEvidence:
    return DocumentEvidence(
        doc_id,
        doc_type,  # type: ignore[arg-type]
        {k: FieldValue(v, "valid", 0.95) for k, v in values.items()},
    )


def _vehicle_licence(vehicle_type: str = "小型轿车") -> DocumentEvidence:
    return _doc("vl", "vehicle_licence", plate="沪A12345", vin=VIN, vehicle_type=vehicle_type)


def _good_documents() -> list[DocumentEvidence]:
    return [
        _vehicle_licence(),
        _doc(
            "dl",
            "driver_licence",
            licence_class="C1",
            valid_from="2020-01-01",
            valid_until="2032-01-01",
        ),
    ]


def _flags(
    claim: ClaimFacts | None = None,
    photos: Sequence[PhotoEvidence] | None = None,
    documents: Sequence[DocumentEvidence] | None = None,
    known: Sequence[KnownPhoto] = (),
) -> list[Flag]:
    claim = claim or facts(materials_received=ALL_MATERIALS)
    photos = (
        photos
        if photos is not None
        else [sure_photo("p1", "Door", "dent", "minor", captured_at=ACCIDENT, perceptual_hash=HASH)]
    )
    documents = documents if documents is not None else _good_documents()
    estimate = build_estimate(claim, photos, BOOK)
    return run_checks(CheckContext(claim, photos, documents, estimate, BOOK, known))


def _codes(flags: list[Flag]) -> list[str]:
    return [f.code for f in flags]


def test_a_clean_claim_raises_no_flags() -> None:
    assert _flags() == []


def test_duplicate_photo_by_perceptual_hash_and_by_bytes() -> None:
    near = f"{int(HASH, 16) ^ 0b101:016x}"  # 2 bits apart
    far = f"{int(HASH, 16) ^ 0xFFFF:016x}"  # 16 bits apart
    photo = sure_photo("p1", "Door", "dent", "minor", captured_at=ACCIDENT, perceptual_hash=HASH)
    known = [
        KnownPhoto("other", "x1", perceptual_hash=near),
        KnownPhoto("other", "x2", perceptual_hash=far),
        KnownPhoto("other", "x3", sha256=photo.sha256),
        KnownPhoto("c1", "same-claim", perceptual_hash=HASH),
        KnownPhoto("other", "x4", perceptual_hash="ab"),
    ]
    flags = [f for f in _flags(photos=[photo], known=known) if f.code == "duplicate_photo"]
    assert [(f.evidence["other_photo_id"], f.evidence["distance"]) for f in flags] == [
        ("x1", 2),
        ("x3", 0),
    ]
    assert all(f.severity == "high" for f in flags)


def test_photo_capture_times() -> None:
    late = REPORTED + timedelta(hours=100)
    early = ACCIDENT - timedelta(days=30)
    skewed = ACCIDENT - timedelta(minutes=20)
    photos = [
        sure_photo("late", "Door", "dent", "minor", captured_at=late),
        sure_photo("early", "Door", "dent", "minor", captured_at=early),
        sure_photo("skew", "Door", "dent", "minor", captured_at=skewed),
        sure_photo("none", "Door", "dent", "minor"),
    ]
    flags = {f.code: f for f in _flags(photos=photos)}
    assert flags["photo_taken_after_report"].evidence["photo_id"] == "late"
    assert flags["photo_taken_before_accident"].evidence["photo_id"] == "early"
    assert flags["photo_taken_before_accident"].severity == "high"
    assert flags["photo_time_missing"].evidence["photo_ids"] == ["none"]
    assert flags["photo_time_missing"].severity == "info"
    assert len(flags) == 3  # the 20-minute clock skew is tolerated


def test_plate_and_vin_mismatch_across_claim_licence_and_invoice() -> None:
    documents = [
        *_good_documents(),
        _doc(
            "inv",
            "repair_invoice",
            plate="沪A 12345",
            vin="LSVAU2180N2183295",
            date="2026-05-03",
            total="1260.00",
        ),
    ]
    flags = {f.code: f for f in _flags(documents=documents)}
    assert "plate_mismatch" not in flags  # spacing differences are not a mismatch
    vin = flags["vin_mismatch"]
    assert vin.severity == "high"
    assert vin.evidence["values"] == {
        "claim": "LSVAU2180N2183294",
        "vehicle_licence:vl": "LSVAU2180N2183294",
        "repair_invoice:inv": "LSVAU2180N2183295",
    }
    other_plate = facts(plate="京B99999", materials_received=ALL_MATERIALS)
    assert "plate_mismatch" in _codes(_flags(claim=other_plate))


def test_driver_licence_expired_not_yet_valid_and_class() -> None:
    documents = [
        _vehicle_licence("重型半挂牵引车"),
        _doc(
            "dl",
            "driver_licence",
            licence_class="C1",
            valid_from="2026-06-01",
            valid_until="2026-04-30",
        ),
    ]
    codes = _codes(_flags(documents=documents))
    assert {"driver_licence_expired", "driver_licence_not_yet_valid"} <= set(codes)
    assert "licence_class_not_covering" in codes


def test_licence_class_unknown_vehicle_and_unreadable_class() -> None:
    documents = [
        _vehicle_licence("宇宙飞船"),
        _doc("dl", "driver_licence", licence_class="C1", valid_until="2032-01-01"),
        _doc("dl2", "driver_licence", licence_class="ZZ9", valid_until="2032-01-01"),
    ]
    flags = {f.code: f for f in _flags(documents=documents)}
    assert flags["licence_class_unverified"].severity == "info"
    assert flags["licence_class_unreadable"].severity == "warning"


def test_licence_valid_until_the_accident_day_is_fine() -> None:
    documents = [
        _good_documents()[0],
        _doc("dl", "driver_licence", licence_class="C1", valid_until=ACCIDENT.date().isoformat()),
    ]
    assert _flags(documents=documents) == []


def test_invoice_dated_before_the_accident() -> None:
    day_before = (ACCIDENT - timedelta(days=1)).date().isoformat()
    documents = [*_good_documents(), _doc("inv", "vat_invoice", date=day_before, total="1260.00")]
    (flag,) = _flags(documents=documents)
    assert flag.code == "invoice_before_accident"
    assert flag.evidence["invoice_date"] == day_before


def test_invoice_total_far_from_the_estimate() -> None:
    def invoiced(total: str) -> list[str]:
        documents = [
            *_good_documents(),
            _doc("inv", "repair_invoice", date="2026-05-03", total=total),
        ]
        return _codes(_flags(documents=documents))

    # the estimate is 1260.00 (Door, minor dent, economy, Shanghai)
    assert invoiced("1500.00") == []
    assert invoiced("900.00") == []
    assert invoiced("2000.00") == ["invoice_total_far_from_estimate"]
    assert invoiced("400.00") == ["invoice_total_far_from_estimate"]


def test_inconsistent_document() -> None:
    bad = DocumentEvidence(
        "inv",
        "vat_invoice",
        {"date": FieldValue("2026-05-03", "valid"), "total": FieldValue("1260.00", "invalid")},
        failed_checks=("amount_plus_tax_equals_total",),
    )
    (flag,) = _flags(documents=[*_good_documents(), bad])
    assert flag.code == "document_inconsistent"
    assert flag.evidence["invalid_fields"] == ["total"]
    assert flag.evidence["failed_checks"] == ["amount_plus_tax_equals_total"]


def test_materials_missing_for_the_stage() -> None:
    claim = facts(stage="under_review", materials_received=ALL_MATERIALS)
    (flag,) = _flags(claim=claim)
    assert flag.code == "materials_missing"
    assert flag.evidence["missing"] == ["id_card", "repair_invoice"]


def test_flags_are_json_serialisable_and_sorted_by_severity() -> None:
    photos = [
        sure_photo("early", "Door", "dent", "minor", captured_at=ACCIDENT - timedelta(days=9)),
        sure_photo("none", "Door", "dent", "minor"),
    ]
    flags = _flags(claim=facts(stage="under_review"), photos=photos)
    assert [f.severity for f in flags] == ["high", "warning", "info"]
    json.dumps([f.to_dict() for f in flags], ensure_ascii=False)


def test_aware_and_naive_times_compare_safely() -> None:
    aware = datetime(2026, 5, 1, 0, 0).astimezone()
    photo = sure_photo("p", "Door", "dent", "minor", captured_at=aware)
    _flags(photos=[photo])  # no TypeError between naive and aware datetimes
