"""The demo district's knowledge base: `tech`'s phone pulls the published articles about the
models at his schools (not the draft), and 黑屏 finds the article for the demo ticket's fault."""
from __future__ import annotations

from sqlalchemy import select

from tests.support.field_device import FieldDevice
from webapp.auth.models import User
from webapp.demo import load_demo_data
from webapp.extensions import db
from webapp.knowledge import search
from webapp.knowledge.demo import DRAFT, PUBLISHED
from webapp.knowledge.models import Article


def test_tech_pulls_the_demo_articles_for_his_models(app):
    """Published articles about devices at 滨江第一中学 and 城南实验小学 reach his phone; the draft does not."""
    load_demo_data()
    db.session.commit()
    tech = db.session.scalar(select(User).where(User.username == "tech"))
    phone = FieldDevice(app.test_client())
    phone.sign_in(tech, "demo1234")
    changes, _cursor = phone.pull_all()
    titles = {c["data"]["title"] for c in changes if c["kind"] == "kb_article"}
    assert "班班通一体机开机后黑屏有声音" in titles and "网络摄像机夜间画面发白" in titles
    assert DRAFT["title"] not in titles
    assert titles <= {a["title"] for a in PUBLISHED}
    assert search.search("黑屏")[0].article.title == "班班通一体机开机后黑屏有声音"
    ups = db.session.scalar(select(Article).where(Article.title == "UPS 持续蜂鸣报警"))
    assert (ups.current_version, ups.status) == (2, "published")
