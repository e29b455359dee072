"""The form for entering a year's holidays and make-up working days."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from .services import FIRST_YEAR, LAST_YEAR


class YearPickForm(FlaskForm):
    """Open any year's page."""

    class Meta:
        csrf = False  # a GET form that only navigates

    year = IntegerField(_l("Year"), validators=[DataRequired(), NumberRange(FIRST_YEAR, LAST_YEAR)])


class WorkCalendarYearForm(FlaskForm):
    """A year's holidays (dates or ranges, with names) and make-up working days (调休)."""

    holidays = TextAreaField(
        _l("Holidays"),
        validators=[Optional(), Length(max=5000)],
        render_kw={"rows": 10, "spellcheck": "false", "placeholder": "2027-01-01 元旦\n2027-02-06..2027-02-13 春节"},
    )
    makeup_days = TextAreaField(
        _l("Make-up working days (调休)"),
        validators=[Optional(), Length(max=2000)],
        render_kw={"rows": 5, "spellcheck": "false", "placeholder": "2027-02-20 春节"},
    )
    note = StringField(_l("Source (e.g. the State Council notice)"), validators=[Optional(), Length(max=300)])
    confirm = BooleanField(_l("Save despite the warnings"))


class RemoveYearForm(FlaskForm):
    """Remove a year's entry (CSRF only)."""
