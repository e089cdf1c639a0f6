"""Benchmark autoclaim.ocr: field accuracy and latency per engine.

    nice -n 10 python scripts/bench_ocr.py --synthetic 300 \
        --receipts ../shared/datasets/sroie-receipts

Real receipts (any folder with images/NNN.jpg and keys/NNN.json holding company, date,
address, total): exact match per field and SROIE-style F1 (a field counts when the whole
value matches: company and address compared upper-case with whitespace collapsed, the
date as a calendar date, the total as a number). Generated documents
(`autoclaim.data.synthetic_docs.generate_set`, fixed seed, degraded): exact match of every
normalised field per document type. Latency per page: median and p90 of OCR + parsing.

Each engine reads each page as it would alone, and is timed so: RapidOCR (after the
reader's seal, contrast, orientation and skew steps, and on receipts its second look at the
address lines), Tesseract on the levelled page, and on English pages "combined" (RapidOCR's
characters with Tesseract's spacing) the reader's own way, Tesseract reading beside the
recogniser. The scores of all three come from the RapidOCR and Tesseract readings (so cached
readings follow changes to the merging rules); the combined pass gives the same lines. Each
receipt is also read whole with its type undeclared, as `autoclaim ocr FILE` reads it
(`undeclared_read`: load, every step, classification and parsing), and timed.
`--cache DIR` keeps the readings so scoring can be re-run cheaply.
"""

from __future__ import annotations

import argparse
import io
import json
import pickle
import resource
import statistics
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from autoclaim.machine_speed import reference_cpu_seconds  # noqa: E402
from autoclaim.ocr.engines import OcrLine, merge_spacing  # noqa: E402
from autoclaim.ocr.errors import OcrEngineError  # noqa: E402
from autoclaim.ocr.extraction.model import shipped_extractor  # noqa: E402
from autoclaim.ocr.extraction.scoring import (  # noqa: E402
    SROIE_FIELDS,
    f1_score,
    loose_match,
    sroie_match,
)
from autoclaim.ocr.loading import load_document  # noqa: E402
from autoclaim.ocr.reader import (  # noqa: E402
    DocumentReader,
    PageText,
    SpacingStart,
    document_language,
    parse_lines,
)
from autoclaim.ocr.types import DocType  # noqa: E402

ENGINES = ("tesseract", "rapidocr", "combined")


@dataclass
class Readings:
    """One page read by both engines, with the seconds each took."""

    rapid: list[OcrLine]
    tesseract: list[OcrLine]
    combined: list[OcrLine]
    seconds: dict[str, float]
    cpu_seconds: dict[str, float] | None = None  # CPU time, Tesseract's subprocess included


