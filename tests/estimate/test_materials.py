"""The materials checklist per stage."""

from __future__ import annotations

from autoclaim.estimate.inputs import DocumentEvidence
from autoclaim.estimate.materials import (
    claim_checklist,
    materials_checklist,
    missing_materials,
    required_materials,
)
from tests.estimate.builders import facts, sure_photo


def test_required_materials_grow_with_the_stage() -> None:
    basics = ("photos", "driver_licence", "vehicle_licence")
    assert set(required_materials("reported")) == set(basics)
    assert set(required_materials("surveying")) == set(basics)
    assert set(required_materials("assessed")) == {*basics, "bank_account"}
    assert set(required_materials("under_review")) == {
        *basics,
        "bank_account",
        "id_card",
        "repair_invoice",
    }
    assert "accident_report" in required_materials("repairing", injury=True)
    assert "accident_report" in required_materials("repairing", third_parties=True)
    direct = required_materials("under_review", payee_is_claimant=False)
    assert "bank_account" not in direct and "id_card" not in direct


def test_checklist_marks_received_and_missing() -> None:
    items = materials_checklist("assessed", ["photos", "vehicle_licence"])
    assert len(items) == 7
    assert missing_materials(items) == ["driver_licence", "bank_account"]
    assert all(item.description and item.description_zh for item in items)
    assert items[0].to_dict()["name"] == "photos"


def test_claim_checklist_counts_photos_documents_and_declared_materials() -> None:
    claim = facts(stage="under_review", materials_received=frozenset({"bank_account"}))
    documents = [
        DocumentEvidence("d1", "vehicle_licence"),
        DocumentEvidence("d2", "driver_licence"),
        DocumentEvidence("d3", "vat_invoice"),
    ]
    items = claim_checklist(claim, [sure_photo("p", "Door", "dent", "minor")], documents)
    assert missing_materials(items) == ["id_card"]
