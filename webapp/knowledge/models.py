"""Knowledge-base articles, their kept versions, the models they apply to and their search index."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import UTCDateTime, utcnow
from ..extensions import db
from ..records import SyncedMixin

DRAFT = "draft"
PUBLISHED = "published"
ARTICLE_STATUSES = (DRAFT, PUBLISHED)
# What an article's content is: the fields a version keeps and an edit may change.
CONTENT_FIELDS = ("title", "symptoms", "cause", "solution", "steps", "device_category", "brand", "models",
                  "software_versions", "photos", "sources")
LIST_FIELDS = ("steps", "models", "software_versions", "photos", "sources")


class Article(SyncedMixin, db.Model):
    """A hard fault and its fix (疑难故障): symptoms, cause, solution, steps, what it applies to."""

    __tablename__ = "kb_article"
    SYNC_KIND = "kb_article"
    title: Mapped[str] = mapped_column(String(200))
    symptoms: Mapped[str] = mapped_column(Text, default="")
    cause: Mapped[str] = mapped_column(Text, default="")
    solution: Mapped[str] = mapped_column(Text, default="")
    steps: Mapped[list[str]] = mapped_column(JSON, default=list)
    # What it applies to: a device category, a brand, model numbers (a model applies to every
    # device whose model starts with it, loosely written), software versions (for the reader).
    device_category: Mapped[str] = mapped_column(String(40), default="")
    brand: Mapped[str] = mapped_column(String(100), default="")
    brand_key: Mapped[str] = mapped_column(String(100), default="", index=True)
    models: Mapped[list[str]] = mapped_column(JSON, default=list)
    software_versions: Mapped[list[str]] = mapped_column(JSON, default=list)
    photos: Mapped[list[str]] = mapped_column(JSON, default=list)  # SHA-256 of blobs
    # Where it came from: [{"kind": "repair_ticket" | "seminar_item" | ..., "id", "label"}]
    sources: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20), default=DRAFT, index=True)
    current_version: Mapped[int] = mapped_column(Integer, default=1)
    published_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True)

    author = relationship("User", foreign_keys=[author_id])
    published_by = relationship("User", foreign_keys=[published_by_id])
    versions = relationship("ArticleVersion", back_populates="article", order_by="ArticleVersion.number")

    def content(self) -> dict[str, Any]:
        """The article's content, as a version keeps it."""
        return {name: getattr(self, name) for name in CONTENT_FIELDS}


class ArticleVersion(db.Model):
    """One kept version of an article: its content after an edit, who made it and when."""

    __tablename__ = "kb_article_version"
    __table_args__ = (db.UniqueConstraint("article_id", "number", name="uq_kb_article_version_number"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[str] = mapped_column(ForeignKey("kb_article.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(String(300), default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    article = relationship("Article", back_populates="versions")
    author = relationship("User")


class ArticleModel(db.Model):
    """A model number an article applies to, in its loose form (for the devices' scope)."""

    __tablename__ = "kb_article_model"
    article_id: Mapped[str] = mapped_column(ForeignKey("kb_article.id"), primary_key=True)
    model_key: Mapped[str] = mapped_column(String(100), primary_key=True)


class ArticleTerm(db.Model):
    """The search index: one row per article and term, with the term's weight in it
    (knowledge/tokens.py cuts the text; knowledge/search.py keeps the rows and ranks)."""

    __tablename__ = "kb_article_term"
    __table_args__ = (Index("ix_kb_article_term_term", "term"),)
    article_id: Mapped[str] = mapped_column(ForeignKey("kb_article.id"), primary_key=True)
    term: Mapped[str] = mapped_column(String(64), primary_key=True)
    weight: Mapped[float] = mapped_column(Float)
