"""`read_document`: bytes in, a `DocumentReading` out (the one entry point of autoclaim.ocr).

Steps: load pages (PDF text layer when present) → contrast → RapidOCR line detection →
orientation from the detected lines (turn and detect again when needed) → deskew angle from
the detected lines → recognition (the lines' corners turned with the page afterwards) →
classify the text → for English receipts, the address lines read again for faint punctuation
and Tesseract's word spacing merged in (the "combined" engine) → the parser for the document
type → fields with checks. Tesseract starts on the levelled page before recognition and reads
beside it when the type is declared a receipt, or, undeclared, once the page's top lines are
read and printed in Latin script.
"""

from __future__ import annotations

import logging
import queue
import threading
from dataclasses import dataclass, replace
from typing import Literal

from PIL import Image

from autoclaim.ocr import preprocess
from autoclaim.ocr.classify import classify_text, printed_in_latin
from autoclaim.ocr.engines import (
    DetectedLines,
    Language,
    OcrLine,
    OcrPage,
    RapidOcrEngine,
    TesseractEngine,
    TesseractRun,
    merge_spacing,
    rapidocr_model_files,
)
from autoclaim.ocr.extraction.model import shipped_extractor
from autoclaim.ocr.layout import within
from autoclaim.ocr.loading import load_document
from autoclaim.ocr.parsers.chinese import (
    ParsedFields,
    parse_driver_licence,
    parse_invoice,
    parse_vehicle_licence,
)
from autoclaim.ocr.parsers.receipt import parse_receipt
from autoclaim.ocr.tesseract_info import tesseract_version
from autoclaim.ocr.types import FIELD_NAMES, DocType, DocumentReading, FieldReading

log = logging.getLogger(__name__)

EngineChoice = Literal["auto", "tesseract", "rapidocr", "combined"]
# Chosen by scripts/bench_ocr.py: RapidOCR reads Chinese documents best; on English
# receipts RapidOCR's characters with Tesseract's spacing ("combined") score highest.
DEFAULT_ENGINE: dict[DocType, str] = {
    "vehicle_licence": "rapidocr",
    "driver_licence": "rapidocr",
    "vat_invoice": "rapidocr",
    "repair_invoice": "rapidocr",
    "receipt": "combined",
    "unknown": "rapidocr",
}
# When Tesseract's spacing pass (English receipts) starts on a page: at once, before the
# recogniser (the type is declared a receipt); once the top lines are read and printed in
# Latin script (the type is not declared); or never (a declared type that takes no spacing).
SpacingStart = Literal["at_once", "if_latin", "never"]
# The top lines read first to judge the script of an undeclared page.
SCRIPT_PROBE_LINES = 5


@dataclass(frozen=True)
class PageText:
    lines: list[OcrLine]
    image: Image.Image
    from_text_layer: bool
    notes: list[str]
    spacing: TesseractRun | None = None  # Tesseract reading the page for word spacing


