"""The monthly report's figures, computed from the work itself: one module, a fixed number of
queries per month whatever the number of schools, devices or tickets.

`compute_figures(year, month)` returns plain JSON (what an issued report freezes): every figure
as rows, each row with its value this month, last month and the same month last year, the value
per school for the three, and the ids of the records behind this month's value (the report's
record list opens them). A row's `mode` says how its numbers read (`row_value`):

| mode    | cur = [v, t, q]          | reads as                                   |
|---------|--------------------------|--------------------------------------------|
| count   | [n, None, None]          | n                                          |
| rate    | [met, out of, None]      | met / out of, and the percentage           |
| avg     | [sum, how many, None]    | the average                                |
| per100  | [tickets, installed, _]  | failures per 100 installed units           |
| money   | [cost, None, quantity]   | the cost (and the quantity)                |

What counts in which month (the site's calendar month, Asia/Shanghai):
- repairs: tickets reported in the month (deleted ones left out), by fault class (the
  technician's classification; not yet classified apart), device category, brand and model;
- failures per model: the month's tickets on devices of a model over the quantity of that model
  installed by the month's end (`Device.quantity`, devices not deleted);
- deadline clocks due in the month (`repairs.queries.clocks_due`, 10 working days for a factory
  return on the Chinese working calendar); a late factory return with the circumstance noted is
  excused, as in the appraisal; factory turnaround = working days from sent to back and working,
  for the returns due in the month that are back;
- patrols and semi-annual maintenance due in the month (`maintenance.queries.visit_measures`:
  on time only when done by the due date and, for a patrol, signed or a reason recorded);
  overdue = still not done;
- patrol findings: the items flagged on the patrol and maintenance sheets finished in the month;
- quality checks (spot checks, year-end inspections) finished in the month: the average score;
- follow-up calls and reworks the office recorded in the month;
- parts used on the repair forms resolved in the month (`resolved` data `parts`);
- product-quality problems raised in the month, by model.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from ..appraisal.measures import month_bounds

from ..archive.models import Customer, Device
from ..clock import local_date, utcnow
from ..extensions import db
from ..maintenance.labels import ACTIVITY_LABELS
from ..maintenance.models import ChecklistTemplate, Inspection
from ..maintenance.periods import month_end, shift_month
from ..maintenance.quality import COUNTED_STATES, QUALITY_ACTIVITIES
from ..maintenance.queries import APPRAISED_ACTIVITIES, visit_measures
from ..repairs.deadlines import CLOCK_LABELS, FACTORY_RETURN
from ..repairs.events import RepairEvent
from ..repairs.models import RepairTicket
from ..repairs.queries import clocks_due, follow_up_calls
from ..repairs.step_data import parts_of
from ..repairs.vocabulary import CLASSIFICATION_LABELS, Event
from ..templating import CATEGORY_LABELS
from ..workcal.services import WorkCalendar
from .models import ProductIssue

FORMAT_VERSION = 1
UNCLASSIFIED = "unclassified"
NO_DEVICE = "none"

# figure key -> the kind of record behind its rows (the record list links by kind)
FIGURES: dict[str, str] = {
    "repairs_by_fault": "ticket",
    "repairs_by_device_type": "ticket",
    "repairs_by_model": "ticket",
    "failure_rate": "ticket",
    "factory_returns": "ticket",
    "deadlines": "ticket",
    "visits": "visit",
    "findings": "sheet",
    "quality_scores": "sheet",
    "follow_up": "ticket",
    "parts": "ticket",
    "product_issues": "issue",
}
FIGURE_LABELS = {
    "repairs_by_fault": _l("Repairs by fault class"),
    "repairs_by_device_type": _l("Repairs by device type"),
    "repairs_by_model": _l("Repairs by brand and model"),
    "failure_rate": _l("Failures per 100 installed units, by model (models failing most first)"),
    "factory_returns": _l("Factory returns and their turnaround"),
    "deadlines": _l("Deadlines met"),
    "visits": _l("Monthly patrols and semi-annual maintenance"),
    "findings": _l("Patrol findings by item"),
    "quality_scores": _l("Spot-check and year-end scores"),
    "follow_up": _l("Follow-up calls and rework"),
    "parts": _l("Parts used and their cost"),
    "product_issues": _l("Product-quality problems raised, by model"),
}
# Names of rows whose key is a code (the rest carry the label they were computed with).
ROW_LABELS: dict[str, dict[str, Any]] = {
    "repairs_by_fault": {**CLASSIFICATION_LABELS, UNCLASSIFIED: _l("Not classified yet")},
    "repairs_by_device_type": {**CATEGORY_LABELS, NO_DEVICE: _l("No device named")},
    "factory_returns": {
        "sent": _l("Sent to the factory"), "due": _l("Due back this month"), "back": _l("Back and working"),
        "out": _l("Still at the factory"), "turnaround": _l("Turnaround (working days)"),
    },
    "deadlines": {**CLOCK_LABELS},
    "visits": {
        "monthly_patrol": _l("Monthly patrols on time"),
        "monthly_patrol_overdue": _l("Monthly patrols overdue"),
        "semi_annual_maintenance": _l("Semi-annual maintenance on time"),
        "semi_annual_maintenance_overdue": _l("Semi-annual maintenance overdue"),
    },
    "quality_scores": {**ACTIVITY_LABELS},
    "follow_up": {
        "calls": _l("Follow-up calls"), "satisfied": _l("Customers satisfied"),
        "quality": _l("Repair quality (1–5)"), "attitude": _l("Service attitude (1–5)"),
        "rework": _l("Repairs done again (rework)"),
    },
    "parts": {"total": _l("All parts")},
}
MODES = ("count", "rate", "avg", "per100", "money")


@dataclass
class _Row:
    """One row of one period: its numbers, per school, and the records behind it."""

    label: str
    mode: str
    v: float = 0
    t: float | None = None
    q: float | None = None
    ids: dict[str, None] = field(default_factory=dict)  # insertion-ordered set of record ids
    schools: dict[str, list] = field(default_factory=dict)


class _Tally:
    """The rows of one month, by figure and row key."""

    def __init__(self) -> None:
        self.rows: dict[str, dict[str, _Row]] = {key: {} for key in FIGURES}

    def add(self, figure: str, key: str, label: Any, school: str | None, record: str | None = None, *,
            v: float = 1, t: float | None = None, q: float | None = None, mode: str = "count") -> None:
        """Add to a row, and to the school's share of it (`label`, maybe a lazy translation, is read
        once, when the row is made: translating it per record was a second of a big month)."""
        row = self.rows[figure].get(key)
        if row is None:
            row = self.rows[figure][key] = _Row(str(label), mode)
        row.v += v
        if t is not None:
            row.t = (row.t or 0) + t
        if q is not None:
            row.q = (row.q or 0) + q
        if record is not None:
            row.ids[record] = None
        if school is not None:
            share = row.schools.setdefault(school, [0, None, None])
            share[0] += v
            if t is not None:
                share[1] = (share[1] or 0) + t
            if q is not None:
                share[2] = (share[2] or 0) + q

    def total(self, figure: str, key: str, label: str, school: str, t: float, mode: str) -> None:
        """Set a row's denominator for a school (installed quantities), keeping the counts."""
        row = self.rows[figure].get(key)
        if row is None:
            row = self.rows[figure][key] = _Row(label, mode)
        row.t = (row.t or 0) + t
        share = row.schools.setdefault(school, [0, None, None])
        share[1] = (share[1] or 0) + t