def cpu_now() -> float:
    """CPU seconds used so far by this process and its finished children (Tesseract): a
    cost that does not grow with the machine's load the way wall time does."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def read_page(
    reader: DocumentReader, data: bytes, name: str, doc_type: DocType, tesseract: bool = True
) -> Readings:
    language = document_language(doc_type)
    started, cpu = time.perf_counter(), cpu_now()
    text = reader.finish_page(page_text(reader, data, name), doc_type, "rapidocr")
    rapid_s, rapid_cpu = time.perf_counter() - started, cpu_now() - cpu
    started, cpu = time.perf_counter(), cpu_now()
    tess_lines: list[OcrLine] = []
    if tesseract:
        try:
            tess_lines = reader.tesseract.read(text.image, language).lines
        except OcrEngineError as exc:  # counted as a page Tesseract could not read
            print(f"{name}: {exc}", file=sys.stderr)
    tess_s = time.perf_counter() - started if tesseract else float("nan")
    tess_cpu = cpu_now() - cpu if tesseract else float("nan")
    combined, combined_s, combined_cpu = text.lines, rapid_s, rapid_cpu
    if language == "eng":  # the reader's own way for a declared receipt
        started, cpu = time.perf_counter(), cpu_now()
        try:
            both = page_text(reader, data, name, spacing="at_once")
            combined = reader.finish_page(both, doc_type, "combined").lines
        except OcrEngineError as exc:  # as when Tesseract failed in the Tesseract pass
            print(f"{name}: {exc}", file=sys.stderr)
        combined_s, combined_cpu = time.perf_counter() - started, cpu_now() - cpu
    seconds = {"rapidocr": rapid_s, "tesseract": tess_s, "combined": combined_s}
    cpu_seconds = {"rapidocr": rapid_cpu, "tesseract": tess_cpu, "combined": combined_cpu}
    if doc_type == "receipt":  # also read whole with the type undeclared, as users often do
        started, cpu = time.perf_counter(), cpu_now()
        try:
            reader.read(data, name)
        except OcrEngineError as exc:
            print(f"{name}: {exc}", file=sys.stderr)
        seconds["undeclared"], cpu_seconds["undeclared"] = (
            time.perf_counter() - started,
            cpu_now() - cpu,
        )
    return Readings(text.lines, tess_lines, combined, seconds, cpu_seconds)


def page_text(
    reader: DocumentReader, data: bytes, name: str, spacing: SpacingStart = "never"
) -> PageText:
    """The first page of a file, loaded and read by RapidOCR (`DocumentReader.page_text`);
    with `spacing` "at_once", Tesseract is reading it alongside."""
    page = load_document(data, name).pages[0]
    return reader.page_text(page.image, page.text_lines, spacing=spacing)


def cached(cache: Path | None, key: str, compute: object) -> Readings:
    if cache is not None:
        path = cache / f"{key}.pkl"
        if path.exists():
            result: Readings = pickle.loads(path.read_bytes())
            return result
    assert callable(compute)
    readings: Readings = compute()
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
        (cache / f"{key}.pkl").write_bytes(pickle.dumps(readings))
    return readings


def lines_for(readings: Readings, engine: str, english: bool = True) -> list[OcrLine]:
    """The lines an engine gives; "combined" is re-merged here, so cached readings follow
    changes to the merging rules."""
    if engine == "rapidocr":
        return readings.rapid
    if engine == "tesseract":
        return readings.tesseract
    if not english:
        return readings.rapid
    return merge_spacing(readings.rapid, [w for ln in readings.tesseract for w in ln.words])


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def cpu_summary(values: list[float]) -> dict[str, float]:
    """Median and p90 CPU seconds per page (readings cached before CPU was recorded have
    none)."""
    values = [v for v in values if v == v]  # NaN: engine not run on that page
    if not values:
        return {}
    return {
        "median_cpu_s": round(statistics.median(values), 2),
        "p90_cpu_s": round(percentile(values, 0.9), 2),
    }


def bench_receipts(
    reader: DocumentReader, folder: Path, limit: int | None, cache: Path | None, offset: int = 0
) -> dict[str, object]:
    images = sorted((folder / "images").glob("*.jpg"))[offset:][:limit]
    stats: dict[str, dict[str, list[int]]] = {e: defaultdict(lambda: [0, 0, 0]) for e in ENGINES}
    loose: dict[str, dict[str, int]] = {e: defaultdict(int) for e in ENGINES}
    times: dict[str, list[float]] = defaultdict(list)
    cpu: dict[str, list[float]] = defaultdict(list)
    failures: dict[str, list[str]] = defaultdict(list)
    for n, path in enumerate(images, 1):
        truth = json.loads((folder / "keys" / f"{path.stem}.json").read_text())
        data = path.read_bytes()
        readings = cached(
            cache,
            f"sroie-{path.stem}",
            lambda data=data, p=path: read_page(reader, data, p.name, "receipt"),
        )
        for engine in ENGINES:
            started = time.perf_counter()
            fields = parse_lines("receipt", lines_for(readings, engine)).fields
            times[engine].append(readings.seconds[engine] + time.perf_counter() - started)
            if readings.cpu_seconds is not None:
                cpu[engine].append(readings.cpu_seconds[engine])
            for key, name in SROIE_FIELDS.items():
                value = fields[name].value
                ok = sroie_match(key, str(truth.get(key, "")), value)
                loose[engine][key] += loose_match(key, str(truth.get(key, "")), value)
                counts = stats[engine][key]
                counts[0] += ok
                counts[1] += bool(value)
                counts[2] += bool(truth.get(key))
                if not ok and engine == "combined":
                    failures[key].append(f"{path.stem}: {truth.get(key)!r} | {value!r}")
        if "undeclared" in readings.seconds:
            times["undeclared"].append(readings.seconds["undeclared"])
            if readings.cpu_seconds is not None:
                cpu["undeclared"].append(readings.cpu_seconds["undeclared"])
        print(f"receipts {n}/{len(images)}", file=sys.stderr, flush=True)
    result: dict[str, object] = {"documents": len(images)}
    for engine in ENGINES:
        per_field = {k: round(c[0] / max(1, c[2]), 3) for k, c in stats[engine].items()}
        correct = sum(c[0] for c in stats[engine].values())
        predicted = sum(c[1] for c in stats[engine].values())
        expected = sum(c[2] for c in stats[engine].values())
        precision, recall, f1 = f1_score(correct, predicted, expected)
        loose_f1 = f1_score(sum(loose[engine].values()), predicted, expected)[2]
        result[engine] = {
            "exact_match": per_field,
            "precision": round(precision, 3),
            "recall": round(recall, 3),
            "f1": round(f1, 3),
            # Diagnostic only: company and address compared on letters and digits.
            "exact_match_ignoring_spaces_punctuation": {
                k: round(loose[engine][k] / max(1, c[2]), 3) for k, c in stats[engine].items()
            },
            "f1_ignoring_spaces_punctuation": round(loose_f1, 3),
            "median_s": round(statistics.median(times[engine]), 2),
            "p90_s": round(percentile(times[engine], 0.9), 2),
            **cpu_summary(cpu[engine]),
        }
    if times["undeclared"]:  # the whole read (load, every step, parse) of an undeclared file
        result["undeclared_read"] = {
            "median_s": round(statistics.median(times["undeclared"]), 2),
            "p90_s": round(percentile(times["undeclared"], 0.9), 2),
            **cpu_summary(cpu["undeclared"]),
        }
    result["failures_combined"] = failures
    return result


def bench_synthetic(
    reader: DocumentReader, n: int, seed: int, cache: Path | None, tesseract_every: int
) -> dict[str, object]:
    from autoclaim.data.synthetic_docs import generate_set

    hits: dict[str, dict[str, dict[str, list[int]]]] = {
        e: defaultdict(lambda: defaultdict(lambda: [0, 0])) for e in ENGINES
    }
    times: dict[str, list[float]] = defaultdict(list)
    cpu: dict[str, list[float]] = defaultdict(list)
    classified = [0, 0]
    failures: dict[str, list[str]] = defaultdict(list)
    for i, doc in enumerate(generate_set(n, seed, degrade=True)):
        buf = io.BytesIO()
        doc.image.convert("RGB").save(buf, format="PNG")
        doc_type: DocType = doc.doc_type
        language = document_language(doc_type)
        readings = cached(
            cache,
            f"synth-{seed}-{i}",
            lambda b=buf.getvalue(), kind=doc_type, t=i % tesseract_every == 0: read_page(
                reader, b, "doc.png", kind, tesseract=t or kind == "receipt"
            ),
        )
        from autoclaim.ocr.classify import classify_text

        classified[0] += (
            classify_text("\n".join(ln.text for ln in readings.rapid)).doc_type == doc_type
        )
        classified[1] += 1
        for engine in ENGINES:
            if engine == "tesseract" and i % tesseract_every:
                continue
            started = time.perf_counter()
            lines = lines_for(readings, engine, english=language == "eng")
            fields = parse_lines(doc_type, lines).fields
            # "combined" on a Chinese document is RapidOCR alone (no spacing to merge).
            ocr_s = readings.seconds[
                engine if engine != "combined" or language == "eng" else "rapidocr"
            ]
            times[engine].append(ocr_s + time.perf_counter() - started)
            if readings.cpu_seconds is not None:
                cpu[engine].append(
                    readings.cpu_seconds[
                        engine if engine != "combined" or language == "eng" else "rapidocr"
                    ]
                )
            for name, truth in doc.truth.items():
                got = fields.get(name)
                ok = got is not None and got.value == truth
                cell = hits[engine][doc_type][name]
                cell[0] += ok
                cell[1] += 1
                if not ok and engine == "rapidocr":
                    read = got.value if got else None
                    failures[f"{doc_type}.{name}"].append(
                        f"{i} {doc.layout} {doc.degradations}: {truth!r} | {read!r}"
                    )
        print(f"synthetic {i + 1}/{n}", file=sys.stderr, flush=True)
    result: dict[str, object] = {
        "documents": n,
        "seed": seed,
        "classification_accuracy": round(classified[0] / max(1, classified[1]), 3),
    }
    for engine in ENGINES:
        per_type = {}
        all_ok = all_n = 0
        for type_name, cells in hits[engine].items():
            n_ok = sum(c[0] for c in cells.values())
            total = sum(c[1] for c in cells.values())
            all_ok, all_n = all_ok + n_ok, all_n + total
            per_type[type_name] = {
                "fields_exact": round(n_ok / max(1, total), 3),
                "per_field": {k: round(c[0] / max(1, c[1]), 3) for k, c in cells.items()},
            }
        result[engine] = {
            "fields_exact": round(all_ok / max(1, all_n), 3),
            "documents": len(times[engine]),
            "per_type": per_type,
            "median_s": round(statistics.median(times[engine]), 2) if times[engine] else None,
            "p90_s": round(percentile(times[engine], 0.9), 2) if times[engine] else None,
            **cpu_summary(cpu[engine]),
        }
    result["failures_rapidocr"] = failures
    return result


# Which document types have real samples to score in ../shared/datasets. Where there are none
# the generated figure is all there is, and the report says so.
REAL_DOCUMENTS = {
    "receipt": "real: SROIE receipts (--receipts)",
    "vat_invoice": "no real samples in the data root: generated documents only",
    "repair_invoice": "no real samples in the data root: generated documents only",
    "vehicle_licence": "no real samples in the data root: generated documents only",
    "driver_licence": "no real samples in the data root: generated documents only",
}


def _f1_of(figures: object) -> object:
    return figures.get("f1") if isinstance(figures, dict) else None


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--receipts", type=Path, help="folder with images/ and keys/ (SROIE layout)"
    )
    parser.add_argument("--receipt-limit", type=int, default=None)
    parser.add_argument(
        "--receipt-offset", type=int, default=0, help="skip the first N receipts (by name)"
    )
    parser.add_argument("--synthetic", type=int, default=0, help="number of generated documents")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--tesseract-every",
        type=int,
        default=10,
        help="score Tesseract on every k-th generated document only (it is slow)",
    )
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--tesseract-timeout", type=float, default=180.0)
    parser.add_argument("--cache", type=Path, default=None, help="keep engine readings here")
    parser.add_argument("--out", type=Path, default=None, help="write the JSON report here")
    args = parser.parse_args()
    reader = DocumentReader("auto", threads=args.threads)
    reader.tesseract.timeout_s = args.tesseract_timeout
    report: dict[str, object] = {"machine_reference_cpu_s": reference_cpu_seconds()}
    # The receipt extractor's own figures: 5-fold cross-validated on its training receipts,
    # kept apart from the receipts scored below (the validation set when --receipts names it).
    extractor = shipped_extractor()
    report["receipt_extractor"] = {
        "version": extractor.version,
        "train_cross_validated_f1": _f1_of(extractor.metadata.get("train_cross_validated")),
        "validation_f1_when_trained": _f1_of(extractor.metadata.get("validation")),
    }
    report["real_documents"] = REAL_DOCUMENTS
    if args.receipts:
        report["receipts"] = bench_receipts(
            reader, args.receipts, args.receipt_limit, args.cache, args.receipt_offset
        )
    if args.synthetic:
        report["synthetic"] = bench_synthetic(
            reader, args.synthetic, args.seed, args.cache, args.tesseract_every
        )
    text = json.dumps(report, indent=2, ensure_ascii=False)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text)
    summary = {
        area: {k: v for k, v in body.items() if not k.startswith("failures")}
        if isinstance(body, dict)
        else body
        for area, body in report.items()
    }
    print(json.dumps(summary, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
