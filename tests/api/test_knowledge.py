"""The knowledge base's people and pages: one tap writes a draft from a resolved difficult ticket,
the head publishes it, each edit is a kept version, and the ticket page suggests articles."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.support.factories import make_user
from tests.support.knowledge import resolved_difficult_ticket
from tests.support.repairs import Web, advance, make_shop, phone_ticket
from webapp.auth.models import Role
from webapp.errors import DomainError, Forbidden
from webapp.extensions import db
from webapp.knowledge import from_ticket, search, services, tokens
from webapp.knowledge.models import Article, ArticleTerm, ArticleVersion


@pytest.fixture
def shop(app):
    """A school with a recording host (海康威视 DS-6900), technicians, the office and the head."""
    return make_shop()


def write_from(web: Web, ticket) -> Article:
    """Press the ticket page's one button; the draft it wrote."""
    response = web.post(f"/knowledge/from-ticket/{ticket.id}")
    assert response.status_code == 302, response.get_data(as_text=True)
    assert "/edit" in response.headers["Location"]
    [article] = from_ticket.articles_from(ticket)
    return article


def test_one_tap_on_a_resolved_difficult_ticket_writes_a_prefilled_draft(app, shop):
    """The ticket page offers the button; pressing it fills the draft from the ticket and its repair form."""
    ticket = resolved_difficult_ticket(shop)
    web = Web(app, shop.tech)
    assert "data-kb-from-ticket" in web.html(f"/repairs/{ticket.id}")
    article = write_from(web, ticket)
    assert article.status == "draft" and article.author_id == shop.tech.id
    assert article.title == "DS-6900：录播主机开机后黑屏，有声音"
    assert "开机黑屏但有开机声音" in article.symptoms
    assert article.cause == "显卡驱动不兼容"
    assert article.solution == "回退驱动，分辨率改为1080p"
    assert article.steps == ["进入安全模式回退显卡驱动", "Parts used: 无"]
    assert (article.brand, article.models, article.software_versions) == ("海康威视", ["DS-6900"], ["V5.7.3"])
    assert article.sources == [{"kind": "repair_ticket", "id": ticket.id, "label": ticket.number}]
    assert [v.number for v in article.versions] == [1]
    # the ticket page now names the article instead of offering the button again
    html = web.html(f"/repairs/{ticket.id}")
    assert "data-kb-from-ticket" not in html and article.title in html


def test_a_ticket_that_is_not_a_resolved_difficult_fault_writes_nothing(app, shop):
    """A general fault, or a difficult one not yet resolved: refused with a code, no article."""
    general = advance(phone_ticket(shop), ("arrived", {}, shop.tech), ("classified", {"classification": "general"}, shop.tech))
    open_difficult = advance(phone_ticket(shop), ("arrived", {}, shop.tech),
                             ("classified", {"classification": "difficult"}, shop.tech))
    for ticket in (general, open_difficult):
        with pytest.raises(DomainError) as caught:
            from_ticket.article_from_ticket(shop.tech, ticket.id)
        assert caught.value.code == "kb_not_difficult"
        assert "data-kb-from-ticket" not in Web(app, shop.tech).html(f"/repairs/{ticket.id}")
    response = Web(app, shop.tech).post(f"/knowledge/from-ticket/{general.id}", headers={"Accept": "application/json"})
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "kb_not_difficult"
    assert db.session.scalar(select(func.count()).select_from(Article)) == 0


def test_another_schools_technician_cannot_write_from_the_ticket(app, shop):
    """The ticket is not theirs: not found, nothing written."""
    ticket = resolved_difficult_ticket(shop)
    stranger = make_user(Role.TECHNICIAN)
    response = Web(app, stranger).post(f"/knowledge/from-ticket/{ticket.id}")
    assert response.status_code == 404
    assert from_ticket.articles_from(ticket) == []


