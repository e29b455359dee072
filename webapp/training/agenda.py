"""The seminar's agenda drafted from the month: what the repairs and the patrols of one month
put on the table, and what last month's seminar left unsolved.

Each source is one query over the month (site-local calendar month, as UTC bounds):
- difficult faults: tickets reported in the month and classified difficult (疑难故障);
- factory returns: tickets sent to the factory in the month (a `sent_to_factory` step);
- reworks: tickets reopened in the month after an unhappy follow-up (a `rework_opened` step);
- repeated failures of one model: tickets reported in the month grouped by device brand and
  model, kept where one model failed `REPEAT_MIN` times or more;
- patrol findings: sheets handed in during the month with flagged items;
- carried over: the unsolved problems of the latest issued seminar before this month.
A ticket appears once (the first of difficult, factory return, rework that names it). Each
item has a `ref_key`, so drafting again only adds what is new.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, distinct, func, or_, select
from sqlalchemy.orm import selectinload

from ..archive.models import Device
from ..clock import local_date, local_day_start
from ..extensions import db
from ..maintenance.models import Inspection
from ..repairs.events import RepairEvent
from ..repairs.models import RepairTicket
from ..repairs.vocabulary import Event, Fault
from .models import Seminar, SeminarItem
from .vocabulary import UNSOLVED, SeminarState, Source

REPEAT_MIN = 2  # one model failing twice in a month across the schools is already worth a look


@dataclass
class Proposal:
    """An item the month proposes for the agenda."""

    source: str
    ref_key: str
    title: str
    facts: str
    ticket_id: str | None = None
    owner_id: int | None = None
    status: str = "open"
    carried_from_id: str | None = None


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    """The month's first moment and the next month's, site-local, as aware datetimes."""
    start = date(year, month, 1)
    end = date(year + (month == 12), month % 12 + 1, 1)
    return local_day_start(start), local_day_start(end)


def previous_month(year: int, month: int) -> tuple[int, int]:
    """The month before."""
    return (year - 1, 12) if month == 1 else (year, month - 1)


def next_month(year: int, month: int) -> tuple[int, int]:
    """The month after."""
    return (year + 1, 1) if month == 12 else (year, month + 1)


def _device_text(device: Device | None) -> str:
    """A device as 'name brand model'."""
    if device is None:
        return ""
    return " ".join(p for p in (device.name, device.brand or "", device.model or "") if p)


def _ticket_proposal(source: str, ticket: RepairTicket, at: datetime) -> Proposal:
    """An agenda item for one ticket."""
    device = _device_text(ticket.device)
    facts = "\n".join(p for p in (
        f"{ticket.customer.name}{' · ' + device if device else ''}",
        f"{local_date(at).isoformat()} · {ticket.description}",
    ) if p)
    return Proposal(source, f"ticket:{ticket.id}", f"{ticket.number} {ticket.description}"[:200], facts,
                    ticket_id=ticket.id, owner_id=ticket.assigned_to_id)


def _ticket_options():
    """Load what an item prints about a ticket with it."""
    return (selectinload(RepairTicket.customer), selectinload(RepairTicket.device))


def difficult_faults(start: datetime, end: datetime) -> list[tuple[RepairTicket, datetime]]:
    """Tickets reported in the month that were classified difficult."""
    rows = db.session.scalars(
        select(RepairTicket).options(*_ticket_options()).where(
            RepairTicket.deleted_at.is_(None), RepairTicket.category == Fault.DIFFICULT.value,
            RepairTicket.reported_at >= start, RepairTicket.reported_at < end,
        ).order_by(RepairTicket.reported_at, RepairTicket.id)
    ).all()
    return [(t, t.reported_at) for t in rows]


def tickets_with_step(step: str, start: datetime, end: datetime) -> list[tuple[RepairTicket, datetime]]:
    """Tickets that took a step in the month, with the first time they took it then."""
    first = (
        select(RepairEvent.ticket_id, func.min(RepairEvent.received_at).label("at"))
        .where(RepairEvent.type == step, RepairEvent.received_at >= start, RepairEvent.received_at < end,
               RepairEvent.deleted_at.is_(None))
        .group_by(RepairEvent.ticket_id).subquery()
    )
    rows = db.session.execute(
        select(RepairTicket, first.c.at).options(*_ticket_options()).join(first, first.c.ticket_id == RepairTicket.id)
        .where(RepairTicket.deleted_at.is_(None)).order_by(first.c.at, RepairTicket.id)
    ).all()
    return [(t, at) for t, at in rows]


def repeated_models(start: datetime, end: datetime) -> list[tuple[str, str, int, int]]:
    """(brand, model, tickets, schools) for each device model with REPEAT_MIN or more tickets reported in the month."""
    return [tuple(r) for r in db.session.execute(
        select(Device.brand, Device.model, func.count(RepairTicket.id), func.count(distinct(RepairTicket.customer_id)))
        .join(Device, Device.id == RepairTicket.device_id)
        .where(RepairTicket.deleted_at.is_(None), RepairTicket.reported_at >= start, RepairTicket.reported_at < end,
               Device.model.is_not(None), Device.model != "")
        .group_by(Device.brand, Device.model)
        .having(func.count(RepairTicket.id) >= REPEAT_MIN)
        .order_by(func.count(RepairTicket.id).desc(), Device.brand, Device.model)
    ).all()]


def patrol_findings(start: datetime, end: datetime) -> list[Inspection]:
    """Sheets handed in during the month with flagged items."""
    return list(db.session.scalars(
        select(Inspection).options(selectinload(Inspection.customer), selectinload(Inspection.template))
        .where(Inspection.deleted_at.is_(None), Inspection.state != "draft", Inspection.flagged_count > 0,
               Inspection.submitted_at >= start, Inspection.submitted_at < end)
        .order_by(Inspection.submitted_at, Inspection.id)
    ).all())


def _finding_text(sheet: Inspection) -> str:
    """The flagged items of a sheet as lines 'item: note'."""
    labels = {i.get("key"): i.get("label_zh") or i.get("label_en") or i.get("key") for i in (sheet.template.items or [])}
    lines = []
    for key, answer in (sheet.answers or {}).items():
        if isinstance(answer, dict) and answer.get("flagged"):
            lines.append(f"{labels.get(key, key)}：{answer.get('note') or '—'}")
    return "\n".join(lines)


def last_issued_before(year: int, month: int) -> Seminar | None:
    """The latest seminar before this month whose minutes were issued."""
    return db.session.scalars(
        select(Seminar).where(
            Seminar.deleted_at.is_(None), Seminar.state == SeminarState.ISSUED,
            or_(Seminar.year < year, and_(Seminar.year == year, Seminar.month < month)),
        ).order_by(Seminar.year.desc(), Seminar.month.desc()).limit(1)
    ).first()


def carried_over(year: int, month: int) -> list[Proposal]:
    """The unsolved problems of the last issued seminar, to be taken up again."""
    last = last_issued_before(year, month)
    if last is None:
        return []
    out = []
    for item in last.items:
        if item.status not in UNSOLVED or item.deleted_at is not None:
            continue
        said = " ".join(p for p in (item.discussion, item.solution) if p) or "未解决"
        facts = f"{item.facts}\n—— {last.year}年{last.month}月研讨会：{said}"
        out.append(Proposal(Source.CARRIED, f"carried:{item.id}", item.title, facts.strip(), ticket_id=item.ticket_id,
                            owner_id=item.owner_id, status=item.status, carried_from_id=item.id))
    return out


def proposals_for(year: int, month: int) -> list[Proposal]:
    """Everything the month puts on the agenda, in the order it is discussed."""
    start, end = month_bounds(year, month)
    out = carried_over(year, month)
    seen = {p.ticket_id for p in out if p.ticket_id}
    for source, rows in ((Source.DIFFICULT, difficult_faults(start, end)),
                         (Source.FACTORY_RETURN, tickets_with_step(Event.SENT_TO_FACTORY, start, end)),
                         (Source.REWORK, tickets_with_step(Event.REWORK_OPENED, start, end))):
        for ticket, at in rows:
            if ticket.id not in seen:
                seen.add(ticket.id)
                out.append(_ticket_proposal(source, ticket, at))
    for brand, model, tickets, schools in repeated_models(start, end):
        name = " ".join(p for p in (brand, model) if p)
        out.append(Proposal(Source.REPEATED_MODEL, f"model:{brand}|{model}"[:120], f"{name} 本月报修 {tickets} 次",
                            f"{tickets} 张报修单，涉及 {schools} 所学校。"))
    for sheet in patrol_findings(start, end):
        out.append(Proposal(Source.PATROL_FINDING, f"inspection:{sheet.id}",
                            f"{sheet.customer.name} 巡查发现 {sheet.flagged_count} 项问题"[:200], _finding_text(sheet)))
    return out


def add_proposals(seminar: Seminar, proposals: list[Proposal]) -> list[SeminarItem]:
    """Add the proposals the seminar does not hold yet (by ref_key), after its present items."""
    held = set(db.session.scalars(select(SeminarItem.ref_key).where(SeminarItem.seminar_id == seminar.id)).all())
    position = max((i.position for i in seminar.items), default=0)
    added = []
    for p in proposals:
        if p.ref_key in held:
            continue
        position += 1
        item = SeminarItem(seminar_id=seminar.id, position=position, source=p.source, ref_key=p.ref_key,
                           ticket_id=p.ticket_id, title=p.title, facts=p.facts, owner_id=p.owner_id, status=p.status,
                           carried_from_id=p.carried_from_id)
        db.session.add(item)
        seminar.items.append(item)
        added.append(item)
    db.session.flush()
    return added
