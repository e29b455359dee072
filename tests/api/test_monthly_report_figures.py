"""The monthly report's figures for October 2026, every one against numbers computed by hand.

The month is built in tests/support/reports.py on the appraisal's October (tests/support/
appraisal.py). Tickets reported in October: T1 (12th), T2 (13th), T4 (9th), T5 (20th) and T2's
rework (16th); T3 was reported on 30 Sep. Figures are computed as on 1 Dec 09:00.
"""
from __future__ import annotations

import pytest

from tests.support.appraisal import bj
from tests.support.reports import report_october
from webapp.reports.figures import compute_figures
from webapp.reports.reading import figure_of, row_text, school_rows

NOW = bj(12, 1, 9)


@pytest.fixture
def month(app, monkeypatch):
    """October's work, and its figures; inside a request (labels speak the reader's language)."""
    with app.test_request_context():
        o = report_october(monkeypatch)
        o.figures = compute_figures(2026, 10, now=NOW)
        yield o


def _rows(figures: dict, key: str) -> dict:
    """A figure's rows by row key: (cur, prev, ly) numbers."""
    return {r["key"]: (r["cur"], r["prev"], r["ly"]) for r in figure_of(figures, key)["rows"]}


def _ids(figures: dict, key: str, row: str) -> set:
    """The records behind a row this month."""
    return set(next(r for r in figure_of(figures, key)["rows"] if r["key"] == row)["ids"])


def test_repairs_by_fault_class_against_last_month_and_last_year(month):
    """October: general T1, T2; factory return T4; difficult T5; the rework not classified.
    September: T3 (factory return). October 2025: one ticket never classified."""
    rows = _rows(month.figures, "repairs_by_fault")
    assert {k: v[0][0] for k, v in rows.items()} == {"general": 2, "factory_return": 1, "difficult": 1,
                                                      "unclassified": 1}
    assert rows["factory_return"][1][0] == 1 and rows["general"][1][0] == 0
    assert rows["unclassified"][2][0] == 1 and rows["general"][2][0] == 0
    assert _ids(month.figures, "repairs_by_fault", "general") == {month.tickets["t1"].id, month.tickets["t2"].id}


def test_repairs_by_device_type_and_model(month):
    """On A (camera): T1, T2, the rework = 3; on B (classroom AV): T4 = 1; T5 names no device."""
    types = _rows(month.figures, "repairs_by_device_type")
    assert {k: v[0][0] for k, v in types.items()} == {"camera": 3, "classroom_av": 1, "none": 1}
    models = _rows(month.figures, "repairs_by_model")
    assert {k: v[0][0] for k, v in models.items()} == {"海康威视|DS-2CD3T46": 3, "希沃|F75EC": 1}
    assert models["希沃|F75EC"][1][0] == 1  # T3 in September
    assert models["海康威视|DS-2CD3T46"][2][0] == 1  # last October's ticket


def test_failures_per_installed_model_put_the_worst_model_first(month):
    """B: 1 ticket over 4 installed = 25 per 100; A: 3 over 50 (40 at s1, 10 at s3) = 6 per 100.
    At s1 alone A is 3 over 40 = 7.5; at s3 0 over 10."""
    rows = figure_of(month.figures, "failure_rate")["rows"]
    assert [(r["key"], r["cur"][0], r["cur"][1]) for r in rows] == [("希沃|F75EC", 1, 4), ("海康威视|DS-2CD3T46", 3, 50)]
    assert [row_text("per100", r["cur"]) for r in rows] == ["25 (1 / 4)", "6 (3 / 50)"]
    s1 = {r["key"]: r["cur"] for r in school_rows(month.figures, "failure_rate", month.schools["s1"].id)}
    s3 = {r["key"]: r["cur"] for r in school_rows(month.figures, "failure_rate", month.schools["s3"].id)}
    assert s1["海康威视|DS-2CD3T46"][:2] == [3, 40] and row_text("per100", s1["海康威视|DS-2CD3T46"]) == "7.5 (3 / 40)"
    assert s3 == {"海康威视|DS-2CD3T46": [0, 10, None]}


