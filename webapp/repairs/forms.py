"""Forms of the repair pages: the inbox filter, the phone intake and each step of the life-cycle."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DateTimeLocalField,
    DecimalField,
    FieldList,
    Form,
    FormField,
    RadioField,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from .models import TICKET_SOURCES


class InboxFilterForm(FlaskForm):
    """From which source the inbox lists tickets (school, technician, status and dates: `webapp.listing`)."""

    class Meta:
        """A GET filter: no CSRF token needed."""

        csrf = False

    source = SelectField(_l("Source"), choices=[SelectChoice("", _l("Any source"))] + [SelectChoice(s) for s in TICKET_SOURCES], default="")


# --- intake by phone and the steps of the life-cycle on the web --------------------------------


def _int_or_none(value):
    """Coerce a select's value to an int, '' to None."""
    if value in (None, "", "None"):
        return None
    return int(value)


def _str_or_empty(value):
    """A select's value as text ('' when none)."""
    return "" if value in (None, "None") else str(value)


RATING_CHOICES = [
    SelectChoice(5, _l("Very good")), SelectChoice(4, _l("Good")), SelectChoice(3, _l("Fair")),
    SelectChoice(2, _l("Poor")), SelectChoice(1, _l("Very poor")),
]


class IntakeForm(FlaskForm):
    """A repair call taken by the front desk (报修): where, what, who called, who goes."""

    device_id = RadioField(_l("Device"), coerce=_str_or_empty, validate_choice=False, default="")
    description = TextAreaField(_l("What is wrong"), validators=[DataRequired(), Length(max=2000)])
    location = StringField(_l("Location"), validators=[Optional(), Length(max=300)],
                           description=_l("Building, floor, room — left empty: the device's room"))
    reporter_name = StringField(_l("Caller's name"), validators=[Optional(), Length(max=100)])
    reporter_phone = TelField(_l("Caller's phone"), validators=[Optional(), Length(max=40),
                              Regexp(r"^[0-9+()\- ]{3,40}$", message=_l("Enter a phone number."))])
    agreed_arrival = DateTimeLocalField(_l("Arrival agreed with the customer (optional)"), validators=[Optional()],
                                        format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"])
    assignee = SelectField(_l("Responsible technician"), coerce=_int_or_none, validate_choice=True)


class NoteForm(FlaskForm):
    """A step that needs no details: accepted, arrived, supervisor informed (a note is optional)."""

    note = StringField(_l("Note (optional)"), validators=[Optional(), Length(max=300)])


class AssignForm(FlaskForm):
    """Assign or reassign the responsible technician."""

    assignee = SelectField(_l("Technician"), coerce=_int_or_none, validators=[DataRequired(message=_l("Choose the technician."))])
    note = StringField(_l("Note (optional)"), validators=[Optional(), Length(max=300)])


class ClassifyForm(FlaskForm):
    """The kind of fault, which decides the rules that follow."""

    classification = RadioField(_l("Kind of fault"), validators=[DataRequired(message=_l("Choose the kind of fault."))])
    note = StringField(_l("Note (optional)"), validators=[Optional(), Length(max=300)])


class EscalationDecisionForm(FlaskForm):
    """What the supervisor decided for a difficult fault, and with whom."""

    decided_with = RadioField(_l("Solution worked out with"), choices=[
        SelectChoice("colleagues", _l("Colleagues")), SelectChoice("vendor", _l("A third-party vendor"))],
        validators=[DataRequired(message=_l("Say whether the solution was found with colleagues or a vendor."))])
    vendor_name = StringField(_l("Vendor"), validators=[Optional(), Length(max=200)])
    people = StringField(_l("Who took part"), validators=[Optional(), Length(max=300)])
    solution = TextAreaField(_l("What was decided"), validators=[DataRequired(message=_l("Describe the solution.")), Length(max=2000)])


class FactoryForm(FlaskForm):
    """A device sent to or back from the factory, with any special circumstance (特殊情况)."""

    exception = StringField(_l("Special circumstance (optional)"), validators=[Optional(), Length(max=300)],
                            description=_l("Why the 10 working days cannot be kept, if they cannot"))


class QuoteItemForm(Form):
    """One line of a quote."""

    item_name = StringField(_l("Item"), validators=[Optional(), Length(max=200)])
    qty = DecimalField(_l("Qty"), places=None, validators=[Optional(), NumberRange(min=0)])
    price = DecimalField(_l("Unit price"), places=None, validators=[Optional(), NumberRange(min=0)])


class QuoteForm(FlaskForm):
    """A quote for a repair the customer pays for (vandalism, out of warranty): items and total."""

    items = FieldList(FormField(QuoteItemForm), min_entries=4, max_entries=20)
    note = StringField(_l("Note (optional)"), validators=[Optional(), Length(max=300)])


class ApproveQuoteForm(FlaskForm):
    """The customer's approval, as the office heard it: who approved, on which day."""

    approver_name = StringField(_l("Approved by"), validators=[DataRequired(message=_l("Name who approved.")), Length(max=100)])
    approved_on = DateField(_l("Approved on"), validators=[DataRequired(message=_l("Give the date of the approval."))])


class DeclineQuoteForm(FlaskForm):
    """The customer declined the quote: the ticket closes as such."""

    approver_name = StringField(_l("Declined by"), validators=[DataRequired(message=_l("Name who declined.")), Length(max=100)])
    note = StringField(_l("Note (optional)"), validators=[Optional(), Length(max=300)])


class FollowUpForm(FlaskForm):
    """The follow-up call (回访): repair quality, service attitude and whether the customer is satisfied."""

    quality = RadioField(_l("Repair quality"), coerce=int, choices=RATING_CHOICES,
                         validators=[InputRequired(message=_l("Rate the repair quality."))])
    attitude = RadioField(_l("Service attitude"), coerce=int, choices=RATING_CHOICES,
                          validators=[InputRequired(message=_l("Rate the service attitude."))])
    result = RadioField(_l("Is the customer satisfied?"), choices=[
        SelectChoice("satisfied", _l("Satisfied — close and file")),
        SelectChoice("not_satisfied", _l("Not satisfied — repair again"))],
        validators=[DataRequired(message=_l("Say whether the customer was satisfied."))])
    reason = TextAreaField(_l("Why not satisfied"), validators=[Optional(), Length(max=1000)])
    responsible = SelectField(_l("Technician held responsible"), coerce=_int_or_none, validate_choice=False)
    assignee = SelectField(_l("Rework goes to"), coerce=_int_or_none, validate_choice=False)
    notes = StringField(_l("Notes (optional)"), validators=[Optional(), Length(max=500)])

    def validate(self, extra_validators=None) -> bool:
        """A 'not satisfied' call needs the reason and the technician responsible."""
        ok = super().validate(extra_validators)
        if self.result.data == "not_satisfied":
            if not (self.reason.data or "").strip():
                self.reason.errors = [*self.reason.errors, _l("Say why the customer was not satisfied.")]
                ok = False
            if self.responsible.data is None:
                self.responsible.errors = [*self.responsible.errors, _l("Choose the technician held responsible.")]
                ok = False
        return ok


class CloseForm(FlaskForm):
    """Close the ticket and file it under its category."""

    note = StringField(_l("Note (optional)"), validators=[Optional(), Length(max=300)])


class ReworkForm(FlaskForm):
    """Open a rework: a linked new ticket for the repair done again."""

    reason = TextAreaField(_l("Why the repair is done again"), validators=[DataRequired(message=_l("Say why the repair is done again.")), Length(max=1000)])
    responsible = SelectField(_l("Technician held responsible"), coerce=_int_or_none, validate_choice=False)
    assignee = SelectField(_l("Rework goes to"), coerce=_int_or_none, validate_choice=False)
