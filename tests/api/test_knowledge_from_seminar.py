"""One tap on a seminar item whose solution was agreed writes a draft article: the item's words,
the device and cause of the ticket it came from, the item named as its source; the seminar page
then links the article instead of offering the button again."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.support.repairs import Web
from tests.support.training import known_month, make_team
from webapp.errors import DomainError, Forbidden
from webapp.extensions import db
from webapp.knowledge import from_seminar
from webapp.knowledge.models import Article
from webapp.training.seminars import add_problem, draft_agenda, record_item


@pytest.fixture
def team(app):
    """The department's people."""
    return make_team()


@pytest.fixture
def agenda(team):
    """November 2026's drafted agenda, the difficult camera fault's item solved in the meeting."""
    month = known_month(team)
    seminar, _ = draft_agenda(team.head, 2026, 11)
    [item] = [i for i in seminar.items if i.ticket_id == month.difficult.id]
    record_item(team.head, item, {"discussion": "夜间红外灯不亮\n白天画面正常", "solution": "更换红外灯板", "status": "solved",
                                  "owner_id": team.tech.id})
    db.session.commit()
    return seminar, item


def articles() -> int:
    return db.session.scalar(select(func.count()).select_from(Article))


def test_one_tap_on_a_solved_item_writes_a_prefilled_draft(app, team, agenda):
    """The seminar page offers the button on the solved item only; pressing it fills the draft."""
    seminar, item = agenda
    web = Web(app, team.tech)
    html = web.html("/training/seminars/2026/11")
    assert html.count("data-kb-from-item") == 1
    response = web.post(f"/knowledge/from-seminar/{seminar.id}/{item.id}")
    assert response.status_code == 302 and "/edit" in response.headers["Location"]
    [article] = from_seminar.articles_by_item([item])[item.id]
    position = [i.id for i in seminar.items].index(item.id) + 1
    assert article.status == "draft" and article.author_id == team.tech.id
    assert article.title == item.title
    assert article.solution == "更换红外灯板"
    assert "大门摄像机夜间画面全黑" in article.symptoms
    assert article.steps == ["夜间红外灯不亮", "白天画面正常"]
    assert (article.brand, article.models, article.device_category) == ("海康威视", ["DS-2CD3T46WDV3-I3"], "camera")
    assert article.sources == [{"kind": "seminar_item", "id": item.id, "label": f"2026-11 seminar, item {position}"}]
    html = web.html("/training/seminars/2026/11")
    assert "data-kb-from-item" not in html and "kb-written" in html and article.title in html


def test_an_item_without_a_solution_writes_nothing(app, team, agenda):
    """An open item is refused with a code; nothing is written."""
    seminar, _solved = agenda
    open_item = add_problem(team.head, seminar, {"title": "机房空调报警频繁", "facts": ""})
    db.session.commit()
    before = articles()
    with pytest.raises(DomainError) as caught:
        from_seminar.article_from_item(team.tech, seminar.id, open_item.id)
    assert caught.value.code == "kb_no_solution"
    response = Web(app, team.tech).post(f"/knowledge/from-seminar/{seminar.id}/{open_item.id}")
    assert response.status_code == 400
    assert articles() == before


def test_leadership_reads_the_minutes_but_writes_no_article(app, team, agenda):
    """Only staff who write articles get the button and the verb."""
    seminar, item = agenda
    with pytest.raises(Forbidden):
        from_seminar.article_from_item(team.leader, seminar.id, item.id)
    assert Web(app, team.leader).post(f"/knowledge/from-seminar/{seminar.id}/{item.id}").status_code == 403
    assert articles() == 0


def test_an_item_of_another_seminar_is_not_found(app, team, agenda):
    """The item must belong to the seminar named in the address."""
    _seminar, item = agenda
    with pytest.raises(DomainError) as caught:
        from_seminar.article_from_item(team.tech, "no-such-seminar", item.id)
    assert caught.value.status == 404
