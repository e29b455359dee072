"""The server's search of the knowledge base: the index table kept on every write, and a
BM25 ranking over it that runs the same on SQLite and PostgreSQL (plain rows, scored here).

`reindex(article)` replaces the article's rows of `kb_article_term` with the weighted terms
of its content (knowledge/tokens.py); every verb that changes an article calls it. `search()`
reads only the rows of the query's terms, so it stays quick as articles grow. The device ranks
with the same formula on the same terms (static/js/kb-search.js).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import delete, func, select

from ..extensions import db
from . import tokens
from .models import PUBLISHED, Article, ArticleModel, ArticleTerm

K1 = float(tokens.RULES["bm25"]["k1"])
B = float(tokens.RULES["bm25"]["b"])


@dataclass
class Hit:
    """One found article and its score."""

    article: Article
    score: float


def reindex(article: Article) -> None:
    """Write the article's search terms and model keys anew (inside the caller's transaction)."""
    db.session.flush()
    db.session.execute(delete(ArticleTerm).where(ArticleTerm.article_id == article.id))
    db.session.execute(delete(ArticleModel).where(ArticleModel.article_id == article.id))
    weights = tokens.document_terms(article.content())
    if weights:
        db.session.execute(ArticleTerm.__table__.insert(), [
            {"article_id": article.id, "term": term, "weight": weight} for term, weight in weights.items()
        ])
    model_keys = sorted({tokens.key(m) for m in article.models or [] if tokens.key(m)})
    if model_keys:
        db.session.execute(ArticleModel.__table__.insert(), [
            {"article_id": article.id, "model_key": k} for k in model_keys
        ])
    article.brand_key = tokens.key(article.brand or "")


def bm25(query: dict[str, float], doc: dict[str, float], length: float, df: dict[str, int], count: int,
         average: float) -> float:
    """The score of one article for a query (the formula kb-search.js uses too)."""
    score = 0.0
    for term, query_weight in query.items():
        tf = doc.get(term)
        if not tf:
            continue
        n = df.get(term, 0)
        idf = math.log(1 + (count - n + 0.5) / (n + 0.5))
        score += query_weight * idf * (tf * (K1 + 1)) / (tf + K1 * (1 - B + B * length / average))
    return score


def rank(scores: dict[str, float], titles: dict[str, str]) -> list[str]:
    """Ids by score, ties by title then id (the device's order too)."""
    return sorted(scores, key=lambda i: (-scores[i], titles.get(i, ""), i))


def search(text: str, *, published_only: bool = True, limit: int = 20) -> list[Hit]:
    """The articles matching a query, best first."""
    query, full = tokens.query_terms(text)
    if not query:
        return []
    visible = [Article.deleted_at.is_(None)]
    if published_only:
        visible.append(Article.status == PUBLISHED)
    count, total = db.session.execute(
        select(func.count(func.distinct(ArticleTerm.article_id)), func.sum(ArticleTerm.weight))
        .join(Article, Article.id == ArticleTerm.article_id).where(*visible)
    ).one()
    if not count:
        return []
    rows = db.session.execute(
        select(ArticleTerm.article_id, ArticleTerm.term, ArticleTerm.weight)
        .join(Article, Article.id == ArticleTerm.article_id)
        .where(ArticleTerm.term.in_(list(query)), *visible)
    ).all()
    docs: dict[str, dict[str, float]] = {}
    df: dict[str, int] = {}
    for article_id, term, weight in rows:
        docs.setdefault(article_id, {})[term] = weight
        df[term] = df.get(term, 0) + 1
    docs = {i: d for i, d in docs.items() if full & d.keys()}
    if not docs:
        return []
    lengths = dict(db.session.execute(
        select(ArticleTerm.article_id, func.sum(ArticleTerm.weight))
        .where(ArticleTerm.article_id.in_(list(docs))).group_by(ArticleTerm.article_id)
    ).all())
    average = float(total) / count
    scores = {i: bm25(query, d, float(lengths[i]), df, count, average) for i, d in docs.items()}
    articles = {a.id: a for a in db.session.scalars(select(Article).where(Article.id.in_(list(docs))))}
    order = rank(scores, {i: a.title for i, a in articles.items()})[:limit]
    return [Hit(articles[i], scores[i]) for i in order]
