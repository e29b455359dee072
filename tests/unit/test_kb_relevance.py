"""The knowledge base finds the right article, in Chinese and by loosely typed model numbers,
on the server (SQLite and PostgreSQL) and on the device (static/js/kb-search.js in Node), for
every query of one relevance table (tests/support/data/kb_relevance.json)."""
from __future__ import annotations

import pytest

from tests.support.factories import make_user
from tests.support.knowledge import RELEVANCE, device_search, publish_corpus
from webapp.auth.models import Role
from webapp.knowledge import search, tokens
from webapp.knowledge.models import Article

QUERIES = RELEVANCE["queries"]


def test_the_table_is_big_enough_and_mixed():
    """At least 20 queries, Chinese and model numbers both."""
    assert len(QUERIES) >= 20
    assert sum(any("\u4e00" <= ch <= "\u9fff" for ch in q["q"]) for q in QUERIES) >= 10
    assert sum(q["q"].isascii() for q in QUERIES) >= 6


@pytest.fixture
def corpus(app):
    """The table's articles, published."""
    return publish_corpus(make_user(Role.TECHNICIAN), make_user(Role.SUPERVISOR))


def top3_failures(found: dict[str, list[str]]) -> list[str]:
    """The queries whose article is not in their top 3 (with what came instead)."""
    return [f"{q['q']!r}: want {q['top3']}, got {found[q['q']]}" for q in QUERIES if q["top3"] not in found[q["q"]]]


def test_server_search_finds_each_article_in_its_top_3(corpus):
    """Every query of the table, through the server's index."""
    by_id = {a.id: key for key, a in corpus.items()}
    found = {q["q"]: [by_id[h.article.id] for h in search.search(q["q"], limit=3)] for q in QUERIES}
    assert top3_failures(found) == []


def test_device_search_finds_each_article_in_its_top_3(corpus):
    """Every query of the table, through the device's index in Node, fed the records as pull sends them."""
    by_id = {a.id: key for key, a in corpus.items()}
    records = [{"id": a.id, "data": a.content()} for a in corpus.values()]
    out = device_search(records, [q["q"] for q in QUERIES])
    found = {q: [by_id[i] for i in ids] for q, ids in out["results"].items()}
    assert top3_failures(found) == []


def test_both_sides_rank_alike(corpus):
    """The device's top 3 is the server's top 3 for every query (one rule table, one formula)."""
    records = [{"id": a.id, "data": a.content()} for a in corpus.values()]
    device = device_search(records, [q["q"] for q in QUERIES])["results"]
    server = {q["q"]: [h.article.id for h in search.search(q["q"], limit=3)] for q in QUERIES}
    assert device == server


def test_both_sides_cut_text_into_the_same_terms():
    """The tokenisers agree term for term and weight for weight, on Chinese, model numbers and full-width text."""
    texts = ["开机后黑屏有声音", "DS-2CD2T47G2-L 海康威视", "ＤＳ－６９００ 录播", "S5735-L48T4X-A1/S5720 交换机",
             "屏", "V5.7.3 build_2024.01", "无线AP连接后无法上网 RG-AP820-L"]
    device = device_search([], [], texts)["terms"]
    for text in texts:
        assert [[t, pytest.approx(w)] for t, w in tokens.terms(text).items()] == device[text], text


def test_black_screen_finds_the_article_that_says_it_in_a_sentence(corpus):
    """黑屏 finds 开机后黑屏有声音 — a word inside a sentence, no dictionary needed."""
    hits = search.search("黑屏")
    assert hits and hits[0].article.title == "录播主机开机后黑屏有声音"


def test_a_query_that_shares_only_single_characters_finds_nothing(corpus):
    """A result must share a character pair or a word with the query, not just one character."""
    assert search.search("黑色") == []


def test_drafts_are_found_only_when_asked(app, corpus):
    """The technician's search (published only) does not show drafts; writers' does."""
    from webapp.extensions import db
    from webapp.knowledge import services

    draft = services.create_article(make_user(Role.OFFICE), {"title": "草稿：黑屏另一种情况", "symptoms": "黑屏"})
    db.session.commit()
    assert draft.id not in {h.article.id for h in search.search("黑屏")}
    assert draft.id in {h.article.id for h in search.search("黑屏", published_only=False)}
    assert db.session.get(Article, draft.id).status == "draft"
