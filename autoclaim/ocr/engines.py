"""OCR engines behind one interface: a page image in, text lines with boxes and confidences out.

Two engines are supported: Tesseract (through pytesseract; the baseline, keeps the spaces
between English words) and RapidOCR (the PP-OCRv4 line detector and direction classifier of
the `rapidocr-onnxruntime` wheel with the PP-OCRv6 small recogniser of the `rapidocr` wheel;
reads far more characters right, above all Chinese, but misses or adds some spaces between
English words). `CombinedEngine` reads with RapidOCR and takes the word spacing from
Tesseract's reading of the same line.
"""

from __future__ import annotations

import difflib
import functools
import importlib.util
import os
import subprocess
import tempfile
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from itertools import pairwise
from pathlib import Path
from typing import Any, Literal, Protocol

import numpy as np
import pytesseract
from PIL import Image

from autoclaim.ocr.errors import OcrEngineError
from autoclaim.onnx_sessions import cpu_session

Box = tuple[int, int, int, int]
Quad = tuple[tuple[float, float], ...]  # a detected line's four corners, clockwise from top left
Language = Literal["eng", "chi_sim"]
EngineName = Literal["tesseract", "rapidocr", "combined"]
ENGINE_NAMES: tuple[EngineName, ...] = ("tesseract", "rapidocr", "combined")


@dataclass(frozen=True)
class OcrWord:
    """One word (Tesseract) with its box in page pixels."""

    text: str
    box: Box
    confidence: float


@dataclass(frozen=True)
class OcrLine:
    """One line of text as the engine read it, in page pixels."""

    text: str
    box: Box
    confidence: float
    words: tuple[OcrWord, ...] = ()
    upside_down: bool = False  # the engine's line classifier saw it rotated by 180 degrees
    quad: Quad = ()  # the detector's corners (RapidOCR), for turning the page without re-reading

    @property
    def height(self) -> int:
        return self.box[3] - self.box[1]

    @property
    def width(self) -> int:
        return self.box[2] - self.box[0]


@dataclass(frozen=True)
class OcrPage:
    """All lines of one page image, top to bottom."""

    lines: list[OcrLine]
    width: int
    height: int
    engine: str
    warnings: list[str] = field(default_factory=list)
    skew_deg: float = 0.0  # median angle of the detected text lines (clockwise positive)

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


class OcrEngine(Protocol):
    """Anything that turns a page image into lines."""

    name: str

    def read(self, image: Image.Image, language: Language = "eng") -> OcrPage: ...


def _box_from_points(points: Any) -> Box:
    arr = np.asarray(points, dtype=np.float32).reshape(-1, 2)
    return (
        int(arr[:, 0].min()),
        int(arr[:, 1].min()),
        int(np.ceil(arr[:, 0].max())),
        int(np.ceil(arr[:, 1].max())),
    )


class TesseractEngine:
    """Tesseract 5 through pytesseract; one process per page, bounded by a timeout."""

    name = "tesseract"

    def __init__(self, timeout_s: float = 30.0, psm: int = 6) -> None:
        self.timeout_s = timeout_s
        self.psm = psm

    def _lang(self, language: Language) -> str:
        return "chi_sim+eng" if language == "chi_sim" else "eng"

    def start(self, image: Image.Image, language: Language = "eng") -> TesseractRun:
        """Tesseract started reading `image` in its own process; collect with `.words()`."""
        return TesseractRun(image, self._lang(language), self.psm, self.timeout_s)

    def read_words(self, image: Image.Image, language: Language = "eng") -> list[list[OcrWord]]:
        """Words grouped into Tesseract's lines."""
        return self.start(image, language).words()

    def read(self, image: Image.Image, language: Language = "eng") -> OcrPage:
        lines = tesseract_lines(self.read_words(image, language), language)
        return OcrPage(lines, image.width, image.height, self.name)


def tesseract_lines(words_by_line: list[list[OcrWord]], language: Language) -> list[OcrLine]:
    """Tesseract's lines, top to bottom, from its words grouped by line."""
    lines = []
    for words in words_by_line:
        text = _join_cjk(words) if language == "chi_sim" else " ".join(w.text for w in words)
        box = (
            min(w.box[0] for w in words),
            min(w.box[1] for w in words),
            max(w.box[2] for w in words),
            max(w.box[3] for w in words),
        )
        conf = float(np.mean([w.confidence for w in words]))
        lines.append(OcrLine(text, box, conf, tuple(words)))
    lines.sort(key=lambda ln: (ln.box[1], ln.box[0]))
    return lines


