"""The forms of the training pages: a session, a handout, a signature; the seminar's agenda,
an item's outcome, a lesson, the attendance."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, HiddenField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from .sessions import MAX_MINUTES
from .vocabulary import ITEM_STATUS_LABELS, KIND_LABELS


class CheckboxesField(SelectMultipleField):
    """Several choices as a list of checkboxes (easier on a tablet than a multi-select)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class SessionForm(FlaskForm):
    """A training held: kind, topic, date, length, trainer, who attends."""

    kind = SelectField(_l("Kind of training"), choices=[(k.value, v) for k, v in KIND_LABELS.items()])
    title = StringField(_l("Topic"), validators=[DataRequired(), Length(max=200)])
    held_on = DateField(_l("Date"), validators=[DataRequired()])
    duration_minutes = IntegerField(_l("Length (minutes)"), validators=[DataRequired(), NumberRange(1, MAX_MINUTES)],
                                    render_kw={"inputmode": "numeric"})
    trainer = StringField(_l("Trainer"), validators=[DataRequired(), Length(max=100)])
    vendor = StringField(_l("Supplier (for vendor training)"), validators=[Optional(), Length(max=100)])
    location = StringField(_l("Place"), validators=[Optional(), Length(max=200)])
    topics = TextAreaField(_l("What was covered"), validators=[Optional(), Length(max=5000)], render_kw={"rows": 4})
    attendee_ids = CheckboxesField(_l("Attendees"), coerce=int)

    def data_for_service(self) -> dict:
        """The fields as the service takes them."""
        return {name: self[name].data for name in ("kind", "title", "held_on", "duration_minutes", "trainer", "vendor",
                                                   "location", "topics", "attendee_ids")}


class AttendeesForm(FlaskForm):
    """List more people for an open session."""

    attendee_ids = CheckboxesField(_l("Add attendees"), coerce=int)


class MaterialForm(FlaskForm):
    """Attach a handout."""

    file = FileField(_l("Handout (PDF, slides, document, picture or video)"))


class SignatureForm(FlaskForm):
    """The signature drawn on the pad, as a PNG data URL the page's script fills in."""

    signature = HiddenField()


class ConfirmForm(FlaskForm):
    """A button that changes something (CSRF only): close a session, draft an agenda, issue minutes."""


class LessonForm(FlaskForm):
    """A lesson (心得) or a problem raised in the meeting."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    facts = TextAreaField(_l("What happened and what you learnt"), validators=[Optional(), Length(max=5000)],
                          render_kw={"rows": 4})


class ItemForm(FlaskForm):
    """What the meeting concluded about one problem."""

    discussion = TextAreaField(_l("Discussion"), validators=[Optional(), Length(max=5000)], render_kw={"rows": 3})
    solution = TextAreaField(_l("Solution agreed"), validators=[Optional(), Length(max=5000)], render_kw={"rows": 3})
    owner_id = SelectField(_l("Owner"), coerce=lambda v: int(v) if v not in (None, "", "None") else None)
    status = SelectField(_l("Status"), choices=[(k.value, v) for k, v in ITEM_STATUS_LABELS.items()])


class SeminarAttendanceForm(FlaskForm):
    """The day of the seminar and who took part."""

    held_on = DateField(_l("Held on"), validators=[DataRequired()])
    attendee_ids = CheckboxesField(_l("Attendees"), coerce=int)
