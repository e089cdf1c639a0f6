"""Compare damage models on the held-out calibration fold of train, then once on val.

A variant is NAME=SPEC, SPEC being `shipped` (the packaged weights, ONNX), `shipped+flip`
(horizontal-flip test-time augmentation: the mean of the LOGITS of the photo and of its mirror,
region maps flipped back), the path of trained `.safetensors` weights (torch), or several of
these joined by commas (an ensemble: the mean of the members' logits; pooled features, and so
the out-of-distribution check, come from the first member). The first variant is the
baseline. Post-processing of each variant is chosen with the shipped calibration code
(`autoclaim.models.calibration.calibrate`) on the held-out calibration fold of train, never on
val. The decision rests on the held-out fold:
1. `calibrate`'s own in-sample holdout macro-F1 for every variant;
2. a cross-fitted score: the same bagged protocol chosen on 4 of 5 group folds of the held-out
   fold, applied to the fifth, decisions pooled (REPEATS fold partitions), macro-F1 and ECE;
3. a paired group bootstrap of each variant's macro-F1 minus the baseline's on those decisions.
Val is then evaluated once per variant through `autoclaim.inference.evaluation.evaluate`.

    PYTHONPATH=$PWD nice -n 10 .venv/bin/python scripts/compare_models.py \
        --data-root ../shared/datasets --work runs/compare \
        --variant plain=shipped --variant tta=shipped+flip \
        --variant pair=shipped,runs/v5/run/final.safetensors

Logits are cached in WORK per variant name (about 5 min on 2 loaded cores for 384 held-out +
1,166 fit photos, twice for flip); the photo cache is built under WORK/cache on first use
(~1 min). A candidate must be trained with the same seed and folds as the shipped weights
(`autoclaim train --seed 0`), so that its held-out fold is the same photos.
"""

from __future__ import annotations

import argparse
import copy
import json
from pathlib import Path
from typing import Any

import numpy as np

from autoclaim.data.cache import PhotoArrays
from autoclaim.data.splits import group_fold
from autoclaim.inference.backend import ArrayModel
from autoclaim.inference.predictor import SHIPPED_WEIGHTS, Predictor
from autoclaim.models.calibration import calibrate, group_bootstrap
from autoclaim.models.metrics import (
    f1_per_class,
    multilabel_calibration_inputs,
    one_hot,
    reliability,
)
from autoclaim.models.postprocess import (
    multilabel_probabilities,
    severity_decision,
    severity_probabilities,
)
from autoclaim.models.training import TrainConfig, fit_and_calibration_sets, subset
from autoclaim.models.weights import ModelMetadata

HEADS = ("parts", "damage_types", "severity", "features")
Outputs = dict[str, np.ndarray]


class FlipTTA(ArrayModel):
    """Any backend, answering with the mean of its outputs on the batch and on its mirror."""

    name = "flip-tta"

    def __init__(self, inner: ArrayModel) -> None:
        self.inner = inner

    def __call__(self, pixels: np.ndarray) -> dict[str, np.ndarray]:
        plain = self.inner(pixels)
        mirror = self.inner(np.ascontiguousarray(pixels[..., ::-1]))  # NCHW: flip the width
        mirror["regions"] = mirror["regions"][..., ::-1]  # back onto the photo
        return {k: (plain[k] + mirror[k]) / 2 for k in plain}


class LogitMean(ArrayModel):
    """An ensemble: the mean of its members' outputs, features taken from the first member."""

    name = "logit-mean"

    def __init__(self, members: list[ArrayModel]) -> None:
        self.members = members

    def __call__(self, pixels: np.ndarray) -> dict[str, np.ndarray]:
        outs = [member(pixels) for member in self.members]
        mean = {k: np.mean([out[k] for out in outs], axis=0) for k in outs[0]}
        mean["features"] = outs[0]["features"]  # the first member's OOD statistics apply to these
        return mean


def raw_outputs(model: ArrayModel, arrays: PhotoArrays, meta: ModelMetadata) -> Outputs:
    """Head logits and pooled features of cached photos, batch by batch."""
    from autoclaim.inference.preprocess import normalise

    chunks: dict[str, list[np.ndarray]] = {}
    for start in range(0, len(arrays.images), 32):
        out = model(normalise(arrays.images[start : start + 32], meta.mean, meta.std))
        for key in HEADS:
            chunks.setdefault(key, []).append(out[key])
    return {k: np.concatenate(v) for k, v in chunks.items()}