class TesseractRun:
    """Tesseract reading one page in its own process, started at once and collected later,
    so that it reads while this process does other work (the reader runs it beside the
    recogniser: on two cores that takes most of its time off a receipt's latency).

    The page goes in and the TSV comes out through anonymous temporary files, so neither
    side ever waits on a full pipe. Tesseract runs with `OMP_THREAD_LIMIT=1`: its OpenMP
    threads spin while they wait, which nearly tripled its CPU time on receipts
    (1.16 → 0.42 CPU-s per page, same words) and made it slower, not faster, on two busy
    cores. The run is bounded by `timeout_s` from its start."""

    def __init__(self, image: Image.Image, lang: str, psm: int, timeout_s: float) -> None:
        self.timeout_s = timeout_s
        # closed by rows() or cancel(): they live as long as the run
        files = [tempfile.TemporaryFile() for _ in range(3)]  # noqa: SIM115
        self._page, self._out, self._err = files
        image.convert("L").save(self._page, format="PPM")
        self._page.seek(0)
        cmd = [pytesseract.pytesseract.tesseract_cmd, "stdin", "stdout", "-l", lang]
        cmd += ["--psm", str(psm), "tsv"]
        env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
        self._deadline = time.monotonic() + timeout_s
        try:
            self._process = subprocess.Popen(
                cmd, stdin=self._page, stdout=self._out, stderr=self._err, env=env
            )
        except FileNotFoundError as exc:
            self._close()
            raise OcrEngineError(f"tesseract binary not found: {exc}") from exc

    def rows(self) -> list[dict[str, str]]:
        """Tesseract's TSV rows, once it has finished (waiting for it up to the deadline)."""
        try:
            code = self._process.wait(max(0.0, self._deadline - time.monotonic()))
        except subprocess.TimeoutExpired as exc:
            self.cancel()
            raise OcrEngineError(f"tesseract gave up after {self.timeout_s:.0f} s") from exc
        try:
            if code != 0:
                self._err.seek(0)
                error = self._err.read().decode("utf-8", "replace").strip()
                raise OcrEngineError(f"tesseract failed (exit {code}): {error}")
            self._out.seek(0)
            rows = self._out.read().decode("utf-8", "replace").splitlines()
        finally:
            self._close()
        if not rows:
            return []
        header = rows[0].split("\t")
        return [dict(zip(header, row.split("\t"), strict=False)) for row in rows[1:]]

    def words(self) -> list[list[OcrWord]]:
        """The words read, grouped into Tesseract's lines, left to right."""
        lines: dict[tuple[int, int, int], list[OcrWord]] = {}
        for row in self.rows():
            text = row["text"].strip()
            conf = float(row["conf"])
            if not text or conf < 0:
                continue
            x, y, w, h = (int(row[k]) for k in ("left", "top", "width", "height"))
            key = (int(row["block_num"]), int(row["par_num"]), int(row["line_num"]))
            lines.setdefault(key, []).append(OcrWord(text, (x, y, x + w, y + h), conf / 100.0))
        return [sorted(words, key=lambda w: w.box[0]) for words in lines.values()]

    @property
    def finished(self) -> bool:
        """Collected or cancelled: the process has ended and its files are closed."""
        return self._process.returncode is not None and self._page.closed

    def cancel(self) -> None:
        """Stop Tesseract if it is still reading (its words are no longer wanted)."""
        if self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        self._close()

    def _close(self) -> None:
        for file in (self._page, self._out, self._err):
            file.close()


def _join_cjk(words: list[OcrWord]) -> str:
    """chi_sim splits every Chinese character into a word; keep spaces only between Latin."""
    out = ""
    for word in words:
        if out and out[-1].isascii() and word.text[0].isascii() and out[-1].isalnum():
            out += " "
        out += word.text
    return out


# Lines go through the recogniser one at a time: in a batch every crop is padded to the
# widest one, and receipt lines vary from "1" to a full-width address, so batches of 6
# (RapidOCR's default) spend about a third of the recogniser's time on padding.
REC_BATCH = 1
# Each line is fed at its own width (at least this many pixels, at the model's height of
# 48), not padded to the 320 px RapidOCR starts from: short lines ("1", "9.00") were mostly
# padding. On 2193 SROIE lines matched to their transcripts (receipts 040-079), exact lines
# 0.529 at 320 px, 0.558 at 96 px; the recogniser's CPU time drops by about a sixth.
REC_MIN_WIDTH = 96


