"""read_document end to end, including the bad inputs of issue 4."""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from autoclaim.ocr import read_document
from autoclaim.ocr.engines import (
    DetectedLines,
    Language,
    OcrPage,
    RapidOcrEngine,
    TesseractEngine,
    TesseractRun,
)
from autoclaim.ocr.errors import DocumentTooLargeError, EncryptedPdfError, UnreadableDocumentError
from autoclaim.ocr.reader import DocumentReader
from tests.ocr.documents import huge_png, image_bytes, text_image, text_pdf
from tests.ocr.lines import valid_vin

RECEIPT = [
    "KEDAI MAJU JAYA SDN BHD",
    "12, JALAN MAWAR 3,",
    "TAMAN MELATI, 53100 KUALA LUMPUR",
    "TEL: 03-41234567",
    "DATE: 15/03/2019",
    "NASI LEMAK          1     6.50",
    "TEH TARIK           1     2.50",
    "TOTAL               9.00",
    "CASH                10.00",
    "CHANGE              1.00",
]


@pytest.fixture(scope="module")
def reader() -> DocumentReader:
    return DocumentReader("auto")


def vehicle_licence_image() -> Image.Image:
    return text_image(
        [
            "中华人民共和国机动车行驶证",
            "号牌号码 京A12345    车辆类型 小型轿车",
            "所有人 张三",
            "使用性质 非营运    品牌型号 大众牌FV7152",
            f"车辆识别代号 {valid_vin()}",
            "注册日期 2015-03-02    发证日期 2015-03-02",
        ],
        size=30,
        width=1100,
    )


@pytest.mark.slow
def test_vehicle_licence_image_end_to_end(reader: DocumentReader) -> None:
    reading = reader.read(image_bytes(vehicle_licence_image()), "licence.png")
    assert reading.doc_type == "vehicle_licence"
    assert reading.engine == "rapidocr"
    assert reading.models == (
        "ch_PP-OCRv4_det_infer.onnx",
        "ch_ppocr_mobile_v2.0_cls_infer.onnx",
        "PP-OCRv6_rec_small.onnx",
    )  # no Tesseract on a Chinese licence
    assert reading.page_count == 1
    assert reading.fields["plate"].value == "京A12345"
    assert reading.fields["vin"].value == valid_vin()
    assert reading.fields["vin"].status == "valid"
    assert reading.fields["register_date"].value == "2015-03-02"
    assert reading.fields["engine_no"].status == "missing"  # not printed on this page


@pytest.mark.slow
def test_receipt_image_end_to_end(reader: DocumentReader) -> None:
    reading = reader.read(image_bytes(text_image(RECEIPT, size=26), "JPEG"), "r.jpg")
    assert reading.doc_type == "receipt"
    assert reading.engine == "combined"
    assert "PP-OCRv6_rec_small.onnx" in reading.models
    assert re.fullmatch(r"tesseract \d+\.\S+ eng", reading.models[-1])  # it spaced the lines
    assert reading.fields["seller"].value == "KEDAI MAJU JAYA SDN BHD"
    assert reading.fields["date"].value == "2019-03-15"
    assert reading.fields["total"].value == "9.00"


class CountingRapidOcr(RapidOcrEngine):
    """The real RapidOCR engine, counting detection passes, the lines of the last one and
    the lines recognised."""

    def __init__(self) -> None:
        super().__init__(threads=1)
        self.detections = 0
        self.detected_lines = 0
        self.recognised_lines = 0

    def detect(self, image: Image.Image) -> DetectedLines:
        self.detections += 1
        found = super().detect(image)
        self.detected_lines = len(found.quads)
        return found

    def recognise(self, found: DetectedLines) -> OcrPage:
        self.recognised_lines += len(found.quads)
        return super().recognise(found)


@pytest.mark.slow
def test_skewed_receipt_is_levelled_without_a_second_pass() -> None:
    """The detector's line corners are turned with the page, so one RapidOCR pass serves
    both the skew estimate and the reading."""
    reader = DocumentReader("auto", threads=1)
    counting = CountingRapidOcr()
    reader.rapid = counting
    image = text_image(RECEIPT, size=26).rotate(-4, expand=True, fillcolor="white")
    reading = reader.read(image_bytes(image, "JPEG"), "skewed.jpg")
    assert any("deskewed" in w for w in reading.warnings)
    assert counting.detections == 1
    assert counting.recognised_lines == counting.detected_lines  # each line read once
    assert reading.fields["seller"].value == "KEDAI MAJU JAYA SDN BHD"
    assert reading.fields["date"].value == "2019-03-15"
    assert reading.fields["total"].value == "9.00"


