"""Line wrapping on the papers follows the Chinese line-breaking rules (no line opens with a closing mark)."""
from __future__ import annotations

import pytest
from reportlab.pdfbase import pdfmetrics

from config import Config
from webapp.documents.pdf import CANNOT_END, CANNOT_START, register_font, wrap

SIZE = 10


@pytest.fixture(scope="module")
def font():
    """The Chinese font the papers print in."""
    return register_font(Config.PDF_FONT_PATH)


def width_of(font: str, chars: int) -> float:
    """The width of exactly `chars` Chinese characters (all glyphs of the font are one em)."""
    return pdfmetrics.stringWidth("中" * chars, font, SIZE) + 0.01


@pytest.mark.parametrize("mark", list("，。、；：？！）」》"))
def test_a_closing_mark_that_falls_at_a_line_start_takes_the_character_before_it_along(font, mark):
    """Six characters fit a line; the seventh is a closing mark: it starts no line, the sixth comes down with it."""
    text = "机柜门锁损坏" + mark + "需要更换"
    lines = wrap(text, font, SIZE, width_of(font, 6), 5)
    assert "".join(lines) == text
    assert lines == ["机柜门锁损", "坏" + mark + "需要更换"]
    assert all(pdfmetrics.stringWidth(line, font, SIZE) <= width_of(font, 6) for line in lines)


def test_two_closing_marks_in_a_row_move_down_together(font):
    """「。」 then 」 at the break: the next line begins with the last character, never with a mark."""
    text = "请联系「张老师。」明天到场"
    for chars in range(3, 12):
        lines = wrap(text, font, SIZE, width_of(font, chars), 10)
        assert "".join(lines) == text
        assert not any(line[0] in CANNOT_START for line in lines), (chars, lines)
        assert not any(line[-1] in CANNOT_END for line in lines[:-1]), (chars, lines)


def test_an_opening_mark_never_ends_a_line(font):
    """An opening bracket that would close a line moves down with what it opens."""
    text = "交换机端口（二十四口）已更换"
    for chars in range(3, 12):
        lines = wrap(text, font, SIZE, width_of(font, chars), 10)
        assert "".join(lines) == text
        assert not any(line[-1] in CANNOT_END for line in lines[:-1]), (chars, lines)
        assert not any(line[0] in CANNOT_START for line in lines), (chars, lines)


def test_a_long_real_note_never_starts_a_line_with_punctuation_at_any_width(font):
    """A finding's note as technicians write them, wrapped at every width from 4 to 30 characters."""
    text = "三号楼二层弱电间机柜门锁损坏，柜内温度偏高（约三十八度），风扇不转；已告知信息中心王老师，建议尽快更换风扇。"
    for chars in range(4, 31):
        lines = wrap(text, font, SIZE, width_of(font, chars), 50)
        assert "".join(lines) == text
        assert not any(line[0] in CANNOT_START for line in lines), (chars, lines)


def test_a_space_before_a_closing_mark_does_not_carry_it_to_a_new_line(font):
    """A stray space before '，' in mixed text still keeps the mark off the start of a line."""
    lines = wrap("Core switch S5735 ，端口二十四", font, SIZE, pdfmetrics.stringWidth("Core switch S5735", font, SIZE) + 0.01, 5)
    assert not any(line[0] in CANNOT_START for line in lines), lines
    assert "".join(lines).replace(" ", "") == "CoreswitchS5735，端口二十四"