def month_span(year: int, month: int) -> tuple[datetime, datetime]:
    """The month in the site's zone as UTC instants [start, end) (the appraisal's months)."""
    return month_bounds(year, month)


def _model_key(brand: str | None, model: str | None) -> tuple[str, str]:
    """The row key and label of a brand and model."""
    label = " ".join(p for p in ((brand or "").strip(), (model or "").strip()) if p)
    return (f"{(brand or '').strip()}|{(model or '').strip()}", label or "—")


def _repairs(tally: _Tally, start: datetime, end: datetime, last_day: date) -> None:
    """Tickets reported in the month by class, device type and model; failures per installed model."""
    rows = db.session.execute(
        select(RepairTicket.id, RepairTicket.customer_id, RepairTicket.category, Device.category,
               Device.brand, Device.model)
        .outerjoin(Device, Device.id == RepairTicket.device_id)
        .where(RepairTicket.deleted_at.is_(None), RepairTicket.reported_at >= start, RepairTicket.reported_at < end)
        .order_by(RepairTicket.reported_at, RepairTicket.number)
    ).all()
    models: set[str] = set()
    for ticket_id, school, fault, device_category, brand, model in rows:
        fault = fault or UNCLASSIFIED
        tally.add("repairs_by_fault", fault, ROW_LABELS["repairs_by_fault"].get(fault, fault), school, ticket_id)
        kind = device_category or NO_DEVICE
        tally.add("repairs_by_device_type", kind, ROW_LABELS["repairs_by_device_type"].get(kind, kind), school,
                  ticket_id)
        if device_category is None:
            continue
        key, label = _model_key(brand, model)
        tally.add("repairs_by_model", key, label, school, ticket_id)
        tally.add("failure_rate", key, label, school, ticket_id, mode="per100")
        models.add(key)
    _installed(tally, last_day, models)


