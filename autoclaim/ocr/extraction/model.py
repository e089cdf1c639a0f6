"""The learned receipt extractor: a linear scorer per field over its candidates.

Each field's model is a logistic regression over the candidate features of
`autoclaim.ocr.extraction.candidates`; the candidate with the highest probability wins
when that probability clears the field's threshold, else the field is reported missing
(a wrong value costs the F1 more than no value). The parameters ship as a JSON file with
their metadata (feature set, training data, figures) and are checked on load: a file of
another format, or one trained on another feature set, is refused rather than misread.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from pathlib import Path

from autoclaim.ocr.engines import OcrLine
from autoclaim.ocr.extraction.candidates import FIELDS, Candidate, Page, build_page, candidates
from autoclaim.ocr.layout import union_box
from autoclaim.ocr.types import CheckResult, FieldReading, LineItem

MODEL_FORMAT = "autoclaim-receipt-extractor/1"
# Raised whenever a candidate builder adds, drops or changes a feature: a file trained on
# other features must be retrained, not scored.
FEATURE_SET = "receipt-candidates/1"
SHIPPED_FILE = "receipt_extractor.json"


class ExtractorModelError(ValueError):
    """An extractor file that cannot be used: not one, stale, or malformed."""


@dataclass(frozen=True)
class FieldModel:
    """One field's scorer: weights per feature name, a bias and the abstain threshold."""

    weights: dict[str, float]
    bias: float
    threshold: float

    def probability(self, features: dict[str, float]) -> float:
        z = self.bias + sum(w * features.get(name, 0.0) for name, w in self.weights.items())
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def top_features(self, features: dict[str, float], n: int = 3) -> list[tuple[str, float]]:
        """The features that pushed this candidate's score most, with their pushes."""
        pushes = [(name, w * features.get(name, 0.0)) for name, w in self.weights.items()]
        pushes = [p for p in pushes if p[1] != 0.0]
        return sorted(pushes, key=lambda p: -abs(p[1]))[:n]


@dataclass(frozen=True)
class ReceiptExtractor:
    """The per-field models and the metadata they shipped with."""

    fields: dict[str, FieldModel]
    version: str
    metadata: dict[str, object] = field(default_factory=dict)

    def extract(self, lines: list[OcrLine]) -> dict[str, FieldReading]:
        """Seller, date, address and total of one receipt's lines."""
        return self.extract_page(build_page(lines))

    def read(
        self, lines: list[OcrLine]
    ) -> tuple[dict[str, FieldReading], list[LineItem], list[CheckResult]]:
        """The fields, the rules' line items, and the checks that hold for these fields."""
        page = build_page(lines)
        fields = self.extract_page(page)
        return fields, page.rules.line_items, receipt_checks(page, fields)

    def extract_page(self, page: Page) -> dict[str, FieldReading]:
        """The fields of a page already built (`build_page`)."""
        return {name: self.extract_field(page, name) for name in FIELDS}

    def extract_field(self, page: Page, name: str) -> FieldReading:
        model = self.fields[name]
        found = candidates(page, name)
        if not found:
            return FieldReading.missing(name)
        scored = [(model.probability(c.features), c) for c in found]
        p, best = max(scored, key=lambda s: s[0])
        if p < model.threshold:
            return FieldReading.missing(
                name,
                f"no candidate clears the extractor's threshold {model.threshold:.2f} "
                f"(best {best.value!r} at {p:.2f} among {len(found)})",
            )
        return self._reading(page, name, best, p, len(found))

    def _reading(
        self, page: Page, name: str, best: Candidate, p: float, among: int
    ) -> FieldReading:
        model = self.fields[name]
        used = [page.lines[i] for i in best.lines]
        rule = page.rule_fields[name]
        agrees = rule.value is not None and " ".join(rule.value.split()) == best.value
        # The rules' checks still apply where the rules read the same value.
        reasons = list(rule.reasons) if agrees else []
        confidence = p * min((ln.confidence for ln in used), default=1.0)
        pushes = ", ".join(f"{f} {v:+.2f}" for f, v in model.top_features(best.features))
        return FieldReading(
            name=name,
            value=best.value,
            raw=best.raw,
            box=union_box([ln.box for ln in used]),
            confidence=round(confidence * (0.5 if reasons else 1.0), 3),
            status="invalid" if reasons else "valid",
            reasons=reasons,
            explanation=[
                f"receipt extractor {self.version}: candidate {best.value!r} of {among}, "
                f"probability {p:.2f} (threshold {model.threshold:.2f})",
                f"weighed most: {pushes}",
                "the layout rules read the same value"
                if agrees
                else f"the layout rules read {rule.value!r}",
            ],
        )

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": MODEL_FORMAT,
                "feature_set": FEATURE_SET,
                "version": self.version,
                "fields": {
                    name: {"weights": m.weights, "bias": m.bias, "threshold": m.threshold}
                    for name, m in self.fields.items()
                },
                "metadata": self.metadata,
            },
            indent=1,
            ensure_ascii=False,
            sort_keys=True,
        )


