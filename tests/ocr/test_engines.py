"""The engine wrappers on small images rendered in code with the installed CJK font."""

from __future__ import annotations

import numpy as np
import pytest

from autoclaim.ocr.engines import (
    CombinedEngine,
    OcrWord,
    RapidOcrEngine,
    TesseractEngine,
    extend_to_ink,
    make_engine,
    recogniser_path,
    tesseract_lines,
)
from autoclaim.ocr.errors import OcrEngineError
from tests.ocr.documents import text_image

ENGLISH = ["TOTAL AMOUNT 12.50", "THANK YOU"]
CHINESE = ["号牌号码 京A12345", "车辆类型 小型轿车"]


def _joined(lines: list[str]) -> str:
    return "".join("".join(lines).split()).upper()


def test_tesseract_reads_english_lines_with_boxes() -> None:
    image = text_image(ENGLISH)
    page = TesseractEngine().read(image, "eng")
    assert [ln.text for ln in page.lines] == ENGLISH
    first = page.lines[0]
    assert 0 <= first.box[0] < first.box[2] <= image.width
    assert 0 < first.confidence <= 1
    assert [w.text for w in first.words] == ["TOTAL", "AMOUNT", "12.50"]


def test_tesseract_reads_chinese() -> None:
    page = TesseractEngine().read(text_image(CHINESE), "chi_sim")
    assert "京A12345" in _joined([ln.text for ln in page.lines])


def test_rapidocr_reads_chinese_and_english_lines() -> None:
    page = RapidOcrEngine().read(text_image(CHINESE + ENGLISH), "chi_sim")
    text = _joined([ln.text for ln in page.lines])
    assert "号牌号码京A12345" in text
    assert "TOTALAMOUNT12.50" in text
    assert all(0 < ln.confidence <= 1 for ln in page.lines)


def test_rapidocr_models_load_once_per_engine() -> None:
    first, second = RapidOcrEngine(threads=1), RapidOcrEngine(threads=1)
    assert first.models() is first.models()
    assert first.models() is not second.models()  # engines read side by side


def test_rapidocr_sessions_use_the_configured_threads() -> None:
    models = RapidOcrEngine(threads=1).models()
    for runner in (models.text_det.infer, models.text_cls.infer, models.text_rec.session):
        options = runner.session.get_session_options()
        assert options.intra_op_num_threads == 1
        assert options.get_session_config_entry("session.intra_op.allow_spinning") == "0"
        assert not options.enable_cpu_mem_arena  # page and line shapes change every call


@pytest.mark.slow
def test_combined_engine_keeps_english_word_spacing() -> None:
    page = CombinedEngine().read(text_image(["SOON HUAT MACHINERY ENTERPRISE"]), "eng")
    assert page.lines[0].text == "SOON HUAT MACHINERY ENTERPRISE"


def test_blank_image_gives_no_lines() -> None:
    from PIL import Image

    assert RapidOcrEngine().read(Image.new("RGB", (600, 400), "white")).lines == []


def test_unknown_engine_name_fails_loudly() -> None:
    with pytest.raises(OcrEngineError, match="unknown OCR engine 'paddle'"):
        make_engine("paddle")  # type: ignore[arg-type]


def test_rapidocr_models_ship_inside_the_wheel() -> None:
    """Nothing is downloaded at run time: the three ONNX models sit in the package."""
    from pathlib import Path

    import rapidocr_onnxruntime

    models = Path(rapidocr_onnxruntime.__file__).parent / "models"
    names = {p.name for p in models.glob("*.onnx")}
    assert {"ch_PP-OCRv4_det_infer.onnx", "ch_ppocr_mobile_v2.0_cls_infer.onnx"} <= names
    assert recogniser_path().is_file()


def test_recogniser_is_pp_ocrv6_decoded_with_its_own_characters() -> None:
    """The PP-OCRv6 recogniser's 18,708 characters (plus CTC blank and space) decode its
    outputs; RapidOCR's PP-OCRv4 list (6,623) would map most classes to wrong characters."""
    models = RapidOcrEngine(threads=1).models()
    session = models.text_rec.session.session
    assert session.get_outputs()[0].shape[-1] == len(models.text_rec.postprocess_op.character)
    assert len(models.text_rec.postprocess_op.character) == 18_710


