from __future__ import annotations

from autoclaim.ocr.engines import OcrLine, OcrWord, merge_spacing, respace


def test_spaces_come_from_tesseract_characters_from_rapidocr() -> None:
    assert respace("SOONHUATMACHINERY", "S00N HUAT MACHlNERY") == "SOON HUAT MACHINERY"


def test_tesseract_punctuation_replaces_rapidocr_swaps() -> None:
    got = respace(
        "NO290,JALANAIRPANASSETAPAK,53200.KUALALUMPUR",
        "NO 290, JALAN A1R PANAS, SETAPAK, 53200, KUALA LUMPUR.",
    )
    assert got == "NO 290, JALAN AIR PANAS, SETAPAK, 53200, KUALA LUMPUR."


def test_without_tesseract_text_rapidocr_text_is_kept() -> None:
    assert respace("25/12/2018", "") == "25/12/2018"


def test_merge_uses_only_words_inside_the_line() -> None:
    line = OcrLine("TOTALRM", (100, 100, 300, 130), 0.9)
    words = [
        OcrWord("TOTAL", (100, 102, 180, 128), 0.9),
        OcrWord("RM", (200, 102, 240, 128), 0.9),
        OcrWord("CASH", (100, 200, 180, 228), 0.9),
    ]
    merged = merge_spacing([line], words)
    assert merged[0].text == "TOTAL RM"
    assert [w.text for w in merged[0].words] == ["TOTAL", "RM"]


def test_engines_disagreeing_on_one_character_settle_by_its_neighbours() -> None:
    assert respace("LOTP.T.28I1,JALAN", "LOT P.T. 2811, JALAN") == "LOT P.T. 2811, JALAN"
    assert respace("JA1ANAMPANG", "JALAN AMPANG") == "JALAN AMPANG"
    assert respace("14/03/2018", "1470372018") == "14/03/2018"  # slashes are not digits