def receipt_checks(page: Page, fields: dict[str, FieldReading]) -> list[CheckResult]:
    """The rules' checks that still speak of the chosen values, the line items summed
    against the chosen total, and where the extractor and the rules disagree."""
    agree = {name: fields[name].value == page.rule_fields[name].value for name in FIELDS}
    checks = [
        c
        for c in page.rules.checks
        if (c.name == "date_parses" and agree["date"])
        or (c.name == "cash_minus_change_is_total" and agree["total"])
    ]
    total = fields["total"].value
    items = page.rules.line_items
    if items and total is not None:
        item_sum = sum((Decimal(i.amount) for i in items if i.amount), Decimal(0))
        checks.append(
            CheckResult(
                "line_items_sum",
                item_sum == Decimal(total),
                f"line items sum to {item_sum:.2f}; total is {total}",
            )
        )
    differ = [n for n in FIELDS if not agree[n]]
    checks.append(
        CheckResult(
            "extractor_agrees_with_rules",
            not differ,
            "the layout rules read the same fields"
            if not differ
            else "the layout rules read otherwise: "
            + "; ".join(f"{n} {page.rule_fields[n].value!r}" for n in differ),
        )
    )
    return checks


def parse_extractor(text: str, source: str = "<text>") -> ReceiptExtractor:
    """An extractor from its JSON text; `ExtractorModelError` names what is wrong."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ExtractorModelError(f"{source}: not JSON ({exc})") from exc
    if not isinstance(data, dict) or data.get("format") != MODEL_FORMAT:
        found = data.get("format") if isinstance(data, dict) else type(data).__name__
        raise ExtractorModelError(f"{source}: format {found!r} is not {MODEL_FORMAT!r}")
    if data.get("feature_set") != FEATURE_SET:
        raise ExtractorModelError(
            f"{source}: trained on feature set {data.get('feature_set')!r}, this code builds "
            f"{FEATURE_SET!r}; retrain with `autoclaim train-extractor`"
        )
    fields = data.get("fields")
    if not isinstance(fields, dict) or set(fields) != set(FIELDS):
        raise ExtractorModelError(f"{source}: fields must be exactly {', '.join(FIELDS)}")
    models = {name: _field_model(source, name, fields[name]) for name in FIELDS}
    metadata = data.get("metadata", {})
    return ReceiptExtractor(
        models, str(data.get("version", "")), metadata if isinstance(metadata, dict) else {}
    )


def _field_model(source: str, name: str, raw: object) -> FieldModel:
    if not isinstance(raw, dict):
        raise ExtractorModelError(f"{source}: fields.{name} must be an object")
    weights, bias, threshold = raw.get("weights"), raw.get("bias"), raw.get("threshold")
    if not isinstance(weights, dict) or not all(
        isinstance(k, str) and _finite(v) for k, v in weights.items()
    ):
        raise ExtractorModelError(f"{source}: fields.{name}.weights must map names to numbers")
    if not _finite(bias):
        raise ExtractorModelError(f"{source}: fields.{name}.bias must be a finite number")
    if not _finite(threshold) or not 0.0 <= float(threshold) <= 1.0:  # type: ignore[arg-type]
        raise ExtractorModelError(f"{source}: fields.{name}.threshold must be within 0..1")
    return FieldModel(
        {k: float(v) for k, v in weights.items()},
        float(bias),  # type: ignore[arg-type]
        float(threshold),  # type: ignore[arg-type]
    )


def _finite(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def load_extractor(path: Path | None = None) -> ReceiptExtractor:
    """The extractor in `path`, or the one shipped in the package."""
    if path is not None:
        return parse_extractor(path.read_text(encoding="utf-8"), str(path))
    return shipped_extractor()


@lru_cache(maxsize=1)
def shipped_extractor() -> ReceiptExtractor:
    """The extractor shipped in the package, loaded once per process."""
    text = resources.files("autoclaim.ocr.extraction").joinpath(SHIPPED_FILE).read_text("utf-8")
    return parse_extractor(text, SHIPPED_FILE)