class WatchedTesseract(TesseractEngine):
    """The real Tesseract engine, noting when a run starts and keeping each run to inspect."""

    def __init__(self, events: list[str]) -> None:
        super().__init__()
        self.events = events
        self.runs: list[TesseractRun] = []

    def start(self, image: Image.Image, language: Language = "eng") -> TesseractRun:
        self.events.append("tesseract started")
        run = super().start(image, language)
        self.runs.append(run)
        return run


class NotingRapidOcr(RapidOcrEngine):
    """The real RapidOCR engine, noting when the recogniser runs."""

    def __init__(self, events: list[str], fail: bool = False) -> None:
        super().__init__(threads=1)
        self.events = events
        self.fail = fail

    def recognise(self, found: DetectedLines) -> OcrPage:
        self.events.append("recognise")
        if self.fail:
            raise RuntimeError("recogniser failed")
        return super().recognise(found)


def watched_reader(fail: bool = False) -> tuple[DocumentReader, list[str], WatchedTesseract]:
    events: list[str] = []
    reader = DocumentReader("auto", threads=1)
    reader.rapid = NotingRapidOcr(events, fail)
    reader.tesseract = WatchedTesseract(events)
    return reader, events, reader.tesseract


@pytest.mark.slow
def test_declared_receipt_has_tesseract_reading_beside_the_recogniser() -> None:
    """With the type declared, Tesseract starts on the levelled page before the recogniser
    runs (the two overlap). Undeclared, it starts once the top lines are read and found in
    Latin script, beside the recogniser reading the rest; the reading is the same."""
    data = image_bytes(text_image(RECEIPT, size=26).rotate(-4, expand=True, fillcolor="white"))
    reader, events, _ = watched_reader()
    declared = reader.read(data, "r.png", "receipt")
    assert events == ["tesseract started", "recognise"]
    events.clear()
    classified = reader.read(data, "r.png")
    assert events == ["recognise", "tesseract started", "recognise"]
    assert classified.doc_type == "receipt"
    assert declared.fields == classified.fields
    assert declared.fields["seller"].value == "KEDAI MAJU JAYA SDN BHD"
    assert declared.fields["total"].value == "9.00"


@pytest.mark.slow
def test_declared_chinese_document_starts_no_tesseract() -> None:
    reader, events, _ = watched_reader()
    reader.read(image_bytes(vehicle_licence_image()), "licence.png", "vehicle_licence")
    assert events == ["recognise"]


@pytest.mark.slow
def test_undeclared_chinese_document_starts_no_tesseract() -> None:
    """The top lines of a Chinese licence hold Chinese: the recogniser reads the rest without
    Tesseract taking a core, and the reading is the declared one."""
    reader, events, _ = watched_reader()
    data = image_bytes(vehicle_licence_image())
    reading = reader.read(data, "licence.png")
    assert events == ["recognise", "recognise"]
    assert reading.doc_type == "vehicle_licence"
    assert reading.fields == reader.read(data, "licence.png", "vehicle_licence").fields


@pytest.mark.slow
def test_unused_tesseract_run_of_an_undeclared_page_is_stopped() -> None:
    """A Latin page that turns out not to be a receipt leaves no Tesseract running."""
    lines = ["PLEASE KEEP THIS DOOR CLOSED", "STAFF ONLY BEYOND THIS POINT"] * 4
    reader, events, tesseract = watched_reader()
    reading = reader.read(image_bytes(text_image(lines, size=30)), "sign.png")
    assert reading.doc_type == "unknown"
    assert "tesseract started" in events
    assert [run.finished for run in tesseract.runs] == [True]


@pytest.mark.slow
def test_tesseract_run_is_stopped_when_the_reading_fails() -> None:
    """A recogniser error after Tesseract has started leaves no Tesseract running."""
    reader, events, tesseract = watched_reader(fail=True)
    with pytest.raises(RuntimeError, match="recogniser failed"):
        reader.read(image_bytes(text_image(RECEIPT * 8, size=26)), "r.png", "receipt")
    assert events == ["tesseract started", "recognise"]
    assert [run.finished for run in tesseract.runs] == [True]


