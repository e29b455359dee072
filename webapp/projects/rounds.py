"""The rounds of the flow and their loops: site-entry review, rectification, internal and external
acceptance, and the completion report. Every round is a new record; none ever changes.

Site-entry review not met -> marketing is told and has the school rectify (a Rectification) ->
the team reviews again. Internal acceptance failed -> the team rectifies the failed items and
reports them (a Rectification) -> the acceptance team accepts again. See services.py for the table
of verbs.
"""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..archive.models import Customer
from ..auth.models import User
from ..clock import utcnow
from ..errors import DomainError, Forbidden, NotFound
from ..extensions import db
from ..notifications.services import notify_each
from . import rules
from .models import (
    ENTRY_MET, EXTERNAL_PASSED, INTERNAL_PASSED, TEAM_ASSIGNED, CompletionReport, EntryReview,
    ExternalAcceptance, InternalAcceptance, Project, Rectification,
)
from .rules import Problems, add_problem, date_value, text_value

MAX_ITEMS = 100
ROUND_KINDS = {"project_entry_review": EntryReview, "project_internal_acceptance": InternalAcceptance}


def _next_round(model, project: Project, data: dict, problems: Problems) -> int:
    """The round number: the next one (a device may name it; it must be the next)."""
    last = db.session.scalar(select(func.max(model.round)).where(model.project_id == project.id)) or 0
    wanted = data.get("round")
    if wanted not in (None, "") and wanted != last + 1:
        add_problem(problems, "round", _("The next round is %(n)d.", n=last + 1))
    return last + 1


def _last_round(model, project: Project):
    """The latest round of a loop, or None."""
    return db.session.scalars(select(model).where(model.project_id == project.id)
                              .order_by(model.round.desc()).limit(1)).first()


def _items(data: dict, problems: Problems, label_key: str) -> list[dict]:
    """Checklist items: each names what was checked, whether it is ok, and a note."""
    rows = data.get("items")
    if not isinstance(rows, list) or not rows or len(rows) > MAX_ITEMS:
        add_problem(problems, "items", _("List the items checked (at most %(n)d).", n=MAX_ITEMS))
        return []
    items = []
    for i, row in enumerate(rows):
        row = row if isinstance(row, dict) else {}
        sub: Problems = {}
        label = text_value(row, label_key, sub, required=True, limit=300)
        if not isinstance(row.get("ok"), bool):
            add_problem(sub, "ok", _("Say whether this item is met."))
        item = {label_key: label, "ok": row.get("ok") is True, "note": text_value(row, "note", sub, limit=2000)}
        if "key" in row:
            item["key"] = text_value(row, "key", sub, limit=60)
        if "rectify" in row:
            item["rectify"] = text_value(row, "rectify", sub, limit=2000)
        for key, messages in sub.items():
            problems[f"items.{i}.{key}"] = messages
        items.append(item)
    return items


def _verdict(data: dict, items: list[dict], name: str, problems: Problems) -> bool:
    """Met / passed: all items ok. A stated verdict must agree with the items."""
    verdict = bool(items) and all(item["ok"] for item in items)
    if name in data and data[name] is not None and bool(data[name]) != verdict:
        add_problem(problems, name, _("Met only when every item is met.") if name == "met"
                    else _("Passed only when every item passes."))
    return verdict


# --- site-entry review -------------------------------------------------------------------------


def record_entry_review(user: User, data: dict, record_id: str | None = None) -> EntryReview:
    """A round of the site-entry review (进场条件审查单); met -> installation may start."""
    project = rules.load_project(user, data.get("project_id") or "")
    rules.require_member(user, project)
    if project.status == ENTRY_MET:
        raise rules.StageError(_("The site-entry conditions are met already."),
                               details={"status": project.status, "required": [TEAM_ASSIGNED]})
    rules.require_status(project, (TEAM_ASSIGNED,))
    problems: Problems = {}
    number = _next_round(EntryReview, project, data, problems)
    day = date_value(data, "reviewed_on", problems)
    items = _items(data, problems, "label")
    met = _verdict(data, items, "met", problems)
    notes = text_value(data, "notes", problems)
    reviewer = text_value(data, "reviewer_name", problems, limit=100) or user.display_name
    rules.raise_if(problems)
    review = EntryReview(project_id=project.id, customer_id=project.customer_id, round=number, reviewed_on=day,
                         items=items, met=met, notes=notes, reviewer_name=reviewer, author_id=user.id)
    if record_id:
        review.id = record_id
    db.session.add(review)
    if met:
        project.status, project.entry_met_at = ENTRY_MET, utcnow()
    else:
        notify_each([project.marketing], "project_entry_failed", None,
                    lambda: _("Site-entry review round %(n)d at %(name)s: conditions not met; have the school "
                              "rectify.", n=number, name=project.name),
                    dedupe_key=f"project_entry_failed:{project.id}:{number}")
    return review


