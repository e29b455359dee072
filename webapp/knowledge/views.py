"""The knowledge base's pages: search and list, an article, writing and editing, publishing,
the history of versions, one tap from a ticket, and the search API. Thin: the verbs are in
services.py / from_ticket.py, the search in search.py."""
from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from ..errors import DomainError, Forbidden
from ..extensions import db
from ..forms import submit
from . import from_seminar, from_ticket, search, services
from .forms import ActionForm, ArticleForm
from .models import DRAFT, PUBLISHED, Article, ArticleVersion

bp = Blueprint("knowledge", __name__)
LIST_LIMIT = 100
FIELD_LABELS = {
    "title": _l("Title"), "symptoms": _l("Symptoms"), "cause": _l("Cause"), "solution": _l("Solution"),
    "steps": _l("Steps"), "device_category": _l("Kind of device"), "brand": _l("Brand"), "models": _l("Models"),
    "software_versions": _l("Software versions"), "photos": _l("Photos"), "sources": _l("Written from"),
}


@bp.app_template_filter("kb_field_label")
def _field_label(name: str) -> str:
    """An article field's name as the history page shows it."""
    return str(FIELD_LABELS.get(name, name))


@bp.app_context_processor
def _ticket_panel() -> dict:
    """Let the ticket page show its articles: {{ kb_ticket_panel(ticket, state) }} (templates/knowledge/_ticket_panel.html)."""

    def kb_ticket_panel(ticket, state) -> dict:
        return {
            "difficult": from_ticket.is_difficult(ticket),
            "can_write": services.can_write(current_user) and from_ticket.can_write_from(ticket, state),
            "written": from_ticket.articles_from(ticket),
            "suggested": from_ticket.suggestions(ticket, state),
            "form": ActionForm(),
        }

    def kb_seminar_panel(seminar) -> dict:
        """Per item of a seminar: the articles written from it, and whether one tap may write one."""
        writer = services.can_write(current_user)
        return {
            "written": from_seminar.articles_by_item(seminar.items),
            "can_write": {i.id: writer and from_seminar.can_write_from(i) for i in seminar.items},
            "form": ActionForm(),
        }

    return {"kb_ticket_panel": kb_ticket_panel, "kb_seminar_panel": kb_seminar_panel}


@bp.route("/knowledge/")
@login_required
def article_list():
    """Search the articles (or list the newest); writers see drafts too."""
    q = (request.args.get("q") or "").strip()[:200]
    status = request.args.get("status", "")
    writer = services.can_write(current_user)
    if q:
        hits = search.search(q, published_only=not writer, limit=LIST_LIMIT)
        articles = [h.article for h in hits if not status or h.article.status == status]
    else:
        stmt = select(Article).where(Article.deleted_at.is_(None)).order_by(Article.updated_at.desc()).limit(LIST_LIMIT)
        if not writer:
            stmt = stmt.where(Article.status == PUBLISHED)
        elif status in (DRAFT, PUBLISHED):
            stmt = stmt.where(Article.status == status)
        articles = list(db.session.scalars(stmt))
    return render_template("knowledge/list.html", articles=articles, q=q, status=status, writer=writer)


@bp.route("/knowledge/new", methods=["GET", "POST"])
@login_required
def new_article():
    """Write an article by hand."""
    if not services.can_write(current_user):
        abort(403)
    form = ArticleForm()
    result = submit(form, lambda: services.create_article(current_user, form.content()))
    if result.done:
        flash(_("Draft saved. The head publishes it."), "success")
        return redirect(url_for("knowledge.article_detail", article_id=result.value.id))
    return render_template("knowledge/edit.html", form=form, article=None), result.status


@bp.route("/knowledge/<article_id>")
@login_required
def article_detail(article_id: str):
    """One article: what it applies to, symptoms, cause, solution, steps, sources."""
    article = services.get_article(current_user, article_id)
    return render_template("knowledge/detail.html", article=article, action=ActionForm(),
                           can_edit=services.can_write(current_user), can_publish=services.can_publish(current_user))


