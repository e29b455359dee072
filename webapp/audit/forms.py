"""What the audit page filters by besides the shared list filters (webapp/listing.py: school,
action as the status, dates): the record type and who made the change."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField


class AuditFilterForm(FlaskForm):
    """The audit log's own filters (GET, no CSRF)."""

    class Meta:
        """A filter changes nothing."""

        csrf = False

    entity = SelectField(_l("Record type"), choices=[], validate_choice=False)
    user = SelectField(_l("Changed by"), choices=[], validate_choice=False)
