"""The records OCR hands to the rest of autoclaim: fields, line items, checks, readings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

DocType = Literal[
    "vehicle_licence", "driver_licence", "vat_invoice", "repair_invoice", "receipt", "unknown"
]
DOC_TYPES: tuple[DocType, ...] = (
    "vehicle_licence",
    "driver_licence",
    "vat_invoice",
    "repair_invoice",
    "receipt",
    "unknown",
)
FieldStatus = Literal["valid", "invalid", "unchecked", "missing"]

# Canonical field names per document type (the contract with estimate and claims).
# VAT and repair invoices share the 增值税发票 fields; a repair invoice adds the vehicle.
INVOICE_FIELDS: tuple[str, ...] = (
    "invoice_code",
    "invoice_no",
    "date",
    "buyer",
    "buyer_tax_id",
    "seller",
    "seller_tax_id",
    "amount",
    "tax",
    "total",
    "total_capital",
)
FIELD_NAMES: dict[DocType, tuple[str, ...]] = {
    "vehicle_licence": (
        "plate",
        "vehicle_type",
        "owner",
        "address",
        "use_character",
        "model",
        "vin",
        "engine_no",
        "register_date",
        "issue_date",
    ),
    "driver_licence": (
        "licence_no",
        "name",
        "sex",
        "nationality",
        "address",
        "birth_date",
        "first_issue_date",
        "licence_class",
        "valid_from",
        "valid_until",
    ),
    "vat_invoice": INVOICE_FIELDS,
    "repair_invoice": (*INVOICE_FIELDS, "plate", "vin"),
    "receipt": ("seller", "date", "address", "total"),
    "unknown": (),
}


@dataclass(frozen=True)
class FieldReading:
    """One field as read: normalised value, raw text, where it was and how sure we are."""

    name: str
    value: str | None  # normalised (dates ISO yyyy-mm-dd, amounts "1234.50", plate/VIN upper)
    raw: str  # text as read
    box: tuple[int, int, int, int] | None  # x0,y0,x1,y1 in page pixels
    confidence: float  # 0..1, lowered by failing checks
    status: FieldStatus
    reasons: list[str] = field(default_factory=list)  # why invalid / low confidence
    # How the value was chosen: the learned extractor names its pick among the candidates
    # and the features that weighed most; empty for fields the rules read.
    explanation: list[str] = field(default_factory=list)

    @classmethod
    def missing(cls, name: str, reason: str = "not found on the page") -> FieldReading:
        """A field the parser could not find."""
        return cls(
            name=name,
            value=None,
            raw="",
            box=None,
            confidence=0.0,
            status="missing",
            reasons=[reason],
        )


@dataclass(frozen=True)
class LineItem:
    """One row of an invoice's or receipt's item table."""

    description: str
    quantity: str | None
    unit_price: str | None
    amount: str | None


@dataclass(frozen=True)
class CheckResult:
    """A cross-field check (amount + tax = total, ...) and its outcome."""

    name: str
    passed: bool
    message: str


@dataclass(frozen=True)
class DocumentReading:
    """Everything read from one document (all its pages)."""

    doc_type: DocType
    fields: dict[str, FieldReading]
    line_items: list[LineItem]
    checks: list[CheckResult]
    warnings: list[str]
    engine: str
    page_count: int
    # The model files and engine versions that produced the text (empty for a PDF text
    # layer), so a claim record says what read each document.
    models: tuple[str, ...] = ()