def _installed(tally: _Tally, last_day: date, models: set[str]) -> None:
    """The installed quantity of these models on the month's last day, as their failure rates'
    denominators (a model with no ticket that month then reads 0 failures per 100, not '—')."""
    if not models:
        return
    installed = db.session.execute(
        select(Device.customer_id, Device.brand, Device.model, func.sum(Device.quantity))
        .where(Device.deleted_at.is_(None), or_(Device.install_date.is_(None), Device.install_date <= last_day))
        .group_by(Device.customer_id, Device.brand, Device.model)
    ).all()
    for school, brand, model, quantity in installed:
        key, label = _model_key(brand, model)
        if key in models:
            tally.total("failure_rate", key, label, school, float(quantity or 0), "per100")


def _deadlines(tally: _Tally, start: datetime, end: datetime, measures: list, cal: WorkCalendar) -> None:
    """Deadline clocks due in the month (`measures`), met (or excused) out of due; factory turnaround."""
    sent = db.session.execute(
        select(RepairEvent.ticket_id, RepairEvent.customer_id)
        .join(RepairTicket, RepairTicket.id == RepairEvent.ticket_id)
        .where(RepairEvent.type == Event.SENT_TO_FACTORY, RepairEvent.received_at >= start,
               RepairEvent.received_at < end, RepairTicket.deleted_at.is_(None))
    ).all()
    labels = ROW_LABELS["factory_returns"]
    for ticket_id, school in sent:
        tally.add("factory_returns", "sent", labels["sent"], school, ticket_id)
    for m in measures:
        clock, ticket, school = m.clock, m.ticket, m.ticket.customer_id
        ok = m.met or m.excused
        tally.add("deadlines", clock.key, CLOCK_LABELS[clock.key], school, ticket.id, v=1 if ok else 0, t=1, mode="rate")
        if clock.key != FACTORY_RETURN:
            continue
        tally.add("factory_returns", "due", labels["due"], school, ticket.id)
        if clock.ended_at is None:
            tally.add("factory_returns", "out", labels["out"], school, ticket.id)
            continue
        tally.add("factory_returns", "back", labels["back"], school, ticket.id)
        days = cal.working_days_between(local_date(clock.started_at), local_date(clock.ended_at)).value
        tally.add("factory_returns", "turnaround", labels["turnaround"], school, ticket.id, v=days, t=1,
                  mode="avg")


def _visits(tally: _Tally, year: int, month: int) -> None:
    """Patrols and maintenance due in the month: on time out of due, and those still not done."""
    labels = ROW_LABELS["visits"]
    for m in visit_measures(date(year, month, 1), month_end(year, month), APPRAISED_ACTIVITIES):
        visit = m.visit
        tally.add("visits", visit.activity, labels[visit.activity], visit.customer_id, visit.id,
                  v=1 if m.on_time else 0, t=1, mode="rate")
        if m.outcome == "open":
            key = f"{visit.activity}_overdue"
            tally.add("visits", key, labels[key], visit.customer_id, visit.id)