# The PP-OCRv6 small recogniser replaces RapidOCR's PP-OCRv4 mobile one. On 1,164 SROIE line
# boxes with transcripts (receipts 040-059), upper-cased, spaces ignored: lines exact 0.750 ->
# 0.855 at the same CPU time; SROIE F1 0.848 -> 0.854, generated fields 0.986 -> 0.991. The
# PP-OCRv6 detector was worse on receipts (F1 0.835), so the v4 detector stays.
RECOGNISER_FILE = "PP-OCRv6_rec_small.onnx"


def recogniser_path() -> Path:
    """The recogniser model inside the installed `rapidocr` wheel (Apache-2.0). The package is
    located, not imported: only its model file is used."""
    spec = importlib.util.find_spec("rapidocr")
    folders = list(spec.submodule_search_locations or []) if spec else []
    path = Path(folders[0]) / "models" / RECOGNISER_FILE if folders else None
    if path is None or not path.is_file():
        raise OcrEngineError(f"the rapidocr wheel with {RECOGNISER_FILE} is not installed")
    return path


@functools.cache
def model_paths() -> tuple[Path, Path, Path]:
    """The detector, line classifier and recogniser files, looked up once per process."""
    try:
        from rapidocr_onnxruntime.main import DEFAULT_CFG_PATH
        from rapidocr_onnxruntime.utils import read_yaml, update_model_path
    except ImportError as exc:  # pragma: no cover - declared dependency
        raise OcrEngineError("rapidocr-onnxruntime is not installed") from exc
    config = update_model_path(read_yaml(DEFAULT_CFG_PATH))
    det, cls = (Path(config[stage]["model_path"]) for stage in ("Det", "Cls"))
    return det, cls, recogniser_path()


def rapidocr_model_files() -> tuple[str, ...]:
    """The names of the model files RapidOCR reads with: detector, classifier, recogniser."""
    return tuple(path.name for path in model_paths())


def load_rapidocr(threads: int) -> Any:
    """A fresh set of RapidOCR models (they ship inside the wheels), the detector and
    classifier on `threads` threads and the recogniser on one per call, each session rebuilt
    from the model with the exact folds of `autoclaim.ocr.graph`; the recogniser is
    `recogniser_path()`'s, decoded with the character list it carries."""
    try:
        from rapidocr_onnxruntime import RapidOCR
        from rapidocr_onnxruntime.ch_ppocr_rec.utils import CTCLabelDecode
    except ImportError as exc:  # pragma: no cover - declared dependency
        raise OcrEngineError("rapidocr-onnxruntime is not installed") from exc
    engine = RapidOCR(
        intra_op_num_threads=threads,
        inter_op_num_threads=1,
        print_verbose=False,
        rec_batch_num=REC_BATCH,
        rec_img_shape=[3, 48, REC_MIN_WIDTH],
    )
    detector, classifier, recogniser_file = model_paths()
    engine.text_det.infer.session = folded_session(str(detector), threads)
    engine.text_cls.infer.session = folded_session(str(classifier), threads)
    recogniser = folded_session(str(recogniser_file), 1)  # threads of its own: `read_crops`
    characters = recogniser.get_modelmeta().custom_metadata_map["character"].splitlines()
    engine.text_rec.session.session = recogniser
    engine.text_rec.postprocess_op = CTCLabelDecode(character=characters)
    return engine


@functools.cache
def folded_model(model_path: str) -> bytes:
    """The serialised model after `graph.simplify`. Folding takes most of a reader's start-up
    (about 1.4 of 1.7 CPU-s), so it is done once per process, not once per pooled reader."""
    import onnx

    from autoclaim.ocr.graph import simplify

    model, _ = simplify(onnx.load(model_path))
    return bytes(model.SerializeToString())


def folded_session(model_path: str, threads: int) -> Any:
    """An ONNX Runtime session of the folded model on the CPU; threads that sleep when idle
    and no buffer arena (page and line shapes change every call: the arena kept ~300 MB per
    reader). See `autoclaim.onnx_sessions.cpu_session`."""
    return cpu_session(folded_model(model_path), threads, arena=False)


ScaledPage = tuple[Image.Image, np.ndarray, float]  # RGB, the same pixels as BGR, the scale


