"""Forms of the appraisal pages: a scheme's weights, an adjustment, a suggestion and its answer."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DecimalField, MonthField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from .scheme import MEASURE_LABELS, MEASURES


class SchemeForm(FlaskForm):
    """A new version of the weights, from a month on."""

    effective_from = MonthField(_l("In force from"), validators=[DataRequired(message=_l("Choose the month."))])
    note = StringField(_l("Why this change"), validators=[Optional(), Length(max=500)])

    def weight_fields(self):
        """(measure key, field) in the scheme's order."""
        return [(key, self[f"w_{key}"]) for key in MEASURES]

    def weights(self) -> dict:
        """The typed weights by measure key (None where missing)."""
        return {key: (float(f.data) if f.data is not None else None) for key, f in self.weight_fields()}


for _key in MEASURES:
    setattr(SchemeForm, f"w_{_key}", DecimalField(MEASURE_LABELS[_key], places=None,
                                                  validators=[InputRequired(message=_l("Enter a number."))]))


class AdjustmentForm(FlaskForm):
    """Points added to or taken off a person's month, with the reason."""

    points = DecimalField(_l("Points (+ or −)"), places=None, validators=[InputRequired(message=_l("Enter the points."))])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(message=_l("Say why the figures are adjusted.")),
                                                     Length(max=2000)], render_kw={"rows": 3})


class SuggestionForm(FlaskForm):
    """A suggestion (合理建议)."""

    title = StringField(_l("Title"), validators=[DataRequired(message=_l("Give the suggestion a title.")), Length(max=200)])
    text = TextAreaField(_l("Suggestion"), validators=[DataRequired(message=_l("Describe the suggestion.")),
                                                       Length(max=5000)], render_kw={"rows": 6})


class AnswerForm(FlaskForm):
    """The head's answer to a suggestion."""

    answer = TextAreaField(_l("Answer"), validators=[DataRequired(message=_l("Write the answer.")), Length(max=5000)],
                           render_kw={"rows": 4})
    adopted = BooleanField(_l("Adopted"))
