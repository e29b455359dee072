"""The pure parts of training: months and due dates, the papers' numbering and lengths, and the
minutes drawn from their content alone (Chinese headings, every problem, what carries over)."""
from datetime import date, datetime, timezone

import pytest

from config import Config
from tests.support.training import pdf_text, signature
from webapp.training.agenda import month_bounds, next_month, previous_month
from webapp.training.attendance_pdf import AttendanceContent, duration_text, render_attendance_sheet
from webapp.training.minutes_pdf import MinutesContent, chinese_number, render_minutes
from webapp.training.sessions import add_months


@pytest.mark.parametrize("day, months, expected", [
    (date(2026, 11, 20), 3, date(2027, 2, 20)),
    (date(2026, 8, 31), 6, date(2027, 2, 28)),
    (date(2027, 11, 30), 3, date(2028, 2, 29)),
    (date(2026, 1, 31), 1, date(2026, 2, 28)),
])
def test_a_kind_is_due_months_later_on_the_same_day_or_the_months_last(day, months, expected):
    """Due dates move by whole months and clip to short months (leap years too)."""
    assert add_months(day, months) == expected


def test_a_month_is_its_site_local_days():
    """November in Asia/Shanghai starts at 16:00 UTC on 31 October and ends at the same hour on 30 November."""
    start, end = month_bounds(2026, 11)
    assert start.astimezone(timezone.utc) == datetime(2026, 10, 31, 16, tzinfo=timezone.utc)
    assert end.astimezone(timezone.utc) == datetime(2026, 11, 30, 16, tzinfo=timezone.utc)
    assert previous_month(2027, 1) == (2026, 12) and next_month(2026, 12) == (2027, 1)


@pytest.mark.parametrize("n, text", [(1, "一"), (10, "十"), (11, "十一"), (20, "二十"), (25, "二十五")])
def test_items_are_numbered_the_chinese_way(n, text):
    """一、二、… 十一、 as minutes are written."""
    assert chinese_number(n) == text


def test_lengths_read_as_hours_and_minutes():
    """90 → 1 小时 30 分钟; 120 → 2 小时; 45 → 45 分钟."""
    assert (duration_text(90), duration_text(120), duration_text(45)) == ("1 小时 30 分钟", "2 小时", "45 分钟")


def test_the_minutes_print_chinese_headings_every_problem_and_what_carries_over():
    """Drawn from content alone: headings, both problems in order, the open one listed to carry over."""
    content = MinutesContent(
        {"month": "2026年11月", "held_on": "2026-11-30", "chair": "刘强", "attendees": "刘强、张伟、李娜",
         "issued_at": "2026-11-30 17:00"},
        [{"title": "一体机开机黑屏", "source": "疑难故障", "facts": "三年级(2)班", "discussion": "背光板虚焊",
          "solution": "更换背光板", "owner": "张伟", "status": "已解决", "open": ""},
         {"title": "摄像机夜间模糊", "source": "同型号反复故障", "facts": "大门口", "discussion": "待厂家确认",
          "solution": "", "owner": "李娜", "status": "处理中", "open": "1"}],
    )
    text = pdf_text(render_minutes(content, Config.PDF_FONT_PATH))
    for heading in ("月底研讨会纪要", "会议日期", "主持人", "参会人员", "讨论议题", "解决方案", "负责人",
                    "未解决问题（转入下月研讨会）", "一、一体机开机黑屏", "二、摄像机夜间模糊"):
        assert heading in text, heading
    carried = text.split("未解决问题（转入下月研讨会）", 1)[1]
    assert "摄像机夜间模糊" in carried and "一体机开机黑屏" not in carried
    assert content.fingerprint in text.replace("\n", "")


def test_the_attendance_sheet_marks_who_did_not_sign():
    """An attendee without a signature image is printed 未签到; the counts say 应到 2 人，实到 1 人."""
    png = signature(1)
    content = AttendanceContent(
        {"kind": "安全施工与文明施工", "title": "机房用电安全", "held_on": "2026-11-20", "duration": "1 小时 30 分钟",
         "trainer": "刘强", "vendor": "", "location": "会议室", "topics": "配电箱"},
        [{"name": "张伟", "signed_at": "2026-11-20 10:00", "image_sha256": "a" * 64},
         {"name": "李娜", "signed_at": "", "image_sha256": ""}],
    )
    text = pdf_text(render_attendance_sheet(content, {"a" * 64: png}, Config.PDF_FONT_PATH))
    assert "张伟" in text and "李娜" in text and "未签到" in text and "应到 2 人，实到 1 人" in text
    assert "供应商" not in text  # no supplier row for in-house training
