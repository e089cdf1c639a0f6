"""The materials checklist: which materials a claim needs at its stage and which arrived.

What each stage needs (a claim is told everything it will need at the current stage):

- every stage before payment: damage photos, vehicle licence (行驶证), driver licence (驾驶证);
- from ``assessed`` on, when paid to the claimant's own account: the bank account;
- from ``repairing`` on: the repair invoice (a VAT invoice or receipt also counts), and when
  paid to the claimant, the payee's ID card; when someone was hurt or another party was
  involved, the accident report (事故认定书).

``rejected`` needs nothing more than the basics. Photos and OCR-read documents count as
received on their own; materials that arrive outside OCR (bank account typed into a form,
an ID card or accident report declared on upload) come in `ClaimFacts.materials_received`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from autoclaim.estimate.inputs import (
    MATERIALS,
    ClaimFacts,
    DocumentEvidence,
    Material,
    PhotoEvidence,
    Stage,
)

_LATE_STAGES = ("repairing", "under_review", "paid", "closed")
_PAYMENT_STAGES = ("assessed", *_LATE_STAGES)

# Document types OCR recognises, and the material each one is.
DOC_TYPE_MATERIAL: dict[str, Material] = {
    "vehicle_licence": "vehicle_licence",
    "driver_licence": "driver_licence",
    "repair_invoice": "repair_invoice",
    "vat_invoice": "repair_invoice",
    "receipt": "repair_invoice",
}

MATERIAL_DESCRIPTIONS: dict[str, tuple[str, str]] = {
    "photos": ("damage photos from several angles", "车辆受损照片（多角度）"),
    "vehicle_licence": ("vehicle licence: plate and VIN of the vehicle", "机动车行驶证"),
    "driver_licence": ("driver licence: the driver was licensed", "机动车驾驶证"),
    "bank_account": ("the claimant's bank account for payment", "领款人银行账户"),
    "id_card": ("ID card of the payee", "领款人身份证"),
    "repair_invoice": ("repair invoice: what the repair cost", "维修发票"),
    "accident_report": (
        "accident report (someone hurt or another party involved)",
        "事故认定书",
    ),
}


@dataclass(frozen=True)
class MaterialItem:
    """One line of the checklist."""

    name: Material
    required: bool
    received: bool
    description: str
    description_zh: str

    def to_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "required": self.required,
            "received": self.received,
            "description": self.description,
            "description_zh": self.description_zh,
        }


def required_materials(
    stage: Stage,
    *,
    injury: bool = False,
    third_parties: bool = False,
    payee_is_claimant: bool = True,
) -> tuple[Material, ...]:
    """The materials a claim at `stage` needs, in checklist order."""
    needed: list[Material] = ["photos", "vehicle_licence", "driver_licence"]
    if payee_is_claimant and stage in _PAYMENT_STAGES:
        needed.append("bank_account")
    if stage in _LATE_STAGES:
        needed.append("repair_invoice")
        if payee_is_claimant:
            needed.append("id_card")
        if injury or third_parties:
            needed.append("accident_report")
    return tuple(m for m in MATERIALS if m in needed)


def received_materials(
    facts: ClaimFacts, photos: Sequence[PhotoEvidence], documents: Sequence[DocumentEvidence]
) -> frozenset[str]:
    """Materials that arrived: declared ones, photos, and documents OCR recognised."""
    arrived = set(facts.materials_received)
    if photos:
        arrived.add("photos")
    arrived.update(
        DOC_TYPE_MATERIAL[doc.doc_type] for doc in documents if doc.doc_type in DOC_TYPE_MATERIAL
    )
    return frozenset(arrived)


def materials_checklist(
    stage: Stage,
    received: Iterable[str],
    *,
    injury: bool = False,
    third_parties: bool = False,
    payee_is_claimant: bool = True,
) -> list[MaterialItem]:
    """Every material with whether `stage` requires it and whether it has arrived."""
    needed = required_materials(
        stage, injury=injury, third_parties=third_parties, payee_is_claimant=payee_is_claimant
    )
    arrived = set(received)
    return [
        MaterialItem(
            name=name,
            required=name in needed,
            received=name in arrived,
            description=MATERIAL_DESCRIPTIONS[name][0],
            description_zh=MATERIAL_DESCRIPTIONS[name][1],
        )
        for name in MATERIALS
    ]


def claim_checklist(
    facts: ClaimFacts, photos: Sequence[PhotoEvidence], documents: Sequence[DocumentEvidence]
) -> list[MaterialItem]:
    """The checklist of one claim from its facts and evidence."""
    return materials_checklist(
        facts.stage,
        received_materials(facts, photos, documents),
        injury=facts.injury,
        third_parties=facts.third_parties,
        payee_is_claimant=facts.payee_is_claimant,
    )


def missing_materials(items: Iterable[MaterialItem]) -> list[Material]:
    """Required materials that have not arrived."""
    return [item.name for item in items if item.required and not item.received]