def test_only_the_head_publishes(app, shop):
    """The technician and the office cannot publish; the head can, once; drafts are invisible to leadership."""
    article = from_ticket.article_from_ticket(shop.tech, resolved_difficult_ticket(shop).id)
    db.session.commit()
    leader = make_user(Role.LEADERSHIP)
    assert Web(app, leader).get(f"/knowledge/{article.id}").status_code == 404
    for person in (shop.tech, shop.office):
        assert Web(app, person).post(f"/knowledge/{article.id}/publish").status_code == 403
    assert db.session.get(Article, article.id).status == "draft"
    head = Web(app, shop.supervisor)
    assert head.post(f"/knowledge/{article.id}/publish").status_code == 302
    db.session.expire_all()
    article = db.session.get(Article, article.id)
    assert (article.status, article.published_version, article.published_by_id) == ("published", 1, shop.supervisor.id)
    assert "Published" in Web(app, leader).html(f"/knowledge/{article.id}")
    with pytest.raises(DomainError) as caught:
        services.publish_article(shop.supervisor, article)
    assert caught.value.code == "kb_already_published"


def test_an_article_without_symptoms_or_solution_is_not_published(app, shop):
    """Publishing checks the content: field errors, still a draft."""
    article = services.create_article(shop.office, {"title": "只有标题"})
    db.session.commit()
    with pytest.raises(DomainError) as caught:
        services.publish_article(shop.supervisor, article)
    assert caught.value.code == "invalid" and set(caught.value.errors) == {"symptoms", "solution"}
    assert article.status == "draft"


def test_each_edit_is_a_kept_version_and_the_history_shows_them(app, shop):
    """Two edits make versions 2 and 3; the history lists all three with what changed; an old one still reads as it was."""
    article = from_ticket.article_from_ticket(shop.tech, resolved_difficult_ticket(shop).id)
    services.publish_article(shop.supervisor, article)
    db.session.commit()
    web = Web(app, shop.office)
    form = {"title": article.title, "symptoms": article.symptoms, "cause": "显卡驱动与显示器EDID不兼容",
            "solution": article.solution, "steps": "\n".join(article.steps), "device_category": article.device_category,
            "brand": article.brand, "models": "DS-6900", "software_versions": "V5.7.3", "base_version": "1"}
    assert web.post(f"/knowledge/{article.id}/edit", data=form).status_code == 302
    db.session.expire_all()
    article = db.session.get(Article, article.id)
    # the office's edit of a published article waits for the head again
    assert (article.current_version, article.status, article.published_version) == (2, "draft", 1)
    stale = web.post(f"/knowledge/{article.id}/edit", data={**form, "cause": "别的", "base_version": "1"})
    assert stale.status_code == 400 and "changed this article" in stale.get_data(as_text=True)
    assert web.post(f"/knowledge/{article.id}/edit", data={**form, "models": "DS-6900\nDS-6700", "base_version": "2"}).status_code == 302
    db.session.expire_all()
    versions = db.session.scalars(select(ArticleVersion).where(ArticleVersion.article_id == article.id)
                                  .order_by(ArticleVersion.number)).all()
    assert [v.number for v in versions] == [1, 2, 3]
    assert versions[0].content["cause"] == "显卡驱动不兼容" and versions[2].content["models"] == ["DS-6900", "DS-6700"]
    history = web.html(f"/knowledge/{article.id}/history")
    assert history.count("data-version=") == 3
    assert "Changed: Cause" in history and "Changed: Models" in history
    assert "显卡驱动不兼容" in web.html(f"/knowledge/{article.id}/versions/1")


def test_an_edit_that_changes_nothing_or_breaks_a_rule_changes_nothing(app, shop):
    """Unchanged and invalid edits are refused; no version is added."""
    article = services.create_article(shop.office, {"title": "交换机环路", "symptoms": "全校断网"})
    db.session.commit()
    with pytest.raises(DomainError) as caught:
        services.update_article(shop.office, article, {"title": "交换机环路"})
    assert caught.value.code == "unchanged"
    with pytest.raises(DomainError) as caught:
        services.update_article(shop.office, article, {"device_category": "toaster", "photos": ["not-a-hash"]})
    assert caught.value.code == "invalid" and set(caught.value.errors) == {"device_category", "photos"}
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(ArticleVersion)) == 1


