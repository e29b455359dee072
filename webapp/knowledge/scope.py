"""Which devices an article applies to: the rule behind "known issues for this model", the
suggestions on a difficult ticket and the articles a technician's device pulls.

An article names what it applies to with any of a device category, a brand and model
numbers; it applies to a device when every one it names matches: the same category, the same
brand and a model number the device's model starts with, each compared in its loose form
(`tokens.key`: lower case without `- _ . /` and spaces, so DS-2CD2T47G2 covers a
ds2cd2t47g2-l). An article that names none of them applies to no device in particular: it is
found by search online but does not travel to devices. `static/js/kb-search.js` (`appliesTo`)
is the device's copy of this rule.
"""
from __future__ import annotations

from sqlalchemy import and_, exists, func, or_, select

from ..archive.models import Device
from ..auth.models import User
from ..auth.permissions import covered_customers
from ..extensions import db
from . import tokens
from .models import PUBLISHED, Article, ArticleModel


def applies(article: Article, device: Device) -> bool:
    """True when the article is about this device (module docstring)."""
    model_keys = [tokens.key(m) for m in article.models or [] if tokens.key(m)]
    if not (article.device_category or article.brand_key or model_keys):
        return False
    if article.device_category and article.device_category != device.category:
        return False
    if article.brand_key and article.brand_key != tokens.key(device.brand or ""):
        return False
    device_model = tokens.key(device.model or "")
    return not model_keys or any(device_model.startswith(k) for k in model_keys)


def key_sql(column):
    """`tokens.key` in SQL: lower case, the `key_strip` characters removed."""
    expr = func.lower(column)
    for ch in tokens.RULES["key_strip"]:
        expr = func.replace(expr, ch, "")
    return expr


def applies_sql(device_conditions: list):
    """SQL: the article applies to some device meeting the conditions (the rule above)."""
    names_models = select(ArticleModel.model_key).where(ArticleModel.article_id == Article.id).correlate(Article).exists()
    model_matches = (select(ArticleModel.model_key)
                     .where(ArticleModel.article_id == Article.id, key_sql(Device.model).like(ArticleModel.model_key + "%"))
                     .correlate(Article, Device).exists())
    return and_(
        or_(Article.device_category != "", Article.brand_key != "", names_models),
        exists().where(
            *device_conditions,
            Device.deleted_at.is_(None),
            or_(Article.device_category == "", Device.category == Article.device_category),
            or_(Article.brand_key == "", key_sql(Device.brand) == Article.brand_key),
            or_(~names_models, model_matches),
        ),
    )


def for_technician(user: User) -> list:
    """A technician's devices keep the published articles about devices at their schools."""
    schools = covered_customers(user)
    return [Article.status == PUBLISHED, applies_sql([Device.customer_id.in_(schools)])]


def articles_for_device(device: Device, *, published_only: bool = True) -> list[Article]:
    """The known issues of a device's model, newest first."""
    conditions = [Article.deleted_at.is_(None), applies_sql([Device.id == device.id])]
    if published_only:
        conditions.append(Article.status == PUBLISHED)
    return list(db.session.scalars(select(Article).where(*conditions).order_by(Article.updated_at.desc())))
