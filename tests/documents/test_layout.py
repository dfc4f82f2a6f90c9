"""The PDF of a Layout: every GB/T 9704-2012 element printed, in order, on A4 with the fonts embedded."""

import dataclasses
import shutil
import subprocess
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from documents.layout import Block, Layout, fonts, render_pdf
from documents.layout import geometry as g
from documents.layout.text import NO_LINE_END, NO_LINE_START, wrap

from .layout_data import DRAFT, FULL, FULL_IN_ORDER, HEADINGS, LONG, UPWARD, in_order

SYSTEM_CJK = all(Path(c.path).is_file() for c in (fonts.SYSTEM_FONTS[fonts.FANGSONG][0],))


@pytest.fixture(autouse=True)
def _no_official_fonts(settings, tmp_path):
    """The tests see the system's fonts, not whatever an administrator put in var/fonts."""
    settings.DOCUMENT_FONTS_DIR = tmp_path / "fonts"


@pytest.fixture
def full_pdf():
    return PdfReader(BytesIO(render_pdf(FULL)))


def page_texts(reader: PdfReader) -> list[str]:
    return [page.extract_text() for page in reader.pages]


def positions(page, wanted: str) -> list[tuple[float, float]]:
    """(x, y) in page coordinates of each text run containing ``wanted``."""
    found = []

    def visit(text, cm, tm, font, size):
        if wanted in text:
            found.append((cm[4] + tm[4], cm[5] + tm[5]))

    page.extract_text(visitor_text=visit)
    return found


def fonts_of(reader: PdfReader) -> list[dict]:
    """Each font a page uses, with its descriptor (the descendant's for a Type0 font)."""
    result = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            if "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            else:
                descriptor = font["/FontDescriptor"].get_object()
            result.append({"base": str(font["/BaseFont"]), "subtype": str(font["/Subtype"]), "descriptor": descriptor})
    return result


def test_every_element_is_printed_in_reading_order(full_pdf):
    text = "\n".join(page_texts(full_pdf))
    assert in_order(text, FULL_IN_ORDER) == []
    assert "签发人" not in text  # a downward document names no signer


def test_the_page_is_a4_and_numbered(full_pdf):
    for page in full_pdf.pages:
        assert float(page.mediabox.width) == pytest.approx(g.PAGE_WIDTH, abs=0.1)
        assert float(page.mediabox.height) == pytest.approx(g.PAGE_HEIGHT, abs=0.1)
    assert "— 1 —" in page_texts(full_pdf)[0]


def test_an_upward_document_puts_the_number_on_the_last_signer_line():
    reader = PdfReader(BytesIO(render_pdf(UPWARD)))
    page = reader.pages[0]
    assert in_order(page.extract_text(), ["签发人：", "张三", "李四", "王五"]) == []
    ((number_x, number_y),) = positions(page, "办发〔2026〕7号")
    ((_, last_signer_y),) = positions(page, "王五")
    ((label_x, label_y),) = positions(page, "签发人：")
    assert number_y == pytest.approx(last_signer_y)  # 发文字号 on the line of the last 签发人
    assert label_y > number_y  # two names a line: 王五 is on the second
    assert number_x == pytest.approx(g.LEFT_MARGIN + g.CELL, abs=0.5)  # 居左空一字
    assert label_x > g.PAGE_WIDTH / 2  # 签发人 on the right


def test_a_downward_document_centres_the_number(full_pdf):
    ((x, _),) = positions(full_pdf.pages[0], "办发〔2026〕7号")
    assert g.LEFT_MARGIN + 4 * g.CELL < x < g.PAGE_WIDTH / 2


def test_the_issuer_mark_stands_35_mm_below_the_top_of_the_text_block(full_pdf):
    ((_, baseline),) = positions(full_pdf.pages[0], "协同市协同局文件")
    top_edge = baseline + g.ASCENT * g.SIZE_MARK
    assert g.PAGE_HEIGHT - g.TOP_MARGIN - top_edge == pytest.approx(g.MARK_TOP, abs=0.5)


