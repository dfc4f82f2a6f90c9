"""The numbers of GB/T 9704-2012 (DOMAIN.md A1), in points (1 pt = 1/72 in)."""

MM = 72 / 25.4

PAGE_WIDTH = 210 * MM  # A4
PAGE_HEIGHT = 297 * MM
TOP_MARGIN = 37 * MM  # 天头
LEFT_MARGIN = 28 * MM  # 订口
TEXT_WIDTH = 156 * MM  # 版心
TEXT_HEIGHT = 225 * MM
BOTTOM_MARGIN = PAGE_HEIGHT - TOP_MARGIN - TEXT_HEIGHT  # 35 mm, derived
RIGHT_MARGIN = PAGE_WIDTH - LEFT_MARGIN - TEXT_WIDTH  # 26 mm, derived

LINES_PER_PAGE = 22
CHARS_PER_LINE = 28
LINE_PITCH = TEXT_HEIGHT / LINES_PER_PAGE  # one 行 of the grid, ≈ 28.9 pt
CELL = TEXT_WIDTH / CHARS_PER_LINE  # one 字 of the grid, ≈ 15.8 pt

SIZE_2 = 22.0  # 2号: 标题
SIZE_3 = 16.0  # 3号: everything else unless stated
SIZE_4 = 14.0  # 4号: 版记, 页码
SIZE_MARK = 15 * MM  # 发文机关标志: left to the issuer ("醒目、美观、庄重"); 15 mm a character
TITLE_PITCH = LINE_PITCH * 1.2  # a 2号 title needs a little more than one 行

MARK_TOP = 35 * MM  # top edge of 发文机关标志 below the top of the 版心
RULE_GAP = 4 * MM  # the red separator below 发文字号
RULE_WIDTH = 1.0  # its stroke (the standard leaves it open)
BANJI_THICK = 0.35 * MM  # first and last 版记 lines
BANJI_THIN = 0.25 * MM  # lines between 版记 elements
PAGE_NUMBER_GAP = 7 * MM  # page number below the 版心
SEAL_DIAMETER = 42 * MM  # an organ's round seal
QR_SIZE = 20 * MM

RED_CMYK = (0.0, 0.8, 0.8, 0.0)  # 红色 Y80% M80% (GB/T 9704 for printing)
RED_RGB = (0xE6, 0x00, 0x12)  # the screen red of the header, seal and separator in DOCX and PNG
RED_HEX = "E60012"

# Where a CJK glyph sits in its em box: the box spans 0.12 em below to 0.88 em above the baseline.
ASCENT = 0.88
DESCENT = 0.12