class DocumentReader:
    """Engines loaded once and reused for every document."""

    def __init__(self, engine: EngineChoice = "auto", threads: int = 2) -> None:
        self.engine = engine
        self.rapid = RapidOcrEngine(threads=threads)
        self.tesseract = TesseractEngine()
        # Pre-processing steps, each switchable so its effect can be measured
        # (scripts/ablate_ocr_preprocess.py).
        self.remove_stamps = True
        self.stretch_contrast = True
        self.fix_orientation = True
        self.deskew = True

    def read(
        self, data: bytes, filename: str | None = None, doc_type: DocType | None = None
    ) -> DocumentReading:
        document = load_document(data, filename)
        warnings = list(document.warnings)
        spacing = self._spacing_start(doc_type)
        pages: list[PageText] = []
        try:
            for i, loaded in enumerate(document.pages):
                pages.append(self.page_text(loaded.image, loaded.text_lines, i, spacing))
            return self._finish(pages, warnings, doc_type, document.page_count)
        finally:
            for page in pages:
                if page.spacing is not None:
                    page.spacing.cancel()  # stops a run left uncollected by an error

    def _finish(
        self, pages: list[PageText], warnings: list[str], doc_type: DocType | None, page_count: int
    ) -> DocumentReading:
        """Classify (unless declared), the second look and Tesseract for receipts, parse."""
        for page in pages:
            warnings.extend(page.notes)
        all_text = "\n".join(ln.text for page in pages for ln in page.lines)
        if doc_type is None:
            found = classify_text(all_text)
            doc_type = found.doc_type
            if doc_type == "unknown":
                warnings.append(found.message)
        engine = self._engine_for(doc_type)
        language = document_language(doc_type)
        pages = [self.finish_page(page, doc_type, engine) for page in pages]
        lines = [ln for page in _stacked(pages) for ln in page]
        parsed = parse_lines(doc_type, lines)
        from_text_layer = all(p.from_text_layer for p in pages)
        return DocumentReading(
            doc_type=doc_type,
            fields=parsed.fields,
            line_items=parsed.line_items,
            checks=parsed.checks,
            warnings=warnings,
            engine="pdf-text" if from_text_layer else engine,
            page_count=page_count,
            models=() if from_text_layer else _models_used(engine, language),
        )

    def _engine_for(self, doc_type: DocType) -> str:
        return DEFAULT_ENGINE[doc_type] if self.engine == "auto" else self.engine

    def _reads_spacing(self, doc_type: DocType) -> bool:
        """Documents of this type get Tesseract's English word spacing ("combined")."""
        return document_language(doc_type) == "eng" and self._engine_for(doc_type) == "combined"

    def _spacing_start(self, doc_type: DocType | None) -> SpacingStart:
        """When Tesseract's spacing pass starts on the pages of a document declared `doc_type`
        (None: not declared): as soon as a page is levelled, so that it reads beside the
        recogniser, wherever the document may be an English receipt."""
        if doc_type is None:
            return "if_latin" if self._reads_spacing("receipt") else "never"
        return "at_once" if self._reads_spacing(doc_type) else "never"

    def page_text(
        self,
        image: Image.Image,
        text_lines: list[OcrLine] | None,
        index: int = 0,
        spacing: SpacingStart = "never",
    ) -> PageText:
        """One page's lines (text layer, or RapidOCR after seal, contrast, orientation and
        skew fixes), with notes on what was done. Tesseract starts reading the levelled page
        for English word spacing where `spacing` asks (`_recognised`; collected by
        `with_tesseract`)."""
        if text_lines:
            return PageText(text_lines, image, True, [])
        notes = []
        if self.remove_stamps:
            image, stamped = preprocess.remove_red_stamps(image)
            if stamped:
                notes.append(f"page {index + 1}: red seal removed before reading")
        stretched = False
        if self.stretch_contrast:
            image, stretched = preprocess.improve_contrast(image)
        if stretched:
            notes.append(f"page {index + 1}: low contrast, stretched")
        found = self.rapid.detect(image)
        if self.fix_orientation and preprocess.page_turned_sideways(found):
            # The line crops of a page on its side are cut turned a quarter clockwise; the
            # classifier sees them upside down when the page needs the other quarter turn.
            turn = 270 if preprocess.page_upside_down(found) else 90
            image = preprocess.rotate(image, turn)
            found = self.rapid.detect(image)
            notes.append(f"page {index + 1}: on its side, turned by {turn} degrees")
        if self.fix_orientation and preprocess.page_upside_down(found):
            image = preprocess.rotate(image, 180)
            found = self.rapid.detect(image)
            notes.append(f"page {index + 1}: upside down, turned by 180 degrees")
        angle = preprocess.deskew_angle(found.skew_deg) if self.deskew else None
        level = image if angle is None else preprocess.rotate(image, angle)
        page, tesseract = self._recognised(found, level, spacing)
        if angle is not None:
            page = preprocess.turn_lines(page, image.size, level.size, angle)
            notes.append(f"page {index + 1}: deskewed by {angle:.1f} degrees")
        if not page.lines:
            notes.append(f"page {index + 1}: no text found")
        return PageText(page.lines, level, False, notes, tesseract)

    def _recognised(
        self, found: DetectedLines, level: Image.Image, spacing: SpacingStart
    ) -> tuple[OcrPage, TesseractRun | None]:
        """The detected lines read by the recogniser, with Tesseract started on the levelled
        page to read beside it where `spacing` asks: before the recogniser runs, or after it
        has read the top `SCRIPT_PROBE_LINES` lines and found them printed in Latin script (a
        Chinese document would only lose a core to a Tesseract pass it never uses)."""
        if spacing == "never" or not found.quads:
            return self.rapid.recognise(found), None
        top: list[OcrLine] = []
        rest = found
        if spacing == "if_latin":
            head, rest = found.split(SCRIPT_PROBE_LINES)
            top = self.rapid.recognise(head).lines
            if not printed_in_latin("\n".join(ln.text for ln in top)):
                return _joined(found, top, self.rapid.recognise(rest)), None
        tesseract = self.tesseract.start(level, "eng")
        try:
            return _joined(found, top, self.rapid.recognise(rest)), tesseract
        except BaseException:
            tesseract.cancel()
            raise

    def finish_page(self, page: PageText, doc_type: DocType, engine: str) -> PageText:
        """A page of a `doc_type` document as `engine` finishes it after `page_text`: on
        receipts the address second look, then Tesseract's reading or spacing where the
        engine takes it."""
        if doc_type == "receipt" and engine in ("rapidocr", "combined"):
            page = self.address_second_look(page)
        if engine in ("combined", "tesseract"):
            page = self.with_tesseract(page, engine, document_language(doc_type))
        return page

    def address_second_look(self, page: PageText) -> PageText:
        """A receipt page with the lines of its address read a second time for faint commas
        and full stops (`RapidOcrEngine.reread_punctuation`): a few lines, not the page, so
        it costs little."""
        if page.from_text_layer or not page.lines:
            return page
        box = parse_receipt(page.lines).fields["address"].box
        if box is None:
            return page
        inside = [i for i, ln in enumerate(page.lines) if within(ln.box, box)]
        reread = self.rapid.reread_punctuation(page.image, [page.lines[i] for i in inside])
        lines = list(page.lines)
        for i, line in zip(inside, reread, strict=True):
            lines[i] = line
        return replace(page, lines=lines)

    def with_tesseract(self, page: PageText, engine: str, language: Language = "eng") -> PageText:
        """Lines read by Tesseract, or RapidOCR's lines spaced by Tesseract ("combined")."""
        if page.from_text_layer:
            return page
        if engine == "tesseract":
            read: OcrPage = self.tesseract.read(page.image, language)
            return replace(page, lines=read.lines)
        if language != "eng":
            return page
        run = page.spacing or self.tesseract.start(page.image, "eng")
        words = [w for line in run.words() for w in line]
        return replace(page, lines=merge_spacing(page.lines, words), spacing=None)