def test_missing_recogniser_wheel_is_a_clear_engine_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import importlib.util

    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(OcrEngineError, match=r"PP-OCRv6_rec_small\.onnx is not installed"):
        recogniser_path()


def test_recogniser_reads_lines_one_at_a_time() -> None:
    """Batches pad every crop to the widest; one line at a time costs about a third less."""
    assert RapidOcrEngine(threads=1).models().text_rec.rec_batch_num == 1


def test_tesseract_runs_with_one_openmp_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tesseract's OpenMP threads spin while waiting: on two shared cores they nearly tripled
    its CPU time, so it is started with OMP_THREAD_LIMIT=1 (and the rest of the environment)."""
    import subprocess

    seen: dict[str, str] = {}
    real_popen = subprocess.Popen

    def spy(cmd: list[str], **kwargs: object) -> subprocess.Popen[bytes]:
        env = kwargs["env"]
        assert isinstance(env, dict)
        seen.update(env)
        return real_popen(cmd, **kwargs)  # type: ignore[call-overload, no-any-return]

    monkeypatch.setenv("AUTOCLAIM_PROBE", "kept")
    monkeypatch.setattr(subprocess, "Popen", spy)
    page = TesseractEngine().read(text_image(ENGLISH), "eng")
    assert [ln.text for ln in page.lines] == ENGLISH
    assert seen["OMP_THREAD_LIMIT"] == "1"
    assert seen["AUTOCLAIM_PROBE"] == "kept"


def test_tesseract_run_reads_in_the_background_until_collected() -> None:
    """`start` returns while Tesseract is still reading; `words` waits for its lines."""
    run = TesseractEngine().start(text_image(ENGLISH * 6), "eng")
    assert not run.finished
    lines = [" ".join(w.text for w in words) for words in run.words()]
    assert lines == ENGLISH * 6
    assert run.finished


def test_cancelled_tesseract_run_is_stopped() -> None:
    run = TesseractEngine().start(text_image(ENGLISH * 20), "eng")
    run.cancel()
    assert run.finished
    run.cancel()  # a second cancel (or one after collecting) does nothing


def test_tesseract_lines_join_words_and_sort_top_to_bottom() -> None:
    low = [OcrWord("TOTAL", (10, 50, 60, 60), 0.9), OcrWord("9.00", (70, 50, 100, 60), 0.7)]
    high = [OcrWord("机动", (10, 10, 30, 20), 0.8), OcrWord("车", (31, 10, 40, 20), 0.6)]
    lines = tesseract_lines([low, high], "chi_sim")
    assert [ln.text for ln in lines] == ["机动车", "TOTAL 9.00"]
    assert lines[1].box == (10, 50, 100, 60)
    assert lines[1].confidence == pytest.approx(0.8)
    assert [ln.text for ln in tesseract_lines([low], "eng")] == ["TOTAL 9.00"]


def test_tesseract_past_its_timeout_is_an_engine_error() -> None:
    with pytest.raises(OcrEngineError, match="tesseract gave up after"):
        TesseractEngine(timeout_s=0.001).read(text_image(ENGLISH * 20), "eng")


def test_short_lines_reach_the_recogniser_at_their_own_width(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A short line is not padded to 320 px (most of that input was padding)."""
    from autoclaim.ocr.engines import REC_MIN_WIDTH

    engine = RapidOcrEngine()
    holder = engine.models().text_rec.session
    widths: list[int] = []
    real_run = holder.session.run

    def spy(outputs: object, feed: dict[str, object]) -> object:
        (batch,) = feed.values()
        widths.append(batch.shape[3])  # type: ignore[attr-defined]
        return real_run(outputs, feed)

    monkeypatch.setattr(holder.session, "run", spy, raising=False)
    page = engine.read(text_image(["9.00", "TOTAL AMOUNT DUE RM 12.50 THANK YOU"]))
    assert [ln.text.replace(" ", "") for ln in page.lines] == [
        "9.00",
        "TOTALAMOUNTDUERM12.50THANKYOU",
    ]
    assert REC_MIN_WIDTH <= min(widths) < 320 < max(widths)