@dataclass(frozen=True)
class DetectedLines:
    """A page's text lines found and cut out, not yet recognised: enough to judge the page's
    orientation before paying for the recogniser (its most expensive stage)."""

    width: int
    height: int
    quads: list[np.ndarray]  # each line's four corners in page pixels, clockwise from top left
    crops: list[np.ndarray]  # the line images the recogniser reads (BGR), classifier-turned
    upside_down: list[bool]  # the line classifier saw the line rotated by 180 degrees

    def sizes(self) -> list[tuple[int, int]]:
        """(width, height) of each line's upright bounding box."""
        return [(x1 - x0, y1 - y0) for x0, y0, x1, y1 in map(_box_from_points, self.quads)]

    def split(self, count: int) -> tuple[DetectedLines, DetectedLines]:
        """The first `count` lines (the top of the page: the detector sorts its lines top to
        bottom) and the rest. The recogniser reads each line on its own, so reading the two
        parts gives the lines of reading the whole, in the same order."""

        def part(lines: slice) -> DetectedLines:
            return replace(
                self,
                quads=self.quads[lines],
                crops=self.crops[lines],
                upside_down=self.upside_down[lines],
            )

        return part(slice(None, count)), part(slice(count, None))

    @property
    def skew_deg(self) -> float:
        """Median angle of the detected lines (clockwise positive): known before recognition,
        so the page can be levelled while the recogniser reads it."""
        angles = [_line_angle(q) for q in self.quads]
        return float(np.median([a for a in angles if a is not None] or [0.0]))


