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


def test_space_before_characters_the_engines_read_differently_is_kept() -> None:
    """Tesseract's space before a misread run ($821 for SS21, 623 for G23) still counts."""
    assert respace("109,SS21/1A,", "109, $821/1A,") == "109, SS21/1A,"
    assert respace("LOTNO.G23,GIANT", "LOT NO. 623, GIANT") == "LOT NO. G23, GIANT"
    assert respace("MR.D.I.Y.(KUCHAI)", "MR. [.1.¥. (KUCHAT)") == "MR. D.I.Y. (KUCHAI)"


def test_rapidocr_spaces_where_tesseract_misread_the_characters_are_kept() -> None:
    assert respace("SDN EHD", "SDN BHD") == "SDN EHD"
    assert respace("KELANA JAYA", "KELA#@%AYA") == "KELANA JAYA"


def test_on_a_tilted_page_each_word_goes_to_the_line_it_sits_on() -> None:
    """The upright boxes of two tilted lines overlap; the quads tell which line a word is on."""
    upper = OcrLine(
        "12,JALANTAMPOI",
        (100, 100, 400, 150),
        0.9,
        quad=((100, 100), (400, 125), (400, 150), (100, 125)),
    )
    lower = OcrLine(
        "81200JOHORBAHRU",
        (100, 125, 400, 175),
        0.9,
        quad=((100, 125), (400, 150), (400, 175), (100, 150)),
    )
    words = [
        OcrWord("12,", (100, 102, 140, 122), 0.9),
        OcrWord("JALAN", (150, 106, 240, 128), 0.9),
        OcrWord("TAMPOI", (300, 118, 400, 142), 0.9),
        OcrWord("81200", (100, 127, 180, 148), 0.9),
        OcrWord("JOHOR", (200, 134, 290, 156), 0.9),
        OcrWord("BAHRU", (300, 143, 400, 167), 0.9),
    ]
    merged = merge_spacing([upper, lower], words)
    assert [w.text for w in merged[0].words] == ["12,", "JALAN", "TAMPOI"]
    assert merged[1].text == "81200 JOHOR BAHRU"


def test_comma_ending_tesseract_line_is_kept_after_a_misread_last_character() -> None:
    assert respace("JALANKPB6", "JALAN KPB 4,") == "JALAN KPB 6,"
    assert respace("JALANKPB6，", "JALAN KPB 64,") == "JALAN KPB 6，"  # RapidOCR has one


def test_rapidocr_space_counts_where_tesseract_missed_the_start_of_the_line() -> None:
    assert respace("Segi Cash & Cary", "Cash & Carry") == "Segi Cash & Cary"


def test_a_line_rapidocr_spaced_keeps_its_word_gaps() -> None:
    """PP-OCRv6 reads word gaps: Tesseract's spaces inside letter-spaced words are not
    taken, its spaces between a letter and a digit or comma still are."""
    assert (
        respace("GARDENIA BAKERIES (KL) SDN BHD", "GA R DENIA BAK ERI ES (KL) SDN BHD")
        == "GARDENIA BAKERIES (KL) SDN BHD"
    )
    assert (
        respace("43300SERI KEMBANGAN,SELANGOR", "43300 SERI KEMBANGAN, SELANGOR")
        == "43300 SERI KEMBANGAN, SELANGOR"
    )


def _words(*placed: tuple[str, int, int]) -> list[OcrWord]:
    return [OcrWord(text, (x0, 102, x1, 128), 0.9) for text, x0, x1 in placed]


def test_comma_printed_against_the_next_word_gets_no_space() -> None:
    """Tesseract splits `Bahru,Johor` at the comma; the gap after it is a fraction of a
    character, so RapidOCR's unspaced reading stands."""
    line = OcrLine("Johor Bahru,Johor", (100, 100, 400, 130), 0.9)
    # 16 characters over 270 px: about 17 px a character; the gap after the comma is 4 px.
    words = _words(("Johor", 100, 185), ("Bahru,", 200, 300), ("Johor", 304, 389))
    assert merge_spacing([line], words)[0].text == "Johor Bahru,Johor"


def test_comma_followed_by_a_space_wide_gap_keeps_tesseract_space() -> None:
    line = OcrLine("KEMBANGAN,SELANGOR", (100, 100, 500, 130), 0.9)
    # 18 characters over 320 px: about 18 px a character; the gap after the comma is 30 px.
    words = _words(("KEMBANGAN,", 100, 270), ("SELANGOR", 300, 450))
    assert merge_spacing([line], words)[0].text == "KEMBANGAN, SELANGOR"


def test_spaced_words_joins_only_after_punctuation() -> None:
    from autoclaim.ocr.engines import spaced_words

    assert spaced_words([]) == ""
    # A narrow gap between two words without punctuation is still a space.
    assert spaced_words(_words(("NO", 100, 130), ("12", 132, 162))) == "NO 12"
    assert spaced_words(_words(("NO.", 100, 145), ("12", 147, 177))) == "NO.12"