def test_model_files_are_looked_up_once_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every reading names its model files; RapidOCR's config is not re-read per document."""
    import rapidocr_onnxruntime.utils

    from autoclaim.ocr.engines import model_paths, rapidocr_model_files

    reads = []
    real = rapidocr_onnxruntime.utils.read_yaml
    monkeypatch.setattr(
        rapidocr_onnxruntime.utils, "read_yaml", lambda path: reads.append(path) or real(path)
    )
    model_paths.cache_clear()
    first, second = rapidocr_model_files(), rapidocr_model_files()
    assert (
        first
        == second
        == (
            "ch_PP-OCRv4_det_infer.onnx",
            "ch_ppocr_mobile_v2.0_cls_infer.onnx",
            "PP-OCRv6_rec_small.onnx",
        )
    )
    assert len(reads) == 1


def _page_with_line() -> tuple[np.ndarray, np.ndarray]:
    """Paper (250) with a dark 30-px line of text at x 100-300 and its detected box."""
    page = np.full((200, 500), 250, dtype=np.uint8)
    page[55:75, 105:295:6] = 40  # letter strokes
    box = np.array([[100, 50], [300, 50], [300, 80], [100, 80]], dtype=np.float32)
    return page, box


def test_a_line_is_lengthened_over_a_faint_letter_its_box_left_out() -> None:
    page, box = _page_with_line()
    page[57:73, 93:96] = 215  # faint first letter, 4 to 7 px left of the box
    (quad,) = extend_to_ink(page, [box])
    assert quad[0][0] == pytest.approx(91) and quad[3][0] == pytest.approx(91)  # 0.3 x 30 px
    assert quad[1][0] == 300 and quad[2][0] == 300  # no ink to the right: end unchanged


def test_a_line_is_not_lengthened_into_clean_paper_or_another_line() -> None:
    page, box = _page_with_line()
    (quad,) = extend_to_ink(page, [box])
    assert np.array_equal(quad, box)  # clean margins
    page[57:73, 93:96] = 40  # the ink beside it is the end of another detected box
    neighbour = np.array([[40, 52], [97, 52], [97, 78], [40, 78]], dtype=np.float32)
    extended = extend_to_ink(page, [box, neighbour])
    assert np.array_equal(extended[0], box)


def test_a_box_off_the_page_is_left_as_it_is() -> None:
    page, _ = _page_with_line()
    off = np.array([[600, 50], [700, 50], [700, 80], [600, 80]], dtype=np.float32)
    (quad,) = extend_to_ink(page, [off])
    assert np.array_equal(quad, off)