def test_a_long_body_runs_over_pages_numbered_right_then_left():
    reader = PdfReader(BytesIO(render_pdf(LONG)))
    texts = page_texts(reader)
    assert len(texts) >= 3
    for number, page in enumerate(reader.pages, start=1):
        ((x, y),) = positions(page, f"— {number} —")
        assert y < g.BOTTOM_MARGIN - g.PAGE_NUMBER_GAP  # below the 版心
        if number % 2:
            assert x > g.PAGE_WIDTH / 2  # odd pages on the right
        else:
            assert x < g.PAGE_WIDTH / 2  # even pages on the left
    # 第1段 … 第40段 all there, once each, in order.
    assert in_order("".join(texts), [f"第{n}段" for n in range(1, 41)]) == []
    # The 版记 only on the last page, its last line on the bottom of the 版心.
    assert all("印发" not in text for text in texts[:-1])
    assert "2026年12月2日印发" in texts[-1]
    ((_, printed_y),) = positions(reader.pages[-1], "2026年12月2日印发")
    assert g.BOTTOM_MARGIN < printed_y < g.BOTTOM_MARGIN + g.LINE_PITCH
    # The signature is never alone on its page: some body text comes before it there.
    last = "".join(texts[-1].split())
    assert last.index("第40段") < last.index("协同市协同局办公室2026年12月1日")


def test_text_never_leaves_the_text_block():
    reader = PdfReader(BytesIO(render_pdf(LONG)))
    for page in reader.pages:
        xs = []

        def visit(text, cm, tm, font, size, xs=xs):
            if text.strip() and not text.startswith("—"):
                xs.append(cm[4] + tm[4])

        page.extract_text(visitor_text=visit)
        assert min(xs) >= g.LEFT_MARGIN - 0.5
        assert max(xs) < g.LEFT_MARGIN + g.TEXT_WIDTH


@pytest.mark.skipif(not SYSTEM_CJK, reason="no free CJK TrueType font installed (fonts-arphic-uming)")
def test_system_cjk_fonts_are_embedded(full_pdf):
    used = fonts_of(full_pdf)
    assert used
    for font in used:
        assert "/FontFile2" in font["descriptor"], font["base"]  # TrueType, embedded


def test_without_any_cjk_font_the_built_in_cid_font_keeps_chinese_readable(monkeypatch):
    monkeypatch.setattr(fonts, "SYSTEM_FONTS", {})
    reader = PdfReader(BytesIO(render_pdf(FULL)))
    assert in_order("\n".join(page_texts(reader)), FULL_IN_ORDER) == []
    used = fonts_of(reader)
    assert {font["base"] for font in used} == {"/STSong-Light"}
    assert all(font["subtype"] == "/Type0" and "/FontFile2" not in font["descriptor"] for font in used)


@pytest.mark.skipif(not SYSTEM_CJK, reason="no free CJK TrueType font installed (fonts-arphic-uming)")
def test_official_fonts_placed_by_the_administrator_win(settings, tmp_path):
    directory = tmp_path / "official"
    directory.mkdir()
    # Any TrueType collection serves as the stand-in for 黑体 (SIMHEI.TTF, matched without case).
    (directory / "simhei.ttf").symlink_to(fonts.SYSTEM_FONTS[fonts.FANGSONG][0].path)
    settings.DOCUMENT_FONTS_DIR = directory
    faces = fonts.pdf_faces()
    assert faces[fonts.HEITI].source == "official"
    assert faces[fonts.FANGSONG].source == "system"
    assert "秘密★1年" in PdfReader(BytesIO(render_pdf(FULL))).pages[0].extract_text()


def test_an_unreadable_official_font_is_skipped(settings, tmp_path, caplog):
    directory = tmp_path / "official"
    directory.mkdir()
    (directory / "SIMHEI.TTF").write_bytes(b"not a font")
    settings.DOCUMENT_FONTS_DIR = directory
    assert fonts.pdf_faces()[fonts.HEITI].source != "official"
    assert "cannot be embedded" in caplog.text


def _blend_modes(reader: PdfReader) -> set[str]:
    modes = set()
    for page in reader.pages:
        for state in page["/Resources"].get("/ExtGState", {}).values():
            mode = state.get_object().get("/BM")
            if mode:
                modes.add(str(mode))
    return modes


def test_an_issued_document_carries_the_seal_and_a_draft_the_watermark(full_pdf):
    assert "/Multiply" in _blend_modes(full_pdf)  # the seal is multiplied over the signature like ink
    draft = PdfReader(BytesIO(render_pdf(DRAFT)))
    assert "/Multiply" not in _blend_modes(draft)
    texts = page_texts(draft)
    assert all("草稿" in text for text in texts)
    assert "办发" not in texts[0]  # no number on a draft
    assert in_order(texts[-1], ["协同市协同局办公室", "2026年12月1日"]) == []


