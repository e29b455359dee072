"""The appraisal of October 2026, every figure against numbers computed by hand.

The month is built in tests/support/appraisal.py (its docstring and comments tell the story).
Default weights (scheme version 1, in force from September): rates visits 30, repair deadlines
25, factory returns 10, quality score 15, follow-up 20; counts returned sheet −2, rework −5,
suggestion +1, adopted suggestion +2.
"""
from __future__ import annotations

from datetime import date

import pytest

from tests.support.appraisal import bj, october
from webapp.appraisal import services
from webapp.appraisal.scheme import DEFAULT_WEIGHTS
from webapp.clock import local_date
from webapp.extensions import db
from webapp.repairs.deadlines import FACTORY_RETURN
from webapp.repairs.queries import clocks_due

NOW = bj(12, 1, 9)


@pytest.fixture
def month(app, monkeypatch):
    """October's work and a scheme in force since September; inside a request (services speak
    the reader's language)."""
    with app.test_request_context():
        o = october(monkeypatch)
        services.set_scheme(DEFAULT_WEIGHTS, date(2026, 9, 1), "第一版", o.head, today=date(2026, 9, 1))
        db.session.commit()
        yield o


def _figures(o, user):
    """The person's October appraisal and its figures by key."""
    (a,) = [a for a in services.appraise_month(2026, 10, now=NOW) if a.user.id == user.id]
    return a, {f.key: f for f in a.score.figures}


def test_patrols_count_on_time_only_when_signed_or_a_reason_is_recorded(month):
    """tech: s1 signed (on time), s3 unsigned without reason, s4 unsigned with reason (on time),
    s5 done 3 Nov (late): 2 of 4 → 2/4 × 30 = 15.0 points."""
    _a, f = _figures(month, month.tech)
    visits = f["visits_on_time"]
    assert (visits.done, visits.out_of, visits.points) == (2, 4, 15.0)
    outcome = {r.id: r.outcome for r in visits.records}
    v = month.visits
    assert outcome == {v["s1"].id: "on_time", v["s3"].id: "unsigned", v["s4"].id: "on_time", v["s5"].id: "late"}


def test_a_corrected_and_signed_patrol_is_on_time_and_an_open_maintenance_is_not(month):
    """tech2: s2's patrol (corrected, the correction signed) on time; the semi-annual maintenance
    due 10 Oct still open: 1 of 2 → 15.0 points."""
    _a, f = _figures(month, month.tech2)
    assert (f["visits_on_time"].done, f["visits_on_time"].out_of, f["visits_on_time"].points) == (1, 2, 15.0)


def test_sheets_returned_with_issues_count_for_who_filled_them(month):
    """tech: s3 returned 26 Oct (still returned); tech2: s2 returned 16 Oct (since corrected)."""
    _a, f = _figures(month, month.tech)
    assert (f["returned_sheet"].done, f["returned_sheet"].points) == (1, -2.0)
    assert [r.id for r in f["returned_sheet"].records] == [month.sheets["s3"].id]
    _a, f2 = _figures(month, month.tech2)
    assert [r.id for r in f2["returned_sheet"].records] == [month.sheets["s2"].id]


def test_quality_checks_of_his_schools_average_their_scores(month):
    """s1's spot checks scored 60+20+0 = 80 and 60+20+10 = 90: average 85 → 0.85 × 15 = 12.75;
    tech2's school had none: left out."""
    _a, f = _figures(month, month.tech)
    assert (month.sheets["spot80"].score, month.sheets["spot90"].score) == (80.0, 90.0)
    assert (f["quality_score"].average, f["quality_score"].points) == (85.0, 12.75)
    _a, f2 = _figures(month, month.tech2)
    assert (f2["quality_score"].applies, f2["quality_score"].possible) == (False, 0)


def test_the_factory_return_is_due_on_the_tenth_working_day_across_national_day(month):
    """Sent Wed 30 Sep: 8, 9, 10 (Saturday make-up day), 12–16, 19, 20 Oct → due end of Tue 20 Oct."""
    start, end = bj(10, 1, 0), bj(11, 1, 0)
    factory = {m.ticket.id: m for m in clocks_due(start, end, now=NOW) if m.clock.key == FACTORY_RETURN}
    t3, t4 = factory[month.tickets["t3"].id], factory[month.tickets["t4"].id]
    assert local_date(t3.clock.due_at) == date(2026, 10, 20) and t3.met
    assert local_date(t4.clock.due_at) == date(2026, 10, 22) and not t4.met and not t4.excused


