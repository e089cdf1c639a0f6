"""Fitting and measuring the receipt extractor on labelled receipts.

Each field's candidates on each training receipt are labelled by whether their value matches
the key (seller and address on letters and digits, so the model learns which lines hold
them even where OCR spacing keeps the exact string out of reach; date and total exactly),
and a logistic regression is fitted on all of them (scikit-learn, the `train` extra). The
abstain thresholds are chosen on out-of-fold predictions of the training receipts, folds
split by receipt, never on the validation set.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from autoclaim.ocr.extraction.candidates import FIELDS, Page, build_page, candidates
from autoclaim.ocr.extraction.corpus import LabelledReceipt
from autoclaim.ocr.extraction.model import FieldModel, ReceiptExtractor
from autoclaim.ocr.extraction.scoring import SROIE_FIELDS, f1_score, loose_match, sroie_match

KEY_OF = {field: key for key, field in SROIE_FIELDS.items()}  # receipt field → SROIE key
THRESHOLDS = [round(0.05 * k, 2) for k in range(19)]


@dataclass(frozen=True)
class Example:
    """A training receipt made ready: its page and its truth per receipt field."""

    name: str
    page: Page
    truth: dict[str, str]  # receipt field → true value (empty when not labelled)


@dataclass(frozen=True)
class Prediction:
    """The best candidate's value and probability for one field of one receipt."""

    value: str | None
    probability: float


def examples(receipts: Iterable[LabelledReceipt]) -> list[Example]:
    return [
        Example(r.name, build_page(r.lines), {f: r.truth.get(KEY_OF[f], "") for f in FIELDS})
        for r in receipts
    ]


def is_positive(field: str, truth: str, value: str) -> bool:
    """The training label of a candidate value."""
    key = KEY_OF[field]
    if field in ("seller", "address"):
        return loose_match(key, truth, value)
    return sroie_match(key, truth, value)