def test_detected_lines_are_cut_from_the_lengthened_boxes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`detect` measures ink on the page it reads and cuts the lines where `extend_to_ink`
    puts them."""
    from autoclaim.ocr import engines

    image = text_image(ENGLISH)
    engine = RapidOcrEngine(threads=1)
    plain = engine.detect(image)
    pages: list[tuple[int, ...]] = []

    def moved_left(gray: np.ndarray, boxes: list[np.ndarray]) -> list[np.ndarray]:
        pages.append(gray.shape)
        return [np.asarray(b, dtype=np.float32) - np.float32([5, 0]) for b in boxes]

    monkeypatch.setattr(engines, "extend_to_ink", moved_left)
    shifted = engine.detect(image)
    assert pages == [(image.height, image.width)]
    for before, after in zip(plain.quads, shifted.quads, strict=True):
        np.testing.assert_allclose(after, before - (5, 0), atol=1e-3)


def test_a_second_reading_counts_only_where_it_adds_punctuation() -> None:
    from autoclaim.ocr.engines import adds_punctuation

    assert adds_punctuation("68000 AMPANG, SELANGOR", "68000 AMPANG, SELANGOR.")
    assert adds_punctuation("Lot 3 JalanPelabur 23/1,", "Lot 3, JalanPelabur 23/1,")
    assert not adds_punctuation("SELANGOR.", "SELANGOR.")  # nothing added
    assert not adds_punctuation("SELANGOR.", "SELANGOR")  # punctuation lost
    assert not adds_punctuation("TRILLIUM S6 BESI", "TRILLIUM 56. BESI")  # a letter changed
    assert not adds_punctuation("MR. O.I.Y.", "MR. D.I.Y.")


def test_even_contrast_turns_faint_ink_dark_and_leaves_blank_crops() -> None:
    from autoclaim.ocr.engines import even_contrast

    crop = np.full((20, 100, 3), 235, dtype=np.uint8)
    crop[5:15, 0:10] = 150  # grey letters
    crop[12:15, 90:93] = 200  # a fainter full stop
    evened = even_contrast(crop)
    assert evened[8, 5, 0] == 0 and evened[0, 50, 0] == 255
    assert evened[13, 91, 0] <= 150  # the dot, 35 levels under the paper, is now 105
    blank = np.full((20, 100, 3), 240, dtype=np.uint8)
    assert even_contrast(blank) is blank


def test_second_reading_adds_only_the_punctuation_the_first_missed() -> None:
    """A line read without its final dot gets it from the second reading; a line whose
    second reading differs in a letter, or that was read upside down, is kept as read."""
    from dataclasses import replace

    image = text_image(["68000 AMPANG, SELANGOR."])
    engine = RapidOcrEngine(threads=1)
    (line,) = engine.read(image).lines
    assert line.text == "68000 AMPANG, SELANGOR."
    missed = replace(line, text="68000 AMPANG, SELANGOR")
    assert engine.reread_punctuation(image, [missed])[0].text == "68000 AMPANG, SELANGOR."
    other = replace(line, text="68000 AMPANG, SELANG0R")  # a letter differs: not taken
    flipped = replace(missed, upside_down=True)
    assert engine.reread_punctuation(image, [other, flipped]) == [other, flipped]


def test_two_thread_engine_shares_the_lines_out_to_two_threads() -> None:
    """With two threads the one-thread recogniser session reads the lines from two threads
    at once, and gives the same lines as one thread reading them in turn."""
    import threading

    image = text_image(ENGLISH * 3 + ["INVOICE NO 4471", "CASH 20.00"])
    single = RapidOcrEngine(threads=1)
    double = RapidOcrEngine(threads=2)
    holder = double.models().text_rec.session
    assert holder.session.get_session_options().intra_op_num_threads == 1
    callers: set[int] = set()
    real_run = holder.session.run

    def spy(outputs: object, feed: dict[str, object]) -> object:
        callers.add(threading.get_ident())
        return real_run(outputs, feed)

    holder.session.run = spy
    assert double.read(image).lines == single.read(image).lines
    assert len(callers) == 2


def test_second_look_reads_the_page_the_detector_scaled(monkeypatch: pytest.MonkeyPatch) -> None:
    """A page over `max_side` is scaled once for the detector; reading a few of its lines
    again does not scale the whole page a second time."""
    from PIL import Image

    image = text_image(["68000 AMPANG, SELANGOR."], size=60, width=1800)
    assert max(image.size) > 1600
    engine = RapidOcrEngine(threads=1, max_side=1600)
    lines = engine.read(image).lines
    assert [ln.text for ln in lines] == ["68000 AMPANG, SELANGOR."]
    resized: list[tuple[int, int]] = []
    real_resize = Image.Image.resize

    def spy(self: Image.Image, size: tuple[int, int], *args: object, **kwargs: object) -> object:
        resized.append(size)
        return real_resize(self, size, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Image.Image, "resize", spy)
    assert engine.reread_punctuation(image, lines) == lines
    assert resized == []


def test_detected_lines_read_in_two_parts_give_the_lines_read_whole() -> None:
    """The top lines and the rest, recognised one after the other, are the page's lines
    recognised at once, in the same order (the reader reads the top lines first to judge
    the page's script)."""
    engine = RapidOcrEngine(threads=1)
    found = engine.detect(text_image(ENGLISH * 3 + ["INVOICE NO 4471", "CASH 20.00"]))
    top, rest = found.split(2)
    assert len(top.quads) == 2
    assert len(rest.quads) == len(found.quads) - 2
    assert all(a is b for a, b in zip(top.crops + rest.crops, found.crops, strict=True))
    whole = engine.recognise(found).lines
    assert engine.recognise(top).lines + engine.recognise(rest).lines == whole
    assert [ln.text for ln in whole][:2] == [ENGLISH[0], ENGLISH[1]]