def _joined(found: DetectedLines, top: list[OcrLine], rest: OcrPage) -> OcrPage:
    """The page of all `found` lines, from the recogniser's reading of its top lines (`top`)
    and of the rest."""
    return replace(rest, lines=top + rest.lines, skew_deg=found.skew_deg)


def document_language(doc_type: DocType) -> Language:
    """The language a document type is printed in."""
    return "eng" if doc_type in ("receipt", "unknown") else "chi_sim"


def _models_used(engine: str, language: Language) -> tuple[str, ...]:
    """RapidOCR's model files (every page is detected, turned and classified with them) and
    Tesseract where it read the text or its spacing."""
    tesseract_read = engine == "tesseract" or (engine == "combined" and language == "eng")
    tesseract = (f"tesseract {tesseract_version()} {language}",) if tesseract_read else ()
    return (*rapidocr_model_files(), *tesseract)


def _stacked(pages: list[PageText]) -> list[list[OcrLine]]:
    """Lines of all pages, later pages shifted below earlier ones so rows never mix."""
    offset = 0
    out = []
    for page in pages:
        out.append(
            [
                replace(ln, box=(ln.box[0], ln.box[1] + offset, ln.box[2], ln.box[3] + offset))
                for ln in page.lines
            ]
        )
        offset += page.image.height
    return out


def parse_lines(doc_type: DocType, lines: list[OcrLine]) -> ParsedFields:
    """The parser for the document type; every canonical field is present in the result."""
    if doc_type == "receipt":
        # The learned extractor picks the fields; the rules still normalise and check them.
        parsed = ParsedFields(*shipped_extractor().read(lines))
    elif doc_type == "vehicle_licence":
        parsed = parse_vehicle_licence(lines)
    elif doc_type == "driver_licence":
        parsed = parse_driver_licence(lines)
    elif doc_type in ("vat_invoice", "repair_invoice"):
        parsed = parse_invoice(lines, repair=doc_type == "repair_invoice")
    else:
        parsed = ParsedFields({}, [], [])
    fields: dict[str, FieldReading] = {
        name: parsed.fields.get(name) or FieldReading.missing(name)
        for name in FIELD_NAMES[doc_type]
    }
    return ParsedFields(fields, parsed.line_items, parsed.checks)


class ReaderPool:
    """Up to `size` readers, each with its own models, lent one per document: documents read
    at the same moment (the service's worker threads) run side by side on separate cores
    instead of queueing for one engine. Readers are made on demand and kept."""

    def __init__(self, engine: EngineChoice = "auto", threads: int = 1, size: int = 2) -> None:
        self.engine = engine
        self.threads = threads
        self.size = size
        self._free: queue.LifoQueue[DocumentReader] = queue.LifoQueue()
        self._made = 0
        self._lock = threading.Lock()

    @property
    def made(self) -> int:
        """How many readers (sets of models) exist so far."""
        return self._made

    def _borrow(self) -> DocumentReader:
        try:
            return self._free.get_nowait()
        except queue.Empty:
            pass
        with self._lock:
            if self._made < self.size:
                self._made += 1
                return DocumentReader(self.engine, self.threads)
        return self._free.get()  # all readers busy: wait for one

    def read(
        self, data: bytes, filename: str | None = None, doc_type: DocType | None = None
    ) -> DocumentReading:
        reader = self._borrow()
        try:
            return reader.read(data, filename, doc_type)
        finally:
            self._free.put(reader)


_POOLS: dict[tuple[str, int, int], ReaderPool] = {}
_POOLS_LOCK = threading.Lock()


def get_pool(engine: EngineChoice = "auto", threads: int = 1, size: int = 2) -> ReaderPool:
    """The process-wide pool of readers for these settings."""
    key = (engine, threads, size)
    with _POOLS_LOCK:
        if key not in _POOLS:
            _POOLS[key] = ReaderPool(engine, threads, size)
        return _POOLS[key]


def read_document(
    data: bytes, filename: str | None = None, doc_type: DocType | None = None
) -> DocumentReading:
    """Read an image or PDF into typed, checked fields; raises `DocumentError` subclasses
    for files it cannot take (corrupt, encrypted, too large, unsupported). Safe to call
    from several threads: up to `ocr_readers` documents are read at the same time."""
    from autoclaim.config import get_settings

    settings = get_settings()
    pool = get_pool(settings.ocr_engine, settings.ocr_threads, settings.ocr_readers)
    return pool.read(data, filename, doc_type)
