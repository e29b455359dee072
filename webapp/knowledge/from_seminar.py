"""Articles and the month-end seminar: one tap on a seminar item whose solution was agreed
writes a draft article from it (the problem's facts as the symptoms, the agreed solution, and
the device, brand, model and cause of the ticket it came from, when it came from one).
"""
from __future__ import annotations

from flask_babel import gettext as _

from ..auth.models import User
from ..errors import DomainError, Forbidden, NotFound
from ..extensions import db
from ..repairs.events import ticket_state
from ..training.models import SeminarItem
from ..training.seminars import get_item, get_seminar
from .from_ticket import fields_from_ticket
from .models import Article
from .services import articles_written_from, can_write, draft_article, register_source

SOURCE_KIND = "seminar_item"


def can_write_from(item: SeminarItem) -> bool:
    """An item with a solution agreed may become an article."""
    return item.deleted_at is None and bool((item.solution or "").strip())


def item_label(item: SeminarItem) -> str:
    """How an article names the item it came from: the seminar's month and the item's number."""
    seminar = item.seminar
    live = [i for i in seminar.items if i.deleted_at is None]
    number = next((n for n, i in enumerate(live, start=1) if i.id == item.id), 0)
    return _("%(year)s-%(month)02d seminar, item %(n)s", year=seminar.year, month=seminar.month, n=number)


def fields_from_item(item: SeminarItem) -> dict:
    """The draft's content: the item's own words, over the ticket's device and cause when it has one."""
    fields: dict = {}
    if item.ticket is not None:
        fields = fields_from_ticket(item.ticket, ticket_state(item.ticket))
    facts = (item.facts or "").strip()
    steps = [line.strip() for line in (item.discussion or "").splitlines() if line.strip()]
    fields.update({
        "title": item.title[:200],
        "symptoms": "\n".join(t for t in (facts, fields.get("symptoms", "")) if t)[:4000] or item.title[:4000],
        "solution": item.solution.strip()[:4000],
        "steps": [*fields.get("steps", []), *(s[:500] for s in steps)][:30],
    })
    return fields


def article_from_item(user: User, seminar_id: str, item_id: str) -> Article:
    """One tap on a seminar item with an agreed solution: a draft article prefilled from it."""
    if not can_write(user):
        raise Forbidden(_("Your role may not write knowledge-base articles."))
    item = get_item(get_seminar(seminar_id), item_id)
    if not can_write_from(item):
        raise DomainError(_("Record the solution agreed for this item first; then it can become an article."),
                          code="kb_no_solution", details={"item_id": item.id})
    return draft_article(SOURCE_KIND, item.id, fields_from_item(item), user, source_label=item_label(item))


def articles_by_item(items: list[SeminarItem]) -> dict[str, list[Article]]:
    """The articles written from each of these items: {item id: [articles]}."""
    return articles_written_from(SOURCE_KIND, [i.id for i in items])


def _label_of(user: User, item_id: str) -> str:
    """The label of a seminar item named as a source (NotFound when it is gone)."""
    item = db.session.get(SeminarItem, item_id)
    if item is None or item.deleted_at is not None:
        raise NotFound(_("Not found."))
    return item_label(item)


register_source(SOURCE_KIND, _label_of)