def report_rectified(user: User, data: dict, record_id: str | None = None) -> Rectification:
    """The last failed round is rectified: marketing after a site-entry review, the team after an
    internal acceptance."""
    kind = data.get("round_kind")
    model = ROUND_KINDS.get(kind)
    found = db.session.get(model, data.get("round_id") or "") if model is not None else None
    if found is None:
        raise NotFound(_("Not found."), errors={"round_id": [_("Unknown round.")]})
    project = rules.load_project(user, found.project_id)
    if model is EntryReview:
        rules.require_role(user, rules.OPEN_ROLES, _("Marketing coordinates the school's rectification."))
        rules.require_status(project, (TEAM_ASSIGNED,))
        failed = not found.met
    else:
        rules.require_member(user, project)
        rules.require_status(project, (ENTRY_MET,))
        failed = not found.passed
    last = _last_round(model, project)
    if not failed or last is None or last.id != found.id:
        raise DomainError(_("Only the last round, when it failed, is rectified."), code="invalid",
                          errors={"round_id": [_("Not the last failed round.")]})
    if db.session.scalar(select(Rectification.id).where(Rectification.round_id == found.id)):
        raise DomainError(_("This round is reported rectified already."), code="duplicate")
    problems: Problems = {}
    note = text_value(data, "note", problems, required=True)
    rules.raise_if(problems)
    rectification = Rectification(project_id=project.id, customer_id=project.customer_id, round_kind=kind,
                                  round_id=found.id, note=note, author_id=user.id)
    if record_id:
        rectification.id = record_id
    db.session.add(rectification)
    return rectification


def is_rectified(round_record) -> bool:
    """True when a round has its Rectification."""
    return db.session.scalar(select(Rectification.id).where(Rectification.round_id == round_record.id)) is not None


# --- acceptance --------------------------------------------------------------------------------


def record_internal_acceptance(user: User, data: dict, record_id: str | None = None) -> InternalAcceptance:
    """A round of internal acceptance (内部验收) by the acceptance team, item by item."""
    project = rules.load_project(user, data.get("project_id") or "")
    rules.require_member(user, project, "acceptance")
    rules.require_installing(project)
    rules.require_status(project, (ENTRY_MET,), _("The internal acceptance has passed already."))
    last = _last_round(InternalAcceptance, project)
    if last is not None and not last.passed and not is_rectified(last):
        raise rules.RectificationPending(
            _("Round %(n)d failed: the team reports its items rectified before the next round.", n=last.round),
            details={"round": last.round})
    problems: Problems = {}
    number = _next_round(InternalAcceptance, project, data, problems)
    day = date_value(data, "checked_on", problems)
    items = _items(data, problems, "name")
    passed = _verdict(data, items, "passed", problems)
    notes = text_value(data, "notes", problems)
    rules.raise_if(problems)
    round_ = InternalAcceptance(project_id=project.id, customer_id=project.customer_id, round=number,
                                checked_on=day, items=items, passed=passed, notes=notes, author_id=user.id)
    if record_id:
        round_.id = record_id
    db.session.add(round_)
    if passed:
        project.status, project.internal_passed_at = INTERNAL_PASSED, utcnow()
    else:
        notify_each([project.leader], "project_acceptance_failed", None,
                    lambda: _("Internal acceptance round %(n)d at %(name)s failed: rectify the items at once.",
                              n=number, name=project.name),
                    dedupe_key=f"project_internal_failed:{project.id}:{number}")
    return round_


def record_external_acceptance(user: User, data: dict, record_id: str | None = None) -> ExternalAcceptance:
    """The external acceptance (外验) with marketing and the school; passed -> the archive's acceptance date."""
    project = rules.load_project(user, data.get("project_id") or "")
    if not (user.has_role(*rules.EXTERNAL_ROLES) or project.leader_id == user.id):
        raise Forbidden(_("Marketing or the team leader records the external acceptance."))
    if project.status in (TEAM_ASSIGNED, ENTRY_MET):
        raise rules.StageError(_("No external acceptance before the internal acceptance passes."),
                               details={"status": project.status, "required": [INTERNAL_PASSED]})
    rules.require_status(project, (INTERNAL_PASSED,))
    problems: Problems = {}
    number = _next_round(ExternalAcceptance, project, data, problems)
    day = date_value(data, "held_on", problems)
    if not isinstance(data.get("passed"), bool):
        add_problem(problems, "passed", _("Say whether the acceptance passed."))
    representative = text_value(data, "school_representative", problems, required=True, limit=100)
    remarks = text_value(data, "remarks", problems)
    attendees = text_value(data, "attendees", problems, limit=300)
    rules.raise_if(problems)
    acceptance = ExternalAcceptance(project_id=project.id, customer_id=project.customer_id, round=number,
                                    held_on=day, passed=data["passed"], remarks=remarks,
                                    school_representative=representative, attendees=attendees, author_id=user.id)
    if record_id:
        acceptance.id = record_id
    db.session.add(acceptance)
    if acceptance.passed:
        project.status, project.external_passed_at = EXTERNAL_PASSED, utcnow()
        customer = db.session.get(Customer, project.customer_id)
        customer.acceptance_date = day  # 验收时间 in the archive
    return acceptance


def write_report(user: User, data: dict, record_id: str | None = None) -> CompletionReport:
    """The completion report (工程安装调试完成报告): the leader's summary; the paper draws the rest."""
    project = rules.load_project(user, data.get("project_id") or "")
    rules.require_leader(user, project)
    rules.require_status(project, rules.AFTER_EXTERNAL,
                         _("The completion report follows the external acceptance."))
    if db.session.scalar(select(CompletionReport.id).where(CompletionReport.project_id == project.id)):
        raise DomainError(_("The completion report is written already."), code="duplicate")
    problems: Problems = {}
    summary = text_value(data, "summary", problems, required=True)
    rules.raise_if(problems)
    report = CompletionReport(project_id=project.id, customer_id=project.customer_id, summary=summary,
                              author_id=user.id)
    if record_id:
        report.id = record_id
    db.session.add(report)
    return report