def cached(path: Path, compute: Any) -> Outputs:
    if path.is_file():
        return dict(np.load(path))
    value: Outputs = compute()
    np.savez(path, **value)  # type: ignore[arg-type]  # numpy stubs read ** as allow_pickle
    return value


def decisions(meta: ModelMetadata, out: Outputs, rows: np.ndarray) -> list[np.ndarray]:
    """Probabilities and decisions of `rows` under `meta`'s post-processing."""
    parts = multilabel_probabilities(out["parts"][rows], meta.temperature["parts"])
    types = multilabel_probabilities(out["damage_types"][rows], meta.temperature["damage_types"])
    severity = severity_probabilities(out["severity"][rows], meta.temperature["severity"])
    return [
        parts,
        parts >= np.asarray(meta.thresholds["parts"]),
        types,
        types >= np.asarray(meta.thresholds["damage_types"]),
        severity,
        severity_decision(severity, meta.severity_bias),
    ]


def scores(held: PhotoArrays, d: list[np.ndarray], rows: np.ndarray) -> dict[str, list[float]]:
    """Macro-F1 and ECE per head over `rows` (only rows whose set labels that head)."""
    parts_p, parts_d, types_p, types_d, sev_p, sev_d = d
    result: dict[str, list[float]] = {}
    for head, probs, decided, truth, known in (
        ("parts", parts_p, parts_d, held.parts, held.parts_known),
        ("damage_types", types_p, types_d, held.types, held.types_known),
    ):
        sel = rows[known[rows]]
        f1 = np.mean([r["f1"] for r in f1_per_class(truth[sel], decided[sel].astype(np.float32))])
        ece = reliability(*multilabel_calibration_inputs(probs[sel], truth[sel]))[0]
        result[head] = [float(f1), ece]
    sel = rows[held.severity_weight[rows] >= 1.0]
    truth, pred = held.severity[sel], sev_d[sel]
    f1 = np.mean([r["f1"] for r in f1_per_class(one_hot(truth, 3), one_hot(pred, 3))])
    confidence = sev_p[sel][np.arange(len(sel)), pred]
    result["severity"] = [float(f1), reliability(confidence, (pred == truth).astype(float))[0]]
    return result


def feature_stats(predictor: Predictor) -> dict[str, Any]:
    """The out-of-distribution statistics a predictor was built with, to build another."""
    return {
        "feature_mean": predictor._feature_mean,
        "feature_inv_std": predictor._feature_inv_std,
    }


def load_variant(spec: str) -> Predictor:
    """`shipped`, `shipped+flip`, a weights path or a comma-joined ensemble of these -> a
    predictor whose model answers arrays (post-processing and OOD statistics of the first)."""
    if "," in spec:
        members = [load_variant(member) for member in spec.split(",")]
        first = members[0]
        ensemble = LogitMean([member.model for member in members])
        return Predictor(ensemble, first.meta, feature_stats(first))
    if spec in ("shipped", "shipped+flip"):
        shipped = Predictor.load(SHIPPED_WEIGHTS, backend="onnx")
        if spec == "shipped":
            return shipped
        return Predictor(FlipTTA(shipped.model), shipped.meta, feature_stats(shipped))
    path = Path(spec)
    if not path.is_file():
        raise SystemExit(
            f"variant {spec!r}: not 'shipped', 'shipped+flip', a weights file or a comma list"
        )
    return Predictor.load(path, backend="torch")


