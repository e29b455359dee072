"""The knowledge base's verbs: draft an article (from a difficult ticket, a seminar item or by
hand), edit it (each edit a kept version), publish it (the department head). They never commit.

Who may do what: staff who repair or review (technician, office, supervisor, quality, admin)
write and edit drafts; the head (supervisor) or an admin publishes. An edit to a published
article by someone else returns it to draft until the head publishes it again, so what the
devices carry is always what the head approved. Every change rewrites the article's search
index (knowledge/search.py) in the same transaction.
"""
from __future__ import annotations

import re
from typing import Any, Callable

from flask_babel import gettext as _
from sqlalchemy import String, cast, or_, select

from ..archive.models import DEVICE_CATEGORIES
from ..auth.models import Role, User
from ..clock import utcnow
from ..errors import DomainError, Forbidden, NotFound
from ..extensions import db
from ..records import new_id
from . import search
from .models import CONTENT_FIELDS, DRAFT, LIST_FIELDS, PUBLISHED, Article, ArticleVersion

WRITERS = (Role.TECHNICIAN.value, Role.OFFICE.value, Role.SUPERVISOR.value, Role.QUALITY.value, Role.ADMIN.value)
PUBLISHERS = (Role.SUPERVISOR.value, Role.ADMIN.value)
SOURCE_KINDS = ("repair_ticket", "seminar_item", "training_session")
TEXT_LIMITS = {"title": 200, "symptoms": 4000, "cause": 4000, "solution": 4000, "device_category": 40, "brand": 100}
LIST_LIMITS = {"steps": (30, 500), "models": (20, 100), "software_versions": (20, 100), "photos": (12, 64)}
_SHA256 = re.compile(r"^[0-9a-f]{64}$")

# source kind -> (user, source id) -> the label an article shows for it (raises NotFound when unseen)
_source_labels: dict[str, Callable[[User, str], str]] = {}


def register_source(kind: str, label_of: Callable[[User, str], str]) -> None:
    """Let a feature name its records as article sources (repairs' tickets are built in)."""
    _source_labels[kind] = label_of


def can_write(user: User) -> bool:
    """True for roles that write and edit articles."""
    return user.role in WRITERS


def can_publish(user: User) -> bool:
    """True for the head (and admins)."""
    return user.role in PUBLISHERS


def _require_writer(user: User) -> None:
    if not can_write(user):
        raise Forbidden(_("Your role may not write knowledge-base articles."))


def _lines(value: Any) -> list[str]:
    """A list field from a list or from text with one entry a line."""
    if value is None:
        return []
    if isinstance(value, str):
        value = value.splitlines()
    if not isinstance(value, (list, tuple)):
        raise TypeError
    return [str(v).strip() for v in value if str(v).strip()]


def clean_fields(fields: dict, *, partial: bool = False) -> dict[str, Any]:
    """Checked article content (only the fields given when `partial`); field errors raise `invalid`."""
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    for name in CONTENT_FIELDS:
        if name == "sources" or (partial and name not in fields):
            continue
        raw = fields.get(name)
        if name in LIST_FIELDS:
            try:
                items = _lines(raw)
            except TypeError:
                errors[name] = [_("Give a list.")]
                continue
            most, longest = LIST_LIMITS[name]
            if len(items) > most:
                errors[name] = [_("At most %(n)s entries.", n=most)]
            elif any(len(item) > longest for item in items):
                errors[name] = [_("Each entry may be at most %(n)s characters.", n=longest)]
            elif name == "photos" and any(not _SHA256.match(item) for item in items):
                errors[name] = [_("A photo is named by its SHA-256.")]
            out[name] = items
            continue
        text = raw.strip() if isinstance(raw, str) else ("" if raw is None else None)
        if text is None:
            errors[name] = [_("Give text.")]
        elif len(text) > TEXT_LIMITS[name]:
            errors[name] = [_("At most %(n)s characters.", n=TEXT_LIMITS[name])]
        elif name == "device_category" and text and text not in DEVICE_CATEGORIES:
            errors[name] = [_("Unknown kind of device.")]
        out[name] = text
    if "title" in out and not out["title"] and "title" not in errors:
        errors["title"] = [_("Give the article a title.")]
    if errors:
        raise DomainError(_("Please correct the marked fields."), code="invalid", errors=errors)
    return out


def _keep_version(article: Article, user: User, note: str) -> ArticleVersion:
    """Store the article's content as its next version."""
    version = ArticleVersion(article_id=article.id, number=article.current_version, content=article.content(),
                             note=note[:300], author_id=user.id)
    db.session.add(version)
    return version