def test_repair_deadlines_and_factory_returns(month):
    """tech: T1 arrival + fix met, T2 arrival + fix missed, T4 arrival met (T3's arrival was
    September's): 3 of 5 → 15.0; factory returns T3 met, T4 missed: 1 of 2 → 5.0.
    tech2: T5 arrival met, escalation missed: 1 of 2 → 12.5; no factory return (left out)."""
    _a, f = _figures(month, month.tech)
    assert (f["repair_deadlines"].done, f["repair_deadlines"].out_of, f["repair_deadlines"].points) == (3, 5, 15.0)
    assert (f["factory_returns"].done, f["factory_returns"].out_of, f["factory_returns"].points) == (1, 2, 5.0)
    _a, f2 = _figures(month, month.tech2)
    assert (f2["repair_deadlines"].done, f2["repair_deadlines"].out_of, f2["repair_deadlines"].points) == (1, 2, 12.5)
    assert not f2["factory_returns"].applies


def test_follow_up_ratings_and_rework(month):
    """Calls: T1 (5 + 4) / 2 = 4.5, T2 (2 + 3) / 2 = 2.5 → average 3.5 of 5 → 0.7 × 20 = 14.0;
    T2's rework names tech responsible: 1 × −5."""
    _a, f = _figures(month, month.tech)
    assert (f["follow_up"].average, f["follow_up"].points) == (3.5, 14.0)
    assert (f["rework"].done, f["rework"].points) == (1, -5.0)
    assert [r.id for r in f["rework"].records] == [month.tickets["t2"].id]


def test_suggestions_filed_and_adopted_in_the_month(month):
    """tech filed two in October, one adopted: 2 × 1 + 1 × 2; tech2's was filed in September."""
    _a, f = _figures(month, month.tech)
    assert (f["suggestion"].done, f["adopted_suggestion"].done) == (2, 1)
    assert f["suggestion"].points + f["adopted_suggestion"].points == 4.0
    _a, f2 = _figures(month, month.tech2)
    assert f2["suggestion"].done == 0


def test_the_month_totals(month):
    """tech: rates 15 + 15 + 5 + 12.75 + 14 = 61.75 of 100 → base 61.8; counts −2 −5 +2 +2 = −3;
    total 58.8. tech2: 15 + 12.5 = 27.5 of 30 + 25 = 55 → base 50.0; counts −2: total 48.0."""
    a, _f = _figures(month, month.tech)
    assert (a.score.earned, a.score.possible, a.score.base, a.score.count_points, a.score.total) == (
        61.75, 100, 61.8, -3.0, 58.8)
    a2, _f = _figures(month, month.tech2)
    assert (a2.score.earned, a2.score.possible, a2.score.base, a2.score.total) == (27.5, 55, 50.0, 48.0)


def test_an_adjustment_adds_to_the_total_and_is_audited(month):
    """+2 for helping at an acceptance: 58.8 → 60.8; the audit log holds who, when and the reason."""
    from sqlalchemy import select

    from webapp.audit.models import AuditLog

    adjustment = services.add_adjustment(month.tech, 2026, 10, 2, "协助市场部完成新校区验收", month.head)
    db.session.commit()
    a, _f = _figures(month, month.tech)
    assert (a.score.adjustments, a.score.total) == (2.0, 60.8)
    row = db.session.scalars(select(AuditLog).where(AuditLog.entity == "appraisal_adjustment",
                                                    AuditLog.entity_id == adjustment.id)).one()
    assert row.action == "create" and row.changes["reason"][1] == "协助市场部完成新校区验收"
    assert row.changes["points"][1] == 2.0


def _queries_of(run) -> int:
    """How many SQL statements `run()` sends."""
    from sqlalchemy import event

    count = {"n": 0}

    def _count(*_args):
        count["n"] += 1

    event.listen(db.engine, "before_cursor_execute", _count)
    try:
        run()
    finally:
        event.remove(db.engine, "before_cursor_execute", _count)
    return count["n"]


def test_figures_are_read_with_a_fixed_number_of_queries(month):
    """More tickets, sheets and suggestions in the month add no query: the month is read in grouped queries."""
    from tests.support.appraisal import _ticket, _step

    before = _queries_of(lambda: services.appraise_month(2026, 10, now=NOW))
    for day in (5, 6, 7):
        ticket = _ticket(month.schools["s1"], month.tech, bj(10, day + 10, 9))
        _step(ticket, month.tech, bj(10, day + 10, 10), "arrived")
        services.file_suggestion(month.tech2, f"建议{day}", "内容")
    db.session.commit()
    db.session.expire_all()
    after = _queries_of(lambda: services.appraise_month(2026, 10, now=NOW))
    assert after == before
