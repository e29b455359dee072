"""The `kb_article` kind: a technician's device pulls the published articles about the models
at their schools, nothing else; an article that stops concerning them leaves the device."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.support.factories import make_customer, make_device
from tests.support.field_device import FieldDevice, new_id
from tests.support.repairs import make_shop
from webapp.extensions import db
from webapp.knowledge import services
from webapp.knowledge.models import Article
from webapp.knowledge.scope import applies, articles_for_device


@pytest.fixture
def shop(app):
    """A school with a recording host 海康威视 DS-6900 (category camera in the factory's defaults)."""
    return make_shop()


def published(shop, **fields):
    """An article written by the office and published by the head."""
    article = services.create_article(shop.office, {"symptoms": "现象", "solution": "办法", **fields})
    services.publish_article(shop.supervisor, article)
    db.session.commit()
    return article


def pulled_articles(app, user) -> dict[str, dict]:
    """The kb_article changes a user's device pulls from 0: {id: change}."""
    changes, _cursor = FieldDevice(app.test_client(), user).pull_all()
    return {c["id"]: c for c in changes if c["kind"] == "kb_article"}


def test_a_technician_pulls_the_articles_about_the_models_at_their_schools(app, shop):
    """Loosely written models and brands match; other models, other schools' models, drafts and
    articles about nothing in particular stay on the server."""
    loose_model = published(shop, title="录播黑屏", models=["ds 6900"])
    brand_only = published(shop, title="海康通用", brand="海康威视 ")
    family = published(shop, title="DS-69系列", models=["DS-69"], device_category="camera")
    other_model = published(shop, title="别的型号", models=["DS-7816N-K2"])
    other_category = published(shop, title="交换机", models=["DS-6900"], device_category="switch")
    elsewhere = make_customer("别的学校")
    make_device(elsewhere, model="RG-AP820-L", brand="锐捷", category="access_point")
    other_school = published(shop, title="别的学校的AP", models=["RG-AP820-L"])
    general = published(shop, title="没有指明设备")
    draft = services.create_article(shop.office, {"title": "草稿", "models": ["DS-6900"]})
    db.session.commit()

    got = pulled_articles(app, shop.tech)
    assert sorted(c["data"]["title"] for c in got.values()) == sorted(["录播黑屏", "海康通用", "DS-69系列"])
    assert set(got) == {loose_model.id, brand_only.id, family.id}
    change = got[loose_model.id]
    assert change["data"]["title"] == "录播黑屏" and change["data"]["status"] == "published"
    assert change["data"]["models"] == ["ds 6900"]
    # the office's device carries them all (the field app shows published ones only)
    assert {other_model.id, other_category.id, other_school.id, general.id, draft.id} <= set(pulled_articles(app, shop.office))


def test_the_rule_is_the_same_for_one_device(app, shop):
    """`applies` (Python), the SQL of the pull and the device page's list agree."""
    about = published(shop, title="录播黑屏", brand="海康威视", models=["DS-6900"])
    published(shop, title="别的品牌", brand="大华", models=["DS-6900"])
    assert [a.id for a in articles_for_device(shop.device)] == [about.id]
    assert applies(about, shop.device)


def test_an_article_sent_back_to_draft_leaves_the_device(app, shop):
    """A technician's edit of a published article returns it to draft: the next pull removes it
    from technicians' devices (out of scope) until the head publishes again."""
    article = published(shop, title="录播黑屏", models=["DS-6900"])
    device = FieldDevice(app.test_client(), shop.tech)
    changes, cursor = device.pull_all()
    assert article.id in {c["id"] for c in changes}
    services.update_article(shop.tech2, article, {"cause": "新的原因"})
    db.session.commit()
    later, _ = device.pull_all(cursor)
    [gone] = [c for c in later if c["id"] == article.id]
    assert gone["deleted"] is True and gone.get("out_of_scope") is True


def test_articles_are_pull_only(app, shop):
    """A push of a kb_article is refused (the office pages are the way to write)."""
    device = FieldDevice(app.test_client(), shop.tech)
    mutation = {"seq": device.next_seq(), "kind": "kb_article", "op": "create", "id": new_id(), "data": {"title": "设备上写的"}}
    body = device.push([mutation]).get_json()
    assert body["results"][0]["status"] == "rejected"
    assert db.session.scalar(select(func.count()).select_from(Article)) == 0