class RapidOcrEngine:
    """RapidOCR (PP-OCRv4 detector, line direction classifier, PP-OCRv6 recogniser); lines are
    lengthened over faint end letters the detector left out (`extend_to_ink`). Each
    engine loads its own models on first use and reads one page at a time; readers that
    should work in parallel (one per worker thread) each hold an engine."""

    name = "rapidocr"

    def __init__(self, threads: int = 2, max_side: int = 1600, min_score: float = 0.5) -> None:
        self.threads = threads
        self.max_side = max_side
        self.min_score = min_score
        self._models: Any = None
        self._last_scaled: tuple[Image.Image, ScaledPage] | None = None
        self._lock = threading.Lock()  # RapidOCR's detector keeps per-call state on itself
        self._helpers = ThreadPoolExecutor(threads - 1) if threads > 1 else None

    def models(self) -> Any:
        """The loaded models (loaded on the first call)."""
        with self._lock:
            if self._models is None:
                self._models = load_rapidocr(self.threads)
            return self._models

    def read(self, image: Image.Image, language: Language = "eng") -> OcrPage:
        return self.recognise(self.detect(image))

    def _scaled(self, image: Image.Image) -> ScaledPage:
        """The page as the models see it: RGB scaled down to `max_side` at most, the same
        pixels as BGR, and the scale. The last page's is kept: the second look at a
        receipt's address lines reads the page the detector has just scaled (8-50 ms a
        SROIE receipt, measured), unless levelling turned it into a new image. (Kept by
        identity: a page must not be drawn on between two reads; the reader never does.)"""
        last = self._last_scaled
        if last is not None and last[0] is image:
            return last[1]
        rgb = image.convert("RGB")
        scale = 1.0
        if max(rgb.size) > self.max_side:
            scale = self.max_side / max(rgb.size)
            rgb = rgb.resize(
                (max(1, round(rgb.width * scale)), max(1, round(rgb.height * scale))),
                Image.Resampling.LANCZOS,
            )
        scaled = rgb, np.ascontiguousarray(np.asarray(rgb)[:, :, ::-1]), scale
        self._last_scaled = (image, scaled)
        return scaled

    def detect(self, image: Image.Image) -> DetectedLines:
        """Detect the lines, cut them out and classify their direction (no recognition)."""
        engine = self.models()
        rgb, bgr, scale = self._scaled(image)
        with self._lock:
            boxes, _ = engine.text_det(bgr)
            if boxes is None or len(boxes) == 0:
                return DetectedLines(image.width, image.height, [], [], [])
            boxes = engine.sorted_boxes(boxes)
            boxes = extend_to_ink(np.asarray(rgb.convert("L")), boxes)
            crops = engine.get_crop_img_list(bgr, boxes)
            crops, cls_res, _ = engine.text_cls(crops)
        quads = [np.asarray(p, dtype=np.float64).reshape(-1, 2) / scale for p in boxes]
        flipped = [label == "180" and float(score) >= 0.9 for label, score in cls_res]
        return DetectedLines(image.width, image.height, quads, list(crops), flipped)

    def recognise(self, found: DetectedLines) -> OcrPage:
        """Read the detected lines; lines read as empty or below `min_score` are dropped."""
        if not found.quads:
            return OcrPage([], found.width, found.height, self.name)
        rec_res = self.read_crops(found.crops)
        lines = []
        for corners, flipped, rec in zip(found.quads, found.upside_down, rec_res, strict=True):
            text, score = str(rec[0]).strip(), float(rec[1])
            if not text or score < self.min_score:
                continue
            x0, y0, x1, y1 = _box_from_points(corners)
            box = (max(0, x0), max(0, y0), min(found.width, x1), min(found.height, y1))
            quad = tuple((float(x), float(y)) for x, y in corners)
            lines.append(OcrLine(text, box, score, upside_down=flipped, quad=quad))
        return OcrPage(lines, found.width, found.height, self.name, skew_deg=found.skew_deg)

    def read_crops(self, crops: Sequence[np.ndarray]) -> list[tuple[str, float]]:
        """The recogniser's (text, score) for each line crop. With more than one thread the
        lines are shared out, in order of length, to `threads` threads that each run the
        one-thread recogniser session (ONNX Runtime runs a session from several threads at
        once). Lines are read one at a time and independently, so the result is the same;
        but a thread with its own lines keeps its core busy, where two intra-op threads
        wait for each other after every small operator of a line: 1.08 against 1.18 CPU-s
        per receipt, and fewer stalls while Tesseract shares the cores."""
        text_rec = self.models().text_rec
        with self._lock:
            return self._shared_out(text_rec, crops)

    def _shared_out(self, text_rec: Any, crops: Sequence[np.ndarray]) -> list[tuple[str, float]]:
        """`read_crops` with the engine locked: every `threads`-th line by length to a thread."""
        if self._helpers is None or len(crops) < 2:
            return list(text_rec(list(crops), False)[0])
        order = sorted(range(len(crops)), key=lambda i: crops[i].shape[1] / crops[i].shape[0])
        shares = [order[k :: self.threads] for k in range(self.threads)]

        def read(share: list[int]) -> list[tuple[str, float]]:
            return list(text_rec([crops[i] for i in share], False)[0])

        helped = [self._helpers.submit(read, share) for share in shares[1:]]
        results = [read(shares[0])] + [future.result() for future in helped]
        found: list[tuple[str, float]] = [("", 0.0)] * len(crops)
        for share, result in zip(shares, results, strict=True):
            for i, rec in zip(share, result, strict=True):
                found[i] = rec
        return found

    def reread_punctuation(self, image: Image.Image, lines: Sequence[OcrLine]) -> list[OcrLine]:
        """The lines read a second time from `image` with their contrast evened out
        (`even_contrast`), keeping a second reading only where it adds a comma or full stop
        and is otherwise the same text (`adds_punctuation`): faint punctuation the recogniser
        misses on the grey print of a thermal receipt (`SELANGOR` for `SELANGOR.`). Stretching
        the contrast of every line also changes letters, as often for the worse as for the
        better, so only the punctuation is taken. Lines without detector corners or turned
        upside down are returned as they are."""
        todo = [i for i, ln in enumerate(lines) if len(ln.quad) == 4 and not ln.upside_down]
        if not todo:
            return list(lines)
        engine = self.models()
        _, bgr, scale = self._scaled(image)
        quads = [np.asarray(lines[i].quad, dtype=np.float32) * scale for i in todo]
        with self._lock:
            crops = engine.get_crop_img_list(bgr, quads)
        rec_res = self.read_crops([even_contrast(c) for c in crops])
        result = list(lines)
        for i, rec in zip(todo, rec_res, strict=True):
            second = str(rec[0]).strip()
            if adds_punctuation(lines[i].text, second):
                result[i] = replace(lines[i], text=second)
        return result


EVEN_INK = 3  # percentile of a line crop taken as its ink
EVEN_PAPER = 60  # percentile taken as its paper


def even_contrast(crop: np.ndarray) -> np.ndarray:
    """A line crop stretched so its ink is black and its paper white (a faint dot turns dark
    grey); a crop with no clear ink is returned as it is."""
    gray = crop.astype(np.float32).mean(axis=2)
    ink, paper = np.percentile(gray, [EVEN_INK, EVEN_PAPER])
    if paper - ink < 20:
        return crop
    stretched = np.clip((crop.astype(np.float32) - ink) / (paper - ink), 0.0, 1.0)
    evened: np.ndarray = (stretched * 255).astype(np.uint8)
    return evened