@pytest.mark.slow
def test_tesseract_run_is_stopped_when_a_later_step_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    """An error after every page is read (here in the address second look) stops the
    Tesseract runs not yet collected."""
    reader, _, tesseract = watched_reader()

    def broken(page: object) -> object:
        raise RuntimeError("second look failed")

    monkeypatch.setattr(reader, "address_second_look", broken)
    with pytest.raises(RuntimeError, match="second look failed"):
        reader.read(image_bytes(text_image(RECEIPT * 8, size=26)), "r.png", "receipt")
    assert [run.finished for run in tesseract.runs] == [True]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("degrees", "note"),
    [(90, "turned by 270 degrees"), (270, "turned by 90 degrees"), (180, "upside down")],
)
def test_turned_page_is_recognised_once(degrees: int, note: str) -> None:
    """Orientation is judged from the detected lines, so a turned page is detected again
    but the recogniser (the expensive stage) reads it only once, the right way up."""
    reader = DocumentReader("auto", threads=1)
    counting = CountingRapidOcr()
    reader.rapid = counting
    image = vehicle_licence_image().rotate(degrees, expand=True)
    reading = reader.read(image_bytes(image), "turned.png")
    assert any(note in w for w in reading.warnings)
    assert counting.recognised_lines == counting.detected_lines  # the turned page's, once
    assert counting.detections == 2
    assert reading.fields["plate"].value == "京A12345"


@pytest.mark.slow
def test_upside_down_scan_is_turned_and_read(reader: DocumentReader) -> None:
    image = vehicle_licence_image().rotate(180)
    reading = reader.read(image_bytes(image), "upside-down.png")
    assert reading.doc_type == "vehicle_licence"
    assert reading.fields["plate"].value == "京A12345"
    assert any("upside down" in w for w in reading.warnings)


@pytest.mark.slow
def test_sideways_scan_is_turned_and_read(reader: DocumentReader) -> None:
    image = vehicle_licence_image().rotate(90, expand=True)
    reading = reader.read(image_bytes(image), "sideways.png")
    assert reading.fields["plate"].value == "京A12345"
    assert any("on its side" in w for w in reading.warnings)


def test_blank_page_is_unknown_with_a_clear_message(reader: DocumentReader) -> None:
    reading = reader.read(image_bytes(Image.new("RGB", (1240, 1754), "white")), "blank.png")
    assert reading.doc_type == "unknown"
    assert reading.fields == {}
    assert any("no text" in w for w in reading.warnings)


def car_photo() -> Image.Image:
    """A photo-like picture with no text: sky, road, a car body, wheels, sensor noise."""
    rng = np.random.default_rng(0)
    sky = np.linspace(200, 120, 480)[:, None, None] * np.array([0.6, 0.8, 1.0])
    pixels = np.broadcast_to(sky, (480, 640, 3)).copy()
    pixels[330:] = [90, 90, 95]
    image = Image.fromarray(
        np.clip(pixels + rng.normal(0, 6, pixels.shape), 0, 255).astype("uint8")
    )
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((120, 220, 520, 350), radius=40, fill=(170, 20, 30))
    draw.polygon([(200, 220), (260, 160), (420, 160), (470, 220)], fill=(150, 15, 25))
    for x in (200, 440):
        draw.ellipse((x - 40, 310, x + 40, 390), fill=(20, 20, 20))
    return image


@pytest.mark.slow
def test_car_photo_is_unknown_with_a_clear_message(reader: DocumentReader) -> None:
    reading = reader.read(image_bytes(car_photo(), "JPEG"), "car.jpg")
    assert reading.doc_type == "unknown"
    assert reading.warnings


@pytest.mark.slow
@pytest.mark.needs_data
def test_real_car_photo_is_unknown(reader: DocumentReader, data_root: Path) -> None:
    photo = sorted((data_root / "car-damage-severity" / "val").glob("*.jpg"))[0]
    reading = reader.read(photo.read_bytes(), photo.name)
    assert reading.doc_type == "unknown"
    assert reading.warnings


def test_multi_page_pdf_reads_all_pages(reader: DocumentReader) -> None:
    pdf = text_pdf([RECEIPT[:5], RECEIPT[5:]])
    reading = reader.read(pdf, "receipt.pdf")
    assert reading.page_count == 2
    assert reading.engine == "pdf-text"
    assert reading.models == ()  # the text layer was read, no OCR model
    assert reading.doc_type == "receipt"
    assert reading.fields["date"].value == "2019-03-15"
    assert reading.fields["total"].value == "9.00"  # printed on page 2


def test_read_document_entry_point_raises_precise_errors() -> None:
    with pytest.raises(EncryptedPdfError):
        read_document(text_pdf([["x"]], encrypt=True), "locked.pdf")
    with pytest.raises(UnreadableDocumentError):
        read_document(b"%PDF-1.7\n garbage", "broken.pdf")


def test_huge_image_gives_an_error_in_bounded_time() -> None:
    started = time.perf_counter()
    with pytest.raises(DocumentTooLargeError):
        read_document(huge_png(), "huge.png")
    assert time.perf_counter() - started < 5