def _sheets(tally: _Tally, start: datetime, end: datetime) -> None:
    """Items flagged on the month's patrol and maintenance sheets; quality-check scores."""
    counted = (Inspection.deleted_at.is_(None), Inspection.state.in_(COUNTED_STATES),
               Inspection.finished_at >= start, Inspection.finished_at < end)
    flagged = db.session.execute(
        select(Inspection.id, Inspection.customer_id, Inspection.answers, ChecklistTemplate.items)
        .join(ChecklistTemplate, ChecklistTemplate.id == Inspection.template_id)
        .where(*counted, Inspection.activity.in_(APPRAISED_ACTIVITIES), Inspection.flagged_count > 0)
    ).all()
    for sheet_id, school, answers, items in flagged:
        names = {i.get("key"): i.get("label_zh") or i.get("label_en") or i.get("key") for i in items or []}
        for key, answer in (answers or {}).items():
            if isinstance(answer, dict) and answer.get("flagged"):
                tally.add("findings", key, names.get(key, key), school, sheet_id)
    scores = db.session.execute(
        select(Inspection.id, Inspection.customer_id, Inspection.activity, Inspection.score)
        .where(*counted, Inspection.activity.in_(QUALITY_ACTIVITIES), Inspection.score.is_not(None))
    ).all()
    for sheet_id, school, activity, score in scores:
        tally.add("quality_scores", activity, ACTIVITY_LABELS.get(activity, activity), school, sheet_id,
                  v=float(score), t=1, mode="avg")


def _follow_ups(tally: _Tally, start: datetime, end: datetime) -> None:
    """Follow-up calls (satisfied, quality, attitude) and reworks opened in the month."""
    labels = ROW_LABELS["follow_up"]
    for call in follow_up_calls(start, end):
        school, ticket_id = call.ticket.customer_id, call.ticket.id
        tally.add("follow_up", "calls", labels["calls"], school, ticket_id)
        tally.add("follow_up", "satisfied", labels["satisfied"], school, ticket_id,
                  v=1 if call.satisfied else 0, t=1, mode="rate")
        for key in ("quality", "attitude"):
            value = getattr(call, key)
            if value is not None:
                tally.add("follow_up", key, labels[key], school, ticket_id, v=value, t=1, mode="avg")
    reworks = db.session.execute(
        select(RepairEvent.ticket_id, RepairEvent.customer_id)
        .join(RepairTicket, RepairTicket.id == RepairEvent.ticket_id)
        .where(RepairEvent.type == Event.REWORK_OPENED, RepairEvent.received_at >= start,
               RepairEvent.received_at < end, RepairTicket.deleted_at.is_(None))
    ).all()
    for ticket_id, school in reworks:
        tally.add("follow_up", "rework", labels["rework"], school, ticket_id)


def _parts(tally: _Tally, start: datetime, end: datetime) -> None:
    """Parts on the repair forms resolved in the month: quantity and cost, by part name."""
    rows = db.session.execute(
        select(RepairEvent.ticket_id, RepairEvent.customer_id, RepairEvent.data)
        .join(RepairTicket, RepairTicket.id == RepairEvent.ticket_id)
        .where(RepairEvent.type == Event.RESOLVED, RepairEvent.received_at >= start,
               RepairEvent.received_at < end, RepairTicket.deleted_at.is_(None))
    ).all()
    for ticket_id, school, data in rows:
        for line in parts_of((data or {}).get("parts")) or []:
            cost = float(line["qty"]) * float(line["unit_cost"])
            tally.add("parts", line["name"], line["name"], school, ticket_id, v=cost, q=line["qty"], mode="money")
            tally.add("parts", "total", ROW_LABELS["parts"]["total"], school, ticket_id, v=cost, q=line["qty"],
                      mode="money")


def _issues(tally: _Tally, start: datetime, end: datetime) -> None:
    """Product-quality problems raised in the month, by model."""
    rows = db.session.execute(
        select(ProductIssue.id, ProductIssue.customer_id, ProductIssue.brand, ProductIssue.model)
        .where(ProductIssue.raised_at >= start, ProductIssue.raised_at < end).order_by(ProductIssue.raised_at)
    ).all()
    for issue_id, school, brand, model in rows:
        key, label = _model_key(brand, model)
        tally.add("product_issues", key, label, school, issue_id)