def adds_punctuation(first: str, second: str) -> bool:
    """`second` is `first` with one or more commas or full stops added (spaces aside)."""

    def bare(text: str) -> str:
        return "".join(c for c in text if c not in PUNCTUATION and not c.isspace())

    def marks(text: str) -> int:
        return sum(c in PUNCTUATION for c in text)

    return bare(first) == bare(second) and marks(second) > marks(first)


INK_REACH = 0.3  # how far past a line's end, in line heights, faint ink still belongs to it
INK_FAINT = 0.15  # ink is a pixel this share of the way from paper to the line's darkest ink


def extend_to_ink(gray: np.ndarray, boxes: Sequence[np.ndarray]) -> list[np.ndarray]:
    """Lengthen each detected line by up to `INK_REACH` of its height at an end where ink
    lies just outside the box and no other line's box does: the detector leaves out faint
    first and last letters of a line (`HREE STOOGES`), but the recogniser reads them when the
    crop holds them."""
    rects = [_box_from_points(b) for b in boxes]
    return [_extended(gray, points, n, rects) for n, points in enumerate(boxes)]


def _extended(gray: np.ndarray, points: np.ndarray, n: int, rects: list[Box]) -> np.ndarray:
    """Line `n`'s corners, moved out at each end where faint ink lies past it."""
    quad = np.asarray(points, dtype=np.float32).reshape(4, 2).copy()
    x0, y0, x1, y1 = rects[n]
    height = y1 - y0
    along = quad[1] - quad[0]
    length = float(np.hypot(*along))
    if height < 8 or length < 1 or abs(along[1]) > 0.35 * length:
        return quad  # too small, or not a roughly horizontal line
    inside = gray[max(0, y0) : y1, max(0, x0) : x1]
    if inside.size == 0:
        return quad  # a box off the page: nothing to measure
    background = float(np.median(inside))
    ink = float(np.percentile(inside, 5))
    if background - ink < 40:
        return quad  # no clear ink in the line itself to compare with
    faint = background - INK_FAINT * (background - ink)
    reach = INK_REACH * height
    top, bottom = y0 + height // 6, y1 - height // 6
    # Each end: the strip just past it, and the two corners that move out over it.
    for (a, b), corners, outward in (
        ((max(0, int(x0 - reach)), x0), [0, 3], -1.0),
        ((x1, min(gray.shape[1], int(x1 + reach))), [1, 2], 1.0),
    ):
        strip = gray[max(0, top) : bottom, a:b]
        if b - a < 2 or strip.size == 0 or int((strip < faint).sum()) < 3:
            continue
        if any(
            m != n and r[0] < b and r[2] > a and r[1] < bottom and r[3] > top
            for m, r in enumerate(rects)
        ):
            continue  # another line's box is there: the ink is its
        quad[corners] += outward * along / length * reach
    np.clip(quad[:, 0], 0, gray.shape[1] - 1, out=quad[:, 0])
    np.clip(quad[:, 1], 0, gray.shape[0] - 1, out=quad[:, 1])
    return quad


def _line_angle(points: np.ndarray) -> float | None:
    """Angle of a detected line's top edge in degrees, for lines long enough to tell."""
    (x0, y0), (x1, y1) = points[0], points[1]
    if abs(x1 - x0) < 3 * max(1.0, float(np.linalg.norm(points[3] - points[0]))):
        return None
    return float(np.degrees(np.arctan2(y1 - y0, x1 - x0)))


PUNCTUATION = set(",.")