def test_given_doc_type_skips_classification(reader: DocumentReader) -> None:
    pdf = text_pdf([["HELLO 12.50"]])
    reading = reader.read(pdf, "x.pdf", doc_type="receipt")
    assert reading.doc_type == "receipt"
    assert set(reading.fields) == {"seller", "date", "address", "total"}


def test_worker_threads_asking_at_once_share_one_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    """Worker threads reading their first documents together get one pool (and so never
    load more readers' models than the pool's size)."""
    from autoclaim.ocr import reader as reader_module

    built: list[object] = []

    class SlowToMake(reader_module.ReaderPool):
        def __init__(self, engine: reader_module.EngineChoice, threads: int, size: int) -> None:
            time.sleep(0.05)  # the window a second thread would slip into without the lock
            built.append(self)
            super().__init__(engine, threads, size)

    monkeypatch.setattr(reader_module, "ReaderPool", SlowToMake)
    monkeypatch.setattr(reader_module, "_POOLS", {})
    start = threading.Barrier(4)
    got: list[object] = []

    def ask() -> None:
        start.wait()
        got.append(reader_module.get_pool("tesseract", 1, 2))

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(built) == 1 and all(r is got[0] for r in got)


class SlowReader(DocumentReader):
    """A reader whose every read takes 0.3 s (the pool's lending, not OCR, is under test)."""

    active = 0
    most_active = 0
    lock = threading.Lock()

    def read(self, data: bytes, filename: str | None = None, doc_type: object = None) -> object:  # type: ignore[override]
        with SlowReader.lock:
            SlowReader.active += 1
            SlowReader.most_active = max(SlowReader.most_active, SlowReader.active)
        time.sleep(0.3)
        with SlowReader.lock:
            SlowReader.active -= 1
        if data == b"bad":
            raise UnreadableDocumentError("not a document")
        return data


def _read_at_once(pool: object, payloads: list[bytes]) -> list[object]:
    from concurrent.futures import ThreadPoolExecutor

    def one(data: bytes) -> object:
        try:
            return pool.read(data, "x.png")  # type: ignore[attr-defined]
        except UnreadableDocumentError as exc:
            return exc

    with ThreadPoolExecutor(len(payloads)) as ex:
        return list(ex.map(one, payloads))


def test_pool_reads_documents_side_by_side_up_to_its_size(monkeypatch: pytest.MonkeyPatch) -> None:
    from autoclaim.ocr import reader as reader_module

    monkeypatch.setattr(reader_module, "DocumentReader", SlowReader)
    SlowReader.most_active = 0
    pool = reader_module.ReaderPool("tesseract", threads=1, size=2)
    started = time.perf_counter()
    got = _read_at_once(pool, [b"a", b"b", b"c", b"d"])
    elapsed = time.perf_counter() - started
    assert got == [b"a", b"b", b"c", b"d"]
    assert pool.made == 2 and SlowReader.most_active == 2
    assert elapsed < 1.0  # two at a time: about 0.6 s, not 1.2 s in turn


def test_pool_takes_a_reader_back_after_a_failed_read(monkeypatch: pytest.MonkeyPatch) -> None:
    from autoclaim.ocr import reader as reader_module

    monkeypatch.setattr(reader_module, "DocumentReader", SlowReader)
    pool = reader_module.ReaderPool("tesseract", threads=1, size=1)
    got = _read_at_once(pool, [b"bad", b"ok"])
    assert isinstance(got[0], UnreadableDocumentError) and got[1] == b"ok"
    assert pool.made == 1


def test_pooled_readers_hold_their_own_models() -> None:
    from autoclaim.ocr.reader import ReaderPool

    pool = ReaderPool("auto", threads=1, size=2)
    first, second = pool._borrow(), pool._borrow()
    assert first.rapid.models() is not second.rapid.models()


def test_a_second_reader_reuses_the_folded_models(monkeypatch: pytest.MonkeyPatch) -> None:
    """Folding is most of a reader's start-up: the pool's second reader must not repeat it,
    yet it still gets sessions of its own."""
    import autoclaim.ocr.graph as graph
    from autoclaim.ocr.engines import folded_model, load_rapidocr

    folded_model.cache_clear()
    calls: list[int] = []
    original = graph.simplify

    def counting(model):  # type: ignore[no-untyped-def]
        calls.append(1)
        return original(model)

    monkeypatch.setattr(graph, "simplify", counting)
    first, second = load_rapidocr(1), load_rapidocr(1)
    assert len(calls) == 3  # detector, orientation classifier, recogniser: once each
    assert first.text_rec.session.session is not second.text_rec.session.session