@bp.route("/knowledge/<article_id>/edit", methods=["GET", "POST"])
@login_required
def edit_article(article_id: str):
    """Edit an article: each save is a new version."""
    article = services.get_article(current_user, article_id)
    if not services.can_write(current_user):
        abort(403)
    form = ArticleForm()
    if request.method == "GET":
        form.fill(article.content())
        form.base_version.data = str(article.current_version)
    base = form.base_version.data
    result = submit(form, lambda: services.update_article(current_user, article, form.content(),
                                                          base_version=int(base) if (base or "").isdigit() else None))
    if result.done:
        flash(_("Saved as version %(n)s.", n=article.current_version), "success")
        return redirect(url_for("knowledge.article_detail", article_id=article.id))
    return render_template("knowledge/edit.html", form=form, article=article), result.status


@bp.route("/knowledge/<article_id>/publish", methods=["POST"])
@login_required
def publish(article_id: str):
    """The head publishes the article's present version."""
    article = services.get_article(current_user, article_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.publish_article(current_user, article)
    except Forbidden:
        raise  # answered 403 like any refusal of a role
    except DomainError as err:
        db.session.rollback()
        flash(err.message, "error")
        for messages in err.errors.values():
            for message in messages:
                flash(message, "error")
    else:
        db.session.commit()
        flash(_("Published: the devices of the technicians it concerns will carry it."), "success")
    return redirect(url_for("knowledge.article_detail", article_id=article.id))


@bp.route("/knowledge/<article_id>/history")
@login_required
def history(article_id: str):
    """Every kept version of the article, with what each changed."""
    article = services.get_article(current_user, article_id)
    return render_template("knowledge/history.html", article=article, versions=services.versions_of(article))


@bp.route("/knowledge/<article_id>/versions/<int:number>")
@login_required
def version(article_id: str, number: int):
    """One kept version as it read then."""
    article = services.get_article(current_user, article_id)
    row = db.session.scalar(select(ArticleVersion).where(ArticleVersion.article_id == article.id,
                                                          ArticleVersion.number == number))
    if row is None:
        abort(404)
    return render_template("knowledge/version.html", article=article, row=row, content=row.content)


@bp.route("/knowledge/from-ticket/<ticket_id>", methods=["POST"])
@login_required
def from_ticket_view(ticket_id: str):
    """One tap on a resolved difficult ticket: a prefilled draft, opened for editing."""
    if not ActionForm().validate_on_submit():
        abort(400)
    article = from_ticket.article_from_ticket(current_user, ticket_id)
    db.session.commit()
    flash(_("A draft was written from the ticket. Check it and save."), "success")
    return redirect(url_for("knowledge.edit_article", article_id=article.id))


@bp.route("/knowledge/from-seminar/<seminar_id>/<item_id>", methods=["POST"])
@login_required
def from_seminar_view(seminar_id: str, item_id: str):
    """One tap on a seminar item with its solution agreed: a prefilled draft, opened for editing."""
    if not ActionForm().validate_on_submit():
        abort(400)
    article = from_seminar.article_from_item(current_user, seminar_id, item_id)
    db.session.commit()
    flash(_("A draft was written from the seminar item. Check it and save."), "success")
    return redirect(url_for("knowledge.edit_article", article_id=article.id))


@bp.route("/api/knowledge/search")
@login_required
def api_search():
    """JSON search: {"results": [{"id", "title", "status", "score"}]} best first."""
    q = (request.args.get("q") or "").strip()[:200]
    hits = search.search(q, published_only=not services.can_write(current_user), limit=20)
    return jsonify({"q": q, "results": [
        {"id": h.article.id, "title": h.article.title, "status": h.article.status, "score": round(h.score, 4)}
        for h in hits
    ]})