def create_article(user: User, fields: dict, *, sources: list[dict] | None = None, note: str = "",
                   record_id: str | None = None) -> Article:
    """A new draft article (version 1), indexed for search."""
    _require_writer(user)
    content = clean_fields(fields)
    article = Article(id=record_id or new_id(), status=DRAFT, current_version=1, author_id=user.id,
                      sources=list(sources or []), **content)
    db.session.add(article)
    db.session.flush()
    _keep_version(article, user, note or _("Written"))
    search.reindex(article)
    return article


def draft_article(source_kind: str, source_id: str, fields: dict, author: User, *, source_label: str = "") -> Article:
    """A draft article from a record of another feature (a difficult ticket, a seminar item...).

    `fields` holds the article's content (title, symptoms, cause, solution, steps as a list or
    lines, device_category, brand, models, software_versions, photos); the source is kept on
    the article as {"kind", "id", "label"} and the draft waits for the head to publish it.
    """
    if source_kind not in SOURCE_KINDS:
        raise DomainError(_("Articles cannot be written from that kind of record."), code="kb_unknown_source",
                          details={"source_kind": source_kind})
    label_of = _source_labels.get(source_kind)
    label = source_label or (label_of(author, source_id) if label_of else str(source_id))
    source = {"kind": source_kind, "id": str(source_id), "label": label}
    return create_article(author, fields, sources=[source], note=_("Written from %(source)s", source=label))


def articles_written_from(source_kind: str, source_ids: list[str]) -> dict[str, list[Article]]:
    """The live articles written from each of these records: {source id: [articles, oldest first]}."""
    wanted = {str(i) for i in source_ids}
    out: dict[str, list[Article]] = {i: [] for i in wanted}
    if not wanted:
        return out
    like = [cast(Article.sources, String).like(f"%{i}%") for i in wanted]
    candidates = db.session.scalars(
        select(Article).where(Article.deleted_at.is_(None), or_(*like)).order_by(Article.created_at, Article.id)
    )
    for article in candidates:
        for source in article.sources or []:
            if source.get("kind") == source_kind and source.get("id") in wanted and article not in out[source["id"]]:
                out[source["id"]].append(article)
    return out


def update_article(user: User, article: Article, changes: dict, *, base_version: int | None = None) -> Article:
    """Edit an article: a new kept version; a published one edited by a non-publisher is a draft again."""
    _require_writer(user)
    if article.deleted_at is not None:
        raise DomainError(_("This article was withdrawn."), code="retired")
    if base_version is not None and base_version != article.current_version:
        raise DomainError(_("Someone changed this article since you opened it; look at it again."), code="stale",
                          details={"version": article.current_version})
    content = clean_fields(changes, partial=True)
    changed = {k: v for k, v in content.items() if getattr(article, k) != v}
    if not changed:
        raise DomainError(_("Nothing would change."), code="unchanged")
    for name, value in changed.items():
        setattr(article, name, value)
    article.current_version += 1
    note = _("Edited")
    if article.status == PUBLISHED and not can_publish(user):
        article.status = DRAFT
        note = _("Edited; waits for the head to publish it again")
    _keep_version(article, user, note)
    search.reindex(article)
    return article


def publish_article(user: User, article: Article) -> Article:
    """The head publishes the present version: devices of technicians it concerns pull it."""
    if not can_publish(user):
        raise Forbidden(_("Only the department head publishes articles."))
    if article.deleted_at is not None:
        raise DomainError(_("This article was withdrawn."), code="retired")
    if article.status == PUBLISHED:
        raise DomainError(_("This version is published already."), code="kb_already_published",
                          details={"version": article.current_version})
    missing = {name: [_("Needed before publishing.")] for name in ("symptoms", "solution") if not getattr(article, name)}
    if missing:
        raise DomainError(_("Please correct the marked fields."), code="invalid", errors=missing)
    article.status = PUBLISHED
    article.published_version = article.current_version
    article.published_at = utcnow()
    article.published_by_id = user.id
    return article


def get_article(user: User, article_id: str) -> Article:
    """An article the user may read: published ones for everyone, drafts for writers."""
    article = db.session.get(Article, article_id)
    if article is None or article.deleted_at is not None or (article.status != PUBLISHED and not can_write(user)):
        raise NotFound(_("Not found."))
    return article


def versions_of(article: Article) -> list[dict[str, Any]]:
    """The article's versions, newest first, each with the fields it changed."""
    rows = list(db.session.scalars(
        db.select(ArticleVersion).where(ArticleVersion.article_id == article.id).order_by(ArticleVersion.number)
    ))
    out = []
    before: dict[str, Any] = {}
    for row in rows:
        changed = [name for name in CONTENT_FIELDS if row.content.get(name) != before.get(name)] if before else []
        out.append({"version": row, "changed": changed, "published": row.number == article.published_version})
        before = row.content
    return list(reversed(out))