def test_the_verification_qr_code_links_to_the_verify_page(full_pdf):
    last = full_pdf.pages[-1]
    uris = [a.get_object()["/A"]["/URI"] for a in last.get("/Annots", [])]
    assert uris == [FULL.verification_url]
    assert "验证码：ABCD-EFGH" in last.extract_text()


def test_a_title_on_two_lines_is_balanced(full_pdf):
    text = full_pdf.pages[0].extract_text()
    lines = [line for line in text.splitlines() if line and line in FULL.title]
    assert "".join(lines) == FULL.title
    assert len(lines) == 2 and abs(len(lines[0]) - len(lines[1])) <= 1


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
def test_poppler_reads_the_document_too(tmp_path):
    path = tmp_path / "doc.pdf"
    path.write_bytes(render_pdf(FULL))
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True).stdout
    flat = "".join(text.decode().split())
    assert [part for part in FULL_IN_ORDER if "".join(part.split()) not in flat] == []


def test_minimal_layout_renders():
    layout = Layout(
        title="通知", issuer_mark="协同市协同局", signature_org="协同市协同局", date_text="2026年1月5日", body=()
    )
    text = PdfReader(BytesIO(render_pdf(layout))).pages[0].extract_text()
    assert in_order(text, ["协同市协同局", "通知", "协同市协同局", "2026年1月5日", "— 1 —"]) == []


def test_headings_take_their_own_faces():
    faces = fonts.pdf_faces()
    reader = PdfReader(BytesIO(render_pdf(FULL)))
    by_text: dict[str, str] = {}

    def visit(text, cm, tm, font, size):
        if text.strip() and font is not None:
            by_text[text.strip()] = str(font.get("/BaseFont", ""))

    for page in reader.pages:
        page.extract_text(visitor_text=visit)
    heiti, kaiti, fangsong = (faces[r].path for r in (fonts.HEITI, fonts.KAITI, fonts.FANGSONG))
    if len({heiti, kaiti, fangsong}) == 3:
        assert by_text[HEADINGS[0]] != by_text[HEADINGS[1]] != by_text[HEADINGS[2]]
        assert by_text[HEADINGS[2]] == by_text[HEADINGS[3]]  # 1. and （1） both 仿宋


def test_block_levels_are_checked():
    with pytest.raises(ValueError, match="level"):
        Block(5, "五、")


def test_a_layout_is_plain_frozen_data():
    with pytest.raises(dataclasses.FrozenInstanceError):
        FULL.title = "x"  # type: ignore[misc]


# --- line breaking -------------------------------------------------------------------------------
def test_no_line_starts_with_a_closing_mark_or_ends_with_an_opening_one():
    text = "甲乙丙，丁戊己。（庚辛）壬癸“子丑”寅卯，辰巳午未、申酉戌亥。" * 3
    for width in range(4, 12):
        lines = wrap(text, width, width, len)
        assert "".join(lines) == text
        assert all(line[0] not in NO_LINE_START for line in lines[1:])
        assert all(line[-1] not in NO_LINE_END for line in lines)


def test_latin_words_and_numbers_stay_whole():
    lines = wrap("预算为12345.67万元，详见GB/T9704标准", 8, 8, len)
    assert any("12345.67" in line for line in lines)
    assert any("GB/T9704" in line for line in lines)
    assert all(len(line) <= 9 for line in lines)  # a kept-whole run may not cross the edge by more than a mark


@pytest.mark.parametrize("paragraphs", range(8, 22))
def test_the_signature_page_always_shows_some_body_text(paragraphs):
    """Whatever the length, the page with the 署名 (and the 附件说明) has 正文 on it too."""
    layout = dataclasses.replace(LONG, body=LONG.body[:paragraphs])
    texts = page_texts(PdfReader(BytesIO(render_pdf(layout))))
    (signature_page,) = [text for text in texts if "2026年12月1日" in text]
    assert f"第{paragraphs}段" in signature_page or "确保各项要求落到实处" in signature_page
    attachments_page = next(text for text in texts if "附件：" in text)
    assert attachments_page == signature_page
    assert "2026年12月2日印发" in texts[-1]  # the 版记 on the last page, its own when there is no room
    assert all("印发" not in text for text in texts[:-1])