def test_a_model_with_no_ticket_in_a_period_reads_0_failures_not_a_dash(month):
    """A had no ticket in September: 0 over its 50 installed, not '—'; B none in October 2025: 0 over
    4. At s3 (10 of A) September reads 0 over 10 too."""
    rows = {r["key"]: r for r in figure_of(month.figures, "failure_rate")["rows"]}
    a, b = rows["海康威视|DS-2CD3T46"], rows["希沃|F75EC"]
    assert (a["prev"][:2], row_text("per100", a["prev"])) == ([0, 50], "0 (0 / 50)")
    assert (b["ly"][:2], row_text("per100", b["ly"])) == ([0, 4], "0 (0 / 4)")
    s3 = {r["key"]: r for r in school_rows(month.figures, "failure_rate", month.schools["s3"].id)}
    assert row_text("per100", s3["海康威视|DS-2CD3T46"]["prev"]) == "0 (0 / 10)"
    counts = {r["key"]: r for r in figure_of(month.figures, "repairs_by_model")["rows"]}
    assert row_text("count", counts["海康威视|DS-2CD3T46"]["prev"]) == "0"


def test_deadlines_met_on_the_working_calendar_across_national_day(month):
    """Arrival: T1, T4, T5 met; T2 (next day) and the rework (nobody came) missed: 3 / 5.
    Same-day fix: T1 met, T2 missed: 1 / 2. Supervisor told: T5 the next day: 0 / 1.
    Factory return: T3 sent Wed 30 Sep, 10 working days skip 1–7 Oct and count Sat 10 Oct
    (make-up day): due Tue 20 Oct, back that day (met); T4 sent Fri 9 Oct, due Thu 22 Oct, back
    23 Oct (missed): 1 / 2. September: T3's arrival on 30 Sep, met: 1 / 1."""
    rows = _rows(month.figures, "deadlines")
    assert {k: v[0][:2] for k, v in rows.items()} == {"arrival": [3, 5], "general_fix": [1, 2], "escalation": [0, 1],
                                                       "factory_return": [1, 2]}
    assert rows["arrival"][1][:2] == [1, 1]
    assert row_text("rate", rows["arrival"][0]) == "3 / 5 (60%)"
    assert _ids(month.figures, "deadlines", "factory_return") == {month.tickets["t3"].id, month.tickets["t4"].id}


def test_factory_returns_and_turnaround_in_working_days(month):
    """Sent in October: T4 (September: T3). Due in October: T3 and T4, both back.
    Turnaround: T3 30 Sep → 20 Oct = 10 working days (8, 9, 10, 12–16, 19, 20 Oct); T4 9 Oct →
    23 Oct = 11 (10, 12–16, 19–23): average 10.5."""
    rows = _rows(month.figures, "factory_returns")
    assert rows["sent"][0][0] == 1 and rows["sent"][1][0] == 1
    assert rows["due"][0][0] == 2 and rows["back"][0][0] == 2 and "out" not in rows
    assert rows["turnaround"][0][:2] == [21, 2]
    assert row_text("avg", rows["turnaround"][0]) == "10.5 (2)"


def test_patrols_and_maintenance_on_time_per_school_and_overdue(month):
    """Patrols due in October: s1 (signed), s4 (reason), s2 (corrected, signed) on time; s3
    unsigned without reason, s5 late: 3 / 5, none still open. s2's semi-annual maintenance is
    still not done: 0 / 1, 1 overdue."""
    rows = _rows(month.figures, "visits")
    assert rows["monthly_patrol"][0][:2] == [3, 5]
    assert rows["semi_annual_maintenance"][0][:2] == [0, 1]
    assert rows["semi_annual_maintenance_overdue"][0][0] == 1 and "monthly_patrol_overdue" not in rows
    per_school = {sid: r["cur"][:2] for r in figure_of(month.figures, "visits")["rows"] if r["key"] == "monthly_patrol"
                  for sid, r in [(s, {"cur": v["cur"]}) for s, v in r["schools"].items()]}
    s = month.schools
    assert per_school == {s["s1"].id: [1, 1], s["s2"].id: [1, 1], s["s3"].id: [0, 1], s["s4"].id: [1, 1],
                          s["s5"].id: [0, 1]}
    assert _ids(month.figures, "visits", "semi_annual_maintenance_overdue") == {month.visits["s2_semi"].id}