def respace(rapid_text: str, tesseract_text: str) -> str:
    """RapidOCR's characters with the spacing and punctuation of Tesseract's reading.

    Characters are aligned case-insensitively. Where RapidOCR read a line without spaces, a
    space goes in wherever Tesseract put one between two characters both engines read. Where
    RapidOCR spaced the line itself (the PP-OCRv6 recogniser reads word gaps), its spaces
    stand and Tesseract only adds those between a letter and a non-letter (43300SERI,
    ,SELANGOR): between two letters Tesseract splits letter-spaced words (GA R DENIA BAK ERI
    ES). Where the two disagree only on punctuation (RapidOCR swaps `,` and `.` and drops
    commas), Tesseract's is kept.
    """
    rapid = rapid_text.strip()
    if not tesseract_text.strip() or not rapid:
        return rapid_text
    tess, space_before = _split_spaces(tesseract_text)
    rapid_nospace, rapid_space = _split_spaces(rapid)
    rapid_spaced = " " in rapid
    matcher = difflib.SequenceMatcher(None, rapid_nospace.lower(), tess.lower(), autojunk=False)
    out: list[str] = []

    def space(wanted: bool) -> None:
        if wanted and out and out[-1] != " ":
            out.append(" ")

    for op, a0, a1, b0, b1 in _punctuation_apart(matcher.get_opcodes(), rapid_nospace, tess):
        if op == "insert" and a0 == 0 and b1 - b0 == 1 and tess[b0].isalnum():
            out.append(tess[b0])  # RapidOCR's box clipped the first character
        elif op == "equal":
            for k in range(a1 - a0):
                at = a0 + k
                if rapid_spaced:
                    space(
                        rapid_space[at]
                        or (space_before[b0 + k] and not _in_word(rapid_nospace, at))
                    )
                else:
                    # Where Tesseract read nothing before (k == 0 at a gap) RapidOCR's space counts.
                    space(space_before[b0 + k] or (k == 0 and b0 == 0 and rapid_space[at]))
                out.append(rapid_nospace[at])
        elif (
            op in ("replace", "insert")
            and set(tess[b0:b1]) <= PUNCTUATION
            and (op == "insert" or set(rapid_nospace[a0:a1]) <= PUNCTUATION)
        ):
            space(space_before[b0])
            out.append(tess[b0:b1])
        elif op == "replace" and a1 - a0 == 1 and b1 - b0 == 1:
            space(space_before[b0] or rapid_space[a0])
            out.append(_settle_char(rapid_nospace, a0, tess[b0]))
        elif op in ("replace", "delete"):
            # Characters the engines read differently: a space before the run when either
            # engine has one there, RapidOCR's spaces inside it.
            space(rapid_space[a0] or (op == "replace" and space_before[b0]))
            for k in range(a0, a1):
                if k > a0:
                    space(rapid_space[k])
                out.append(rapid_nospace[k])
    return "".join(out)


Opcode = tuple[str, int, int, int, int]


def _in_word(text: str, at: int) -> bool:
    """Character `at` (counted without spaces) and the one before it are both letters."""
    return at > 0 and text[at - 1].isalpha() and text[at].isalpha()


def _punctuation_apart(opcodes: Sequence[Opcode], rapid: str, tess: str) -> list[Opcode]:
    """Split the comma or dot ending Tesseract's line off a last run the engines read
    differently (KPB6 / KPB4,), so it is kept though the characters are RapidOCR's."""
    result: list[Opcode] = []
    for op, a0, a1, b0, b1 in opcodes:
        trailing = len(tess[b0:b1]) - len(tess[b0:b1].rstrip(",."))
        at_end = a1 == len(rapid) and b1 == len(tess)
        if op == "replace" and at_end and 0 < trailing < b1 - b0 and rapid[-1].isalnum():
            result += [(op, a0, a1, b0, b1 - trailing), ("insert", a1, a1, b1 - trailing, b1)]
        else:
            result.append((op, a0, a1, b0, b1))
    return result


def _split_spaces(text: str) -> tuple[str, list[bool]]:
    """The text without spaces, and for each character whether a space came before it."""
    chars: list[str] = []
    space_before: list[bool] = []
    pending = False
    for ch in text.strip():
        if ch.isspace():
            pending = True
            continue
        chars.append(ch)
        space_before.append(pending)
        pending = False
    return "".join(chars), space_before


def _settle_char(rapid: str, at: int, tess_char: str) -> str:
    """One character the engines read differently: the digit among digits or the letter
    among letters wins (28I1 -> 2811, JA1AN -> JALAN); otherwise RapidOCR's reading."""
    mine = rapid[at]
    around = rapid[max(0, at - 1) : at] + rapid[at + 1 : at + 2]
    if len(around) < 2:
        return mine
    if around.isdigit() and tess_char.isdigit() and mine.isalpha():
        return tess_char
    if around.isalpha() and tess_char.isalpha() and mine.isdigit():
        return tess_char.upper() if around.isupper() else tess_char
    return mine