def parse_variants(items: list[str]) -> dict[str, str]:
    """NAME=SPEC options -> {name: spec}, in order; at least two, names unique."""
    variants: dict[str, str] = {}
    for item in items:
        name, sep, spec = item.partition("=")
        if not sep or not name or not spec or name in variants:
            raise SystemExit(f"--variant {item!r}: expected a new NAME=SPEC")
        variants[name] = spec
    if len(variants) < 2:
        raise SystemExit("give at least two --variant NAME=SPEC (the first is the baseline)")
    return variants


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-root", type=Path, required=True)
    parser.add_argument("--work", type=Path, default=Path("runs/compare"))
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--variant", action="append", default=[], metavar="NAME=SPEC")
    args = parser.parse_args()
    variants = parse_variants(args.variant)
    args.work.mkdir(parents=True, exist_ok=True)

    cfg = TrainConfig(data_root=args.data_root, out_dir=args.work / "run")
    fit, held = fit_and_calibration_sets(cfg)
    predictors = {name: load_variant(spec) for name, spec in variants.items()}
    baseline = next(iter(variants))
    fit_some = subset(fit, list(range(0, len(fit.images), 3)))  # as calibrate_and_save does
    outs = {
        n: cached(args.work / f"held_{n}.npz", lambda p=p: raw_outputs(p.model, held, p.meta))
        for n, p in predictors.items()
    }
    fit_features = {
        n: cached(args.work / f"fit_{n}.npz", lambda p=p: raw_outputs(p.model, fit_some, p.meta))[
            "features"
        ]
        for n, p in predictors.items()
    }

    def fresh(name: str) -> ModelMetadata:
        meta = copy.deepcopy(predictors[name].meta)
        meta.metrics = {}
        return meta

    report: dict[str, Any] = {}
    chosen: dict[str, ModelMetadata] = {}
    for name, out in outs.items():
        chosen[name] = fresh(name)
        calibrate(chosen[name], out, held, fit_features[name])
        report[name] = {
            "temperature": chosen[name].temperature,
            "thresholds": chosen[name].thresholds,
            "severity_bias": chosen[name].severity_bias,
            "holdout_in_sample": chosen[name].metrics["holdout"],
            "crossfit": [],
        }

    n = len(held.images)
    pooled: dict[tuple[int, str], list[np.ndarray]] = {}
    for rep in range(args.repeats):
        fold = np.array([group_fold(g, 5, seed=100 + rep) for g in held.groups])
        for name, out in outs.items():
            shapes = [(n, 7), (n, 7), (n, 3), (n, 3), (n, 3), (n,)]
            kinds = [float, bool, float, bool, float, int]
            pooled[rep, name] = [np.zeros(s, t) for s, t in zip(shapes, kinds, strict=True)]
            for k in range(5):
                train, test = np.flatnonzero(fold != k), np.flatnonzero(fold == k)
                meta = fresh(name)
                part = {h: v[train] for h, v in out.items()}
                calibrate(meta, part, subset(held, train.tolist()), fit_features[name])
                for target, value in zip(
                    pooled[rep, name], decisions(meta, out, test), strict=True
                ):
                    target[test] = value
            report[name]["crossfit"].append(scores(held, pooled[rep, name], np.arange(n)))
    for name in outs:
        runs = report[name]["crossfit"]
        report[name]["crossfit_mean"] = {
            h: [round(float(np.mean([r[h][i] for r in runs])), 4) for i in (0, 1)] for h in runs[0]
        }

    for name in list(outs)[1:]:
        diffs: dict[str, list[float]] = {h: [] for h in ("parts", "damage_types", "severity")}
        for rep in range(args.repeats):
            for rows in group_bootstrap(held.groups, rounds=500, seed=7 + rep):
                a = scores(held, pooled[rep, baseline], rows)
                b = scores(held, pooled[rep, name], rows)
                for h in diffs:
                    diffs[h].append(b[h][0] - a[h][0])
        report[f"{name}_minus_{baseline}_f1"] = {
            h: {
                "mean": round(float(np.mean(d)), 4),
                "ci95": [round(float(np.percentile(d, q)), 4) for q in (2.5, 97.5)],
                "p_better": round(float(np.mean(np.asarray(d) > 0)), 3),
            }
            for h, d in diffs.items()
        }

    from autoclaim.inference.evaluation import evaluate

    for name, predictor in predictors.items():
        chosen_predictor = Predictor(predictor.model, chosen[name], feature_stats(predictor))
        report[name]["val_headline"] = evaluate(chosen_predictor, args.data_root, "val")["headline"]
    for name in outs:
        report[name].pop("crossfit")
    (args.work / "report.json").write_text(json.dumps(report, indent=1) + "\n")
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