def test_patrol_findings_by_item(month):
    """'works' flagged on s3's sheet (27 Oct) and failed on s1's (29 Oct): 2."""
    rows = _rows(month.figures, "findings")
    assert {k: v[0][0] for k, v in rows.items()} == {"works": 2}
    assert _ids(month.figures, "findings", "works") == {month.sheets["flag_s3"].id, month.sheets["flag_s1"].id}


def test_spot_check_scores_average(month):
    """s1's spot checks: 80 and 90, average 85 over 2."""
    rows = _rows(month.figures, "quality_scores")
    assert rows["spot_check"][0][:2] == [170, 2] and row_text("avg", rows["spot_check"][0]) == "85 (2)"


def test_follow_up_results_and_rework(month):
    """T1: 5 / 4 satisfied; T2: 2 / 3 not satisfied, reworked: calls 2, satisfied 1 / 2, quality
    (5+2)/2 = 3.5, attitude (4+3)/2 = 3.5, one rework."""
    rows = _rows(month.figures, "follow_up")
    assert rows["calls"][0][0] == 2 and rows["satisfied"][0][:2] == [1, 2]
    assert row_text("avg", rows["quality"][0]) == "3.5 (2)" and row_text("avg", rows["attitude"][0]) == "3.5 (2)"
    assert rows["rework"][0][0] == 1
    assert _ids(month.figures, "follow_up", "rework") == {month.tickets["t2"].id}


def test_parts_used_with_cost(month):
    """T5's form: 2 × 35.50 + 1 × 20.00 = 91.00 for 3 parts."""
    rows = _rows(month.figures, "parts")
    assert rows["total"][0][0] == 91.0 and rows["total"][0][2] == 3
    assert rows["电源适配器 12V"][0][0] == 71.0 and rows["HDMI线"][0][0] == 20.0
    assert row_text("money", rows["total"][0]) == "¥91.00 (3)"
    assert [r["key"] for r in figure_of(month.figures, "parts")["rows"]][0] == "total"


def test_product_issues_by_model(month):
    """From T4 (希沃 F75EC) and from s3's finding (no device named)."""
    rows = _rows(month.figures, "product_issues")
    assert {k: v[0][0] for k, v in rows.items()} == {"希沃|F75EC": 1, "|": 1}
    assert month.issues["t4"].brand == "希沃" and month.issues["s3"].item_key == "works"


def test_every_school_of_the_month_is_named(month):
    """Schools with any figure are listed by name for the per-school view."""
    names = set(month.figures["schools"].values())
    assert {"城南小学", "东湖中学", "西山小学", "北关小学", "滨江中学"} <= names


def test_a_parts_line_without_a_quantity_is_refused(month):
    """The resolved step's parts must each have a name, a quantity ≥ 1 and a cost ≥ 0."""
    from webapp.repairs.step_data import validate_data

    assert "parts" in validate_data("resolved", {"fault_found": "x", "action": "y", "parts": [{"name": "线", "qty": 0}]})
    assert "parts" in validate_data("resolved", {"fault_found": "x", "action": "y", "parts": [{"name": "", "qty": 1}]})
    assert "parts" not in validate_data("resolved", {"fault_found": "x", "action": "y", "parts": PARTS_OK})


PARTS_OK = [{"name": "网线", "qty": "3", "unit_cost": "1.5"}]