class CombinedEngine:
    """RapidOCR's lines and characters, Tesseract's spaces between English words."""

    name = "combined"

    def __init__(
        self, rapid: RapidOcrEngine | None = None, tesseract: TesseractEngine | None = None
    ):
        self.rapid = rapid or RapidOcrEngine()
        self.tesseract = tesseract or TesseractEngine()

    def read(self, image: Image.Image, language: Language = "eng") -> OcrPage:
        page = self.rapid.read(image, language)
        if language != "eng" or not page.lines:
            return replace(page, engine=self.name)
        words = [w for line in self.tesseract.read_words(image, language) for w in line]
        return replace(page, lines=merge_spacing(page.lines, words), engine=self.name)


def merge_spacing(lines: list[OcrLine], words: list[OcrWord]) -> list[OcrLine]:
    """Give each RapidOCR line the spacing of the Tesseract words whose centres fall inside it.

    Each word goes to one line only: of the lines around its centre, the one whose middle
    (along the detected quad, so a tilted line is followed to its ends) is nearest. On a
    skewed photo the upright boxes of neighbouring lines overlap, and a word given to both
    would mix one line's words into the other.
    """
    owned: list[list[OcrWord]] = [[] for _ in lines]
    for word in words:
        cx, cy = (word.box[0] + word.box[2]) / 2, (word.box[1] + word.box[3]) / 2
        best: tuple[float, int] | None = None
        for i, line in enumerate(lines):
            x0, y0, x1, y1 = line.box
            pad = max(2, line.height // 4)
            if not (x0 - pad <= cx <= x1 + pad and y0 - pad <= cy <= y1 + pad):
                continue
            top, bottom = _edges_at(line, cx)
            if not top - pad <= cy <= bottom + pad:
                continue
            distance = abs(cy - (top + bottom) / 2)
            if best is None or distance < best[0]:
                best = (distance, i)
        if best is not None:
            owned[best[1]].append(word)
    merged = []
    for line, inside in zip(lines, owned, strict=True):
        inside.sort(key=lambda w: w.box[0])
        tess_text = spaced_words(inside)
        merged.append(replace(line, text=respace(line.text, tess_text), words=tuple(inside)))
    return merged


PUNCTUATION_GAP = 1.0  # a space after `,` or `.` needs an ink gap of this many character widths


def spaced_words(words: Sequence[OcrWord]) -> str:
    """One line's Tesseract words joined by spaces, except after a comma or full stop whose
    ink gap to the next word is narrower than the line's mean character width.

    Tesseract splits a word at a comma whenever the comma leaves any gap (`Bahru,Johor`,
    `107,JALAN` printed without a space); a real space after a comma adds a whole space's
    width to the gap the comma leaves, so the gap tells the two apart where the text cannot.
    """
    if not words:
        return ""
    letters = sum(len(w.text) for w in words)
    width = sum(w.box[2] - w.box[0] for w in words) / max(1, letters)
    text = words[0].text
    for before, after in pairwise(words):
        gap = after.box[0] - before.box[2]
        joined = (
            before.text[-1:] in PUNCTUATION
            and after.text[:1].isalnum()
            and gap < PUNCTUATION_GAP * width
        )
        text += ("" if joined else " ") + after.text
    return text


def _edges_at(line: OcrLine, x: float) -> tuple[float, float]:
    """The line's top and bottom at page column x: along the detector's quad when there is
    one (top edge corners 0-1, bottom edge 3-2), else the upright box."""
    if len(line.quad) != 4:
        return float(line.box[1]), float(line.box[3])
    (tx0, ty0), (tx1, ty1), (bx1, by1), (bx0, by0) = line.quad

    def at(xa: float, ya: float, xb: float, yb: float) -> float:
        if abs(xb - xa) < 1:
            return (ya + yb) / 2
        t = min(1.0, max(0.0, (x - xa) / (xb - xa)))
        return ya + t * (yb - ya)

    return at(tx0, ty0, tx1, ty1), at(bx0, by0, bx1, by1)


def make_engine(name: EngineName, threads: int = 2) -> OcrEngine:
    """An engine by name; unknown names fail loudly."""
    if name == "tesseract":
        return TesseractEngine()
    if name == "rapidocr":
        return RapidOcrEngine(threads=threads)
    if name == "combined":
        return CombinedEngine(RapidOcrEngine(threads=threads), TesseractEngine())
    raise OcrEngineError(f"unknown OCR engine {name!r}; choose one of {', '.join(ENGINE_NAMES)}")
