"""The estimate work item: gather a claim's evidence, run `autoclaim.estimate`, store it."""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from autoclaim.claims import adapters
from autoclaim.claims.principals import SYSTEM
from autoclaim.claims.store import ClaimStore
from autoclaim.estimate import (
    ClaimFacts,
    DocumentEvidence,
    KnownPhoto,
    PhotoEvidence,
    PriceBook,
    assess_claim,
    configured_price_book,
)

log = logging.getLogger(__name__)


class ClaimEstimator:
    """Runs the estimate rules for one claim at a time; the price book is loaded once."""

    def __init__(self, store: ClaimStore, price_book_path: Path | None = None) -> None:
        self.store = store
        self.price_book_path = price_book_path
        self._book: PriceBook | None = None
        self._lock = threading.Lock()

    @property
    def book(self) -> PriceBook:
        with self._lock:
            if self._book is None:
                self._book = configured_price_book(self.price_book_path)
            return self._book

    def __call__(self, claim_id: str) -> None:
        record = self.store.get_claim(SYSTEM, claim_id)
        photos = [adapters.photo_evidence(p) for p in record.photos if p.assessment is not None]
        if not photos:
            self.store.record_note(SYSTEM, claim_id, "estimate_skipped", "no assessed photo yet")
            return
        documents = [
            adapters.document_evidence(d, record.corrections_for(d.id))
            for d in record.documents
            if d.reading is not None
        ]
        facts = adapters.claim_facts(
            record.claim, adapters.declared_materials(record.claim, record.documents)
        )
        known = adapters.known_photos(self.store.other_claims_photos(claim_id))
        body, total, fast_track, flag_count = evaluate(facts, photos, documents, known, self.book)
        self.store.save_estimate(claim_id, body, total, fast_track, flag_count)


def evaluate(
    facts: ClaimFacts,
    photos: Sequence[PhotoEvidence],
    documents: Sequence[DocumentEvidence],
    known: Sequence[KnownPhoto],
    book: PriceBook,
) -> tuple[dict[str, Any], float, bool, int]:
    """(estimate JSON with its flags and fast-track decision, total, fast-track, flag count)."""
    assessment = assess_claim(facts, photos, documents, book, known)
    body: dict[str, Any] = assessment.estimate.to_dict()
    body["flags"] = [flag.to_dict() for flag in assessment.flags]
    body["fast_track"] = assessment.fast_track.to_dict()
    return (
        body,
        float(assessment.estimate.total),
        assessment.fast_track.eligible,
        len(assessment.flags),
    )
