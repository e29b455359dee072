"""Forms of the report pages: the head's analysis and suggestions, a product-quality problem and
R&D's answer."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class ReportTextForm(FlaskForm):
    """The analysis and the improvement suggestions of a draft."""

    analysis = TextAreaField(_l("Analysis"), validators=[Optional(), Length(max=20000)])
    suggestions = TextAreaField(_l("Improvement suggestions"), validators=[Optional(), Length(max=20000)])


class IssueForm(FlaskForm):
    """Issue the report (a button; the text is saved with it)."""


class ProductIssueForm(FlaskForm):
    """A product-quality problem raised from a ticket or a patrol finding."""

    ticket_id = HiddenField()
    sheet_id = HiddenField()
    item_key = HiddenField()
    text = TextAreaField(_l("What is wrong with the product"),
                         validators=[DataRequired(message=_l("Describe the product-quality problem.")), Length(max=5000)])


class IssueAnswerForm(FlaskForm):
    """R&D's answer on a product-quality problem."""

    answer = TextAreaField(_l("Answer"), validators=[DataRequired(message=_l("Write the answer.")), Length(max=5000)])