def tally_month(year: int, month: int, *, now: datetime | None = None, cal: WorkCalendar | None = None,
                clocks: list | None = None) -> _Tally:
    """Every figure of one month (the rows of one period); `clocks` are its deadline clocks when
    the caller measured them already (clocks_due over two months at once)."""
    start, end = month_span(year, month)
    now = now or utcnow()
    cal = cal or WorkCalendar()
    if clocks is None:
        clocks = clocks_due(start, end, now=now, cal=cal)
    tally = _Tally()
    _repairs(tally, start, end, month_end(year, month))
    _deadlines(tally, start, end, clocks, cal)
    _visits(tally, year, month)
    _sheets(tally, start, end)
    _follow_ups(tally, start, end)
    _parts(tally, start, end)
    _issues(tally, start, end)
    return tally


def _numbers(row: _Row | None) -> list:
    """[v, t, q] of a period's row (zeros when the row did not occur then)."""
    if row is None:
        return [0, None, None]
    return [round(row.v, 4), row.t, row.q]


def _sort_key(figure: str, key: str, row: dict) -> tuple:
    """Biggest first; failure rates by rate; the 'all parts' and summary rows keep their place."""
    v, t, _q = row["cur"]
    if figure == "failure_rate":
        return (-(v / t if t else 0), -v, row["label"])
    if figure in ("repairs_by_fault", "repairs_by_device_type", "repairs_by_model", "findings", "parts",
                  "product_issues"):
        return (key != "total", -v, row["label"])
    return (0,)


def compute_figures(year: int, month: int, *, now: datetime | None = None) -> dict:
    """The month's figures, against last month and the same month last year (JSON, frozen at issue)."""
    cal = WorkCalendar()
    now = now or utcnow()
    periods = [(year, month), shift_month(year, month, -1), (year - 1, month)]
    # this month and last in one pass over the tickets: folding each ticket's steps is the cost
    start, end = month_span(year, month)
    both = clocks_due(month_span(*periods[1])[0], end, now=now, cal=cal)
    cur = tally_month(year, month, now=now, cal=cal, clocks=[m for m in both if m.clock.due_at >= start])
    prev = tally_month(*periods[1], now=now, cal=cal, clocks=[m for m in both if m.clock.due_at < start])
    last_year = tally_month(*periods[2], now=now, cal=cal)
    # a model failing in one period is counted in the others too: 0 failures over its installed base
    rated = {key for t in (cur, prev, last_year) for key in t.rows["failure_rate"]}
    for tally, period in zip((cur, prev, last_year), periods):
        _installed(tally, month_end(*period), rated - set(tally.rows["failure_rate"]))
    figures = []
    school_ids: set[str] = set()
    for key, kind in FIGURES.items():
        rows = []
        order = list(dict.fromkeys([*cur.rows[key], *prev.rows[key], *last_year.rows[key]]))
        for row_key in order:
            c, p, ly = cur.rows[key].get(row_key), prev.rows[key].get(row_key), last_year.rows[key].get(row_key)
            sample = c or p or ly
            schools = {}
            for school in set().union(*((r.schools if r else {}) for r in (c, p, ly))):
                schools[school] = {
                    "cur": (c.schools.get(school) if c else None) or [0, None, None],
                    "prev": (p.schools.get(school) if p else None) or [0, None, None],
                    "ly": (ly.schools.get(school) if ly else None) or [0, None, None],
                }
            school_ids |= set(schools)
            rows.append({"key": row_key, "label": sample.label, "mode": sample.mode, "cur": _numbers(c),
                         "prev": _numbers(p), "ly": _numbers(ly), "ids": list(c.ids) if c else [],
                         "schools": schools})
        rows.sort(key=lambda r: _sort_key(key, r["key"], r))
        figures.append({"key": key, "kind": kind, "rows": rows})
    names = dict(db.session.execute(select(Customer.id, Customer.name).where(Customer.id.in_(school_ids))).all()) \
        if school_ids else {}
    return {
        "version": FORMAT_VERSION, "year": year, "month": month, "computed_at": now.isoformat(),
        "periods": {"cur": f"{year:04d}-{month:02d}", "prev": "%04d-%02d" % periods[1], "ly": "%04d-%02d" % periods[2]},
        "schools": dict(sorted(names.items(), key=lambda kv: kv[1])),
        "figures": figures,
    }