def fit_field(train: Sequence[Example], field: str, c: float, seed: int) -> FieldModel:
    """A logistic regression on every candidate of `field` in `train` (threshold 0)."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    rows: list[dict[str, float]] = []
    labels: list[int] = []
    for ex in train:
        if not ex.truth[field]:
            continue
        for cand in candidates(ex.page, field):
            rows.append(cand.features)
            labels.append(int(is_positive(field, ex.truth[field], cand.value)))
    names = sorted({name for row in rows for name in row})
    if not rows or len(set(labels)) < 2:
        raise ValueError(
            f"field {field!r}: {len(rows)} candidates, {sum(labels)} positive; "
            "need both kinds to fit"
        )
    x = np.array([[row.get(n, 0.0) for n in names] for row in rows], dtype=np.float64)
    y = np.array(labels)
    model = LogisticRegression(C=c, max_iter=5000, random_state=seed)
    model.fit(x, y)
    weights = {n: round(float(w), 6) for n, w in zip(names, model.coef_[0], strict=True)}
    return FieldModel(weights, round(float(model.intercept_[0]), 6), 0.0)


def predict(models: dict[str, FieldModel], ex: Example) -> dict[str, Prediction]:
    out = {}
    for field in FIELDS:
        found = candidates(ex.page, field)
        if not found:
            out[field] = Prediction(None, 0.0)
            continue
        p, best = max(((models[field].probability(c.features), c) for c in found), key=_first)
        out[field] = Prediction(best.value, p)
    return out


def _first(pair: tuple[float, object]) -> float:
    return pair[0]


def folds_of(n: int, k: int, seed: int) -> list[list[int]]:
    """Receipt indices shuffled with `seed` and dealt into `k` folds."""
    order = list(range(n))
    random.Random(seed).shuffle(order)
    return [order[i::k] for i in range(k)]


def out_of_fold(
    data: Sequence[Example],
    c: float,
    seed: int,
    k: int = 5,
    progress: Callable[[str], None] | None = None,
) -> list[dict[str, Prediction]]:
    """Each training receipt predicted by models fitted on the other folds."""
    predictions: list[dict[str, Prediction] | None] = [None] * len(data)
    for n, fold in enumerate(folds_of(len(data), k, seed), 1):
        held = set(fold)
        train = [ex for i, ex in enumerate(data) if i not in held]
        models = {f: fit_field(train, f, c, seed) for f in FIELDS}
        for i in fold:
            predictions[i] = predict(models, data[i])
        if progress is not None:
            progress(f"fold {n}/{k}")
    return [p for p in predictions if p is not None]


def apply_thresholds(
    predictions: Sequence[dict[str, Prediction]], thresholds: dict[str, float]
) -> list[dict[str, str | None]]:
    return [
        {
            f: (
                p[f].value if p[f].value is not None and p[f].probability >= thresholds[f] else None
            )
            for f in FIELDS
        }
        for p in predictions
    ]


def choose_thresholds(
    data: Sequence[Example], predictions: Sequence[dict[str, Prediction]]
) -> dict[str, float]:
    """Per-field abstain thresholds that maximise the F1 over all fields of these
    predictions (coordinate ascent over a 0.05 grid, lowest threshold among equals)."""
    thresholds = dict.fromkeys(FIELDS, 0.0)
    for _ in range(3):
        for field in FIELDS:
            best = max(
                THRESHOLDS,
                key=lambda t: (
                    evaluate(data, apply_thresholds(predictions, {**thresholds, field: t}))["f1"],
                    -t,
                ),
            )
            thresholds[field] = best
    return thresholds


def evaluate(data: Sequence[Example], values: Sequence[dict[str, str | None]]) -> dict[str, object]:
    """Per-field precision and recall, the SROIE F1 and the spaces-and-punctuation
    diagnostic of predicted `values` against the examples' truth."""
    per_field: dict[str, dict[str, float]] = {}
    totals = [0, 0, 0, 0]  # correct, predicted, expected, loose correct
    for field in FIELDS:
        key = KEY_OF[field]
        correct = predicted = expected = loose = 0
        for ex, got in zip(data, values, strict=True):
            truth, value = ex.truth[field], got[field]
            correct += sroie_match(key, truth, value)
            loose += loose_match(key, truth, value)
            predicted += bool(value)
            expected += bool(truth)
        precision, recall, f1 = f1_score(correct, predicted, expected)
        per_field[key] = {
            "precision": round(precision, 3),
            "recall": round(recall, 3),
            "f1": round(f1, 3),
            "exact_match": round(correct / max(1, expected), 3),
            "exact_match_ignoring_spaces_punctuation": round(loose / max(1, expected), 3),
        }
        for i, v in enumerate((correct, predicted, expected, loose)):
            totals[i] += v
    precision, recall, f1 = f1_score(totals[0], totals[1], totals[2])
    return {
        "receipts": len(data),
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "f1": round(f1, 3),
        "f1_ignoring_spaces_punctuation": round(f1_score(totals[3], totals[1], totals[2])[2], 3),
        "fields": per_field,
    }


def train_extractor(
    data: Sequence[Example],
    version: str,
    seed: int = 2026,
    c: float = 3.0,
    provenance: dict[str, object] | None = None,
    progress: Callable[[str], None] | None = None,
) -> tuple[ReceiptExtractor, dict[str, object]]:
    """The extractor fitted on all of `data`, thresholds chosen out of fold, and the
    cross-validated figures on `data` that chose them."""
    oof = out_of_fold(data, c, seed, progress=progress)
    thresholds = choose_thresholds(data, oof)
    cv = evaluate(data, apply_thresholds(oof, thresholds))
    fitted = {f: fit_field(data, f, c, seed) for f in FIELDS}
    models = {f: FieldModel(m.weights, m.bias, thresholds[f]) for f, m in fitted.items()}
    metadata: dict[str, object] = {
        "training": {**(provenance or {}), "receipts": len(data), "seed": seed, "C": c},
        "thresholds_from": "5-fold out-of-fold predictions on the training receipts",
        "train_cross_validated": cv,
    }
    return ReceiptExtractor(models, version, metadata), cv
