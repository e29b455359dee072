"""The audit page's filter form."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField
from wtforms.validators import Optional, ValidationError


class AuditFilterForm(FlaskForm):
    """Filter the audit log (GET, no CSRF)."""

    class Meta:
        """A filter changes nothing."""

        csrf = False

    customer = SelectField(_l("Customer"), choices=[], validate_choice=False)
    entity = SelectField(_l("Record type"), choices=[], validate_choice=False)
    user = SelectField(_l("Changed by"), choices=[], validate_choice=False)
    action = SelectField(_l("Action"), choices=[], validate_choice=False)
    date_from = DateField(_l("From"), validators=[Optional()], format="%Y-%m-%d")
    date_to = DateField(_l("To"), validators=[Optional()], format="%Y-%m-%d")

    def validate_date_to(self, field) -> None:
        """The range must not end before it starts."""
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end date is before the start date."))
