"""Every record type and field the audit log can hold reads as words, in English and in Chinese:
walks the mapped models the change log audits (webapp/records.py) and their columns."""
from __future__ import annotations

from flask_babel import force_locale

from webapp.audit.labels import ENTITY_LABELS, FIELD_LABELS
from webapp.extensions import db
from webapp.records import SyncedMixin


def audited_models():
    """(table, columns) of every model whose changes are written to the audit log."""
    for mapper in db.Model.registry.mappers:
        cls = mapper.class_
        if not (issubclass(cls, SyncedMixin) or getattr(cls, "__audited__", False)):
            continue
        if getattr(cls, "__audited__", True) is False:
            continue
        excluded = getattr(cls, "AUDIT_EXCLUDE", set()) | {"password_hash"}
        yield cls.__tablename__, [c.key for c in mapper.column_attrs if c.key not in excluded]


def test_every_audited_record_type_and_field_has_a_label(app):
    models = dict(audited_models())
    assert "visit" in models and "repair_ticket" in models  # the walk finds the audited models
    assert sorted(t for t in models if t not in ENTITY_LABELS) == []
    assert sorted({c for columns in models.values() for c in columns if c not in FIELD_LABELS}) == []


def test_the_labels_are_translated(app):
    """No label is left in English in the Chinese interface."""
    with app.test_request_context(), force_locale("zh"):
        untranslated = [str(label) for label in list(ENTITY_LABELS.values()) + list(FIELD_LABELS.values())
                        if str(label).isascii()]
    assert untranslated == []
