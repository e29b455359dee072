"""The issued October report as a PDF (Chinese headings, the analysis, the charts drawn) and as an
Excel workbook (opens with openpyxl, one native chart per charted figure)."""
from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.support.appraisal import bj
from tests.support.factories import login
from tests.support.reports import report_october
from webapp.extensions import db
from webapp.reports import services
from webapp.reports.charts import CHARTED

ANALYSIS = "十月摄像机故障集中在城南小学，希沃一体机返厂两次。"


@pytest.fixture
def issued(app, monkeypatch):
    """October built and its report issued by the head; a signed-in head's client."""
    with app.test_request_context():
        o = report_october(monkeypatch)
        report, _made = services.draft_report(2026, 10)
        services.write_text(report, o.head, ANALYSIS, "备件按学校分格存放")
        services.issue_report(report, o.head, now=bj(12, 1, 9))
        db.session.commit()
    client = app.test_client()
    login(client, o.head)
    o.client = client
    return o


def _pdf_text(data: bytes) -> str:
    """Every page's text, without line breaks."""
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).replace("\n", "")


def test_the_pdf_has_the_chinese_headings_the_analysis_and_the_charts(issued):
    """Title, 分析 / 改进建议, each figure's heading; the charts' legends (本月, 上月, 去年同月) and
    their bars' categories are drawn beside the tables (so the model name appears twice)."""
    response = issued.client.get("/reports/2026-10/report.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = _pdf_text(response.data)
    for heading in ("2026年10月 月度运维报告", "分析", "改进建议", "按故障类别的维修", "时限达成", "配件使用及费用",
                    "致研发部：本月反映的产品质量问题"):
        assert heading in text
    assert ANALYSIS in text and "备件按学校分格存放" in text
    assert text.count("去年同月") >= len(CHARTED)  # one legend per chart, plus the tables' headers
    assert text.count("希沃 F75EC") >= 3  # models table, failure-rate table and chart
    assert "一体机反复黑屏" in text


def test_the_workbook_opens_and_holds_native_charts(issued):
    """openpyxl reads it back: the summary with the analysis, a sheet per figure, a chart on each
    charted figure's sheet, and the per-school sheet."""
    response = issued.client.get("/reports/2026-10/report.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    assert ANALYSIS in [c.value for c in book.worksheets[0]["A"]]
    charts = sum(len(sheet._charts) for sheet in book.worksheets)
    assert charts == len(CHARTED)
    rates = next(s for s in book.worksheets if s.title.startswith("04"))
    values = {row[0].value: row[4].value for row in rates.iter_rows(min_row=3) if row[0].value}
    assert values["希沃 F75EC"] == 25 and values["海康威视 DS-2CD3T46"] == 6
    assert len(book.worksheets) == 1 + 12 + 1


def test_leadership_downloads_the_issued_pdf_but_not_a_draft(app, issued):
    """A leader reads the issued report's files; a draft's are not found for him."""
    from tests.support.factories import make_user
    from webapp.auth.models import Role

    leader = make_user(Role.LEADERSHIP, "leader2")
    client = app.test_client()
    login(client, leader)
    assert client.get("/reports/2026-10/report.pdf").status_code == 200
    with app.test_request_context():
        services.draft_report(2026, 9)
        db.session.commit()
    assert client.get("/reports/2026-09/report.xlsx").status_code == 404