def test_the_index_is_rewritten_on_every_edit(app, shop):
    """The search finds the new words of an edit and no longer the old ones."""
    article = services.create_article(shop.office, {"title": "投影仪不亮", "symptoms": "灯泡指示灯闪红", "solution": "换灯泡"})
    services.publish_article(shop.supervisor, article)
    db.session.commit()
    assert [h.article.id for h in search.search("闪红")] == [article.id]
    services.update_article(shop.supervisor, article, {"symptoms": "风扇异响"})
    db.session.commit()
    assert search.search("闪红") == [] and [h.article.id for h in search.search("风扇")] == [article.id]
    assert article.status == "published"  # the head's own edit stays published
    rows = db.session.scalar(select(func.count()).select_from(ArticleTerm).where(ArticleTerm.article_id == article.id))
    assert rows == len(tokens.document_terms(article.content()))


def test_roles_that_only_read_cannot_write(app, shop):
    """Leadership reads published articles but writes none."""
    with pytest.raises(Forbidden):
        services.create_article(make_user(Role.LEADERSHIP), {"title": "x"})
    assert Web(app, make_user(Role.RND)).get("/knowledge/new").status_code == 403


def test_draft_article_from_another_feature(app, shop):
    """The verb another feature calls (the month-end seminar): a draft that names its source."""
    article = services.draft_article("seminar_item", "item-7", {"title": "UPS电池鼓包", "symptoms": "UPS报警",
                                                                 "steps": "断电\n更换电池"}, shop.supervisor,
                                     source_label="2026年11月研讨会 第2项")
    db.session.commit()
    assert article.status == "draft" and article.steps == ["断电", "更换电池"]
    assert article.sources == [{"kind": "seminar_item", "id": "item-7", "label": "2026年11月研讨会 第2项"}]
    with pytest.raises(DomainError) as caught:
        services.draft_article("weather", "1", {"title": "x"}, shop.supervisor)
    assert caught.value.code == "kb_unknown_source"


def test_a_difficult_ticket_suggests_matching_articles_its_devices_first(app, shop):
    """The ticket page of a difficult fault lists the published articles that match it."""
    about_it = services.create_article(shop.office, {"title": "录播主机黑屏", "symptoms": "开机黑屏", "solution": "回退驱动",
                                                     "brand": "海康威视", "models": ["DS-6900"]})
    other = services.create_article(shop.office, {"title": "显示器黑屏", "symptoms": "黑屏", "solution": "换线",
                                                  "brand": "戴尔", "models": ["P2419"]})
    unrelated = services.create_article(shop.office, {"title": "UPS报警", "symptoms": "蜂鸣", "solution": "换电池"})
    for a in (about_it, other, unrelated):
        services.publish_article(shop.supervisor, a)
    db.session.commit()
    ticket = advance(phone_ticket(shop, "录播主机黑屏"), ("arrived", {}, shop.tech),
                     ("classified", {"classification": "difficult"}, shop.tech))
    assert [a.id for a in from_ticket.suggestions(ticket)] == [about_it.id, other.id]
    html = Web(app, shop.office).html(f"/repairs/{ticket.id}")
    panel = html[html.index("kb-panel"):]
    assert "Articles that may help" in panel and panel.index("录播主机黑屏") < panel.index("显示器黑屏")
    general = advance(phone_ticket(shop, "录播主机黑屏"), ("arrived", {}, shop.tech),
                      ("classified", {"classification": "general"}, shop.tech))
    assert from_ticket.suggestions(general) == []


def test_search_page_and_api(app, shop):
    """The list page and the JSON API find 黑屏 in 开机后黑屏有声音; a technician sees published ones only."""
    published = services.create_article(shop.office, {"title": "开机后黑屏有声音", "symptoms": "黑屏", "solution": "回退驱动"})
    services.publish_article(shop.supervisor, published)
    draft = services.create_article(shop.office, {"title": "黑屏草稿", "symptoms": "黑屏"})
    db.session.commit()
    assert "开机后黑屏有声音" in Web(app, shop.tech).html("/knowledge/?q=黑屏")
    body = Web(app, make_user(Role.LEADERSHIP)).get("/api/knowledge/search?q=黑屏").get_json()
    assert [r["id"] for r in body["results"]] == [published.id]
    office = Web(app, shop.office).get("/api/knowledge/search?q=黑屏").get_json()
    assert {r["id"] for r in office["results"]} == {published.id, draft.id}
