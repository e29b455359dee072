"""The forms of the project pages. They only read the request; every rule is the verbs' (rules.py)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField, DateField, HiddenField, IntegerField, SelectField, StringField, TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..archive.models import DEVICE_CATEGORIES, HANDOVER_KINDS
from ..templating import CATEGORY_LABELS, HANDOVER_LABELS
from ..training.forms import CheckboxesField
from .models import ATTACHMENT_KINDS

ATTACHMENT_LABELS = {
    "approval_application": _l("Construction approval application"), "contract": _l("Contract"),
    "drawing": _l("Drawings"), "design": _l("Design"), "bill_of_materials": _l("Bill of materials"),
    "other": _l("Other"),
}
STANDARD_LABELS = {"contract": _l("The contract's standard (tendered)"), "company": _l("The company's own plan")}


class OpenForm(FlaskForm):
    """Marketing opens a project for a school of the archive or a new one."""

    customer_id = SelectField(_l("School"), choices=[], validate_choice=False)
    new_customer = BooleanField(_l("A new school (not in the archive yet)"))
    name = StringField(_l("Project name"), validators=[DataRequired(), Length(max=200)])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])
    person_in_charge = StringField(_l("School's person in charge"), validators=[Optional(), Length(max=100)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)])
    contract_no = StringField(_l("Contract or tender number"), validators=[Optional(), Length(max=100)])
    tendered = BooleanField(_l("Tendered"))
    standard = SelectField(_l("Standard followed"), choices=list(STANDARD_LABELS.items()))
    standard_notes = TextAreaField(_l("About the standard"), validators=[Optional(), Length(max=5000)],
                                   render_kw={"rows": 2})
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=5000)], render_kw={"rows": 3})
    approval = FileField(_l("Construction approval application (施工审批申请单)"),
                         validators=[FileRequired(_l("Attach the construction approval application."))])

    def data_for_service(self) -> dict:
        """The fields as `services.open_project` takes them."""
        data = {name: self[name].data for name in ("customer_id", "new_customer", "name", "address", "contract_no",
                                                   "tendered", "standard", "standard_notes", "notes")}
        data["customer"] = {"person_in_charge": self.person_in_charge.data or "", "phone": self.phone.data or ""}
        return data


class TeamForm(FlaskForm):
    """The head picks the installation team and its leader."""

    leader_id = SelectField(_l("Team leader"), coerce=int, choices=[])
    member_ids = CheckboxesField(_l("Team members"), coerce=int)


class AcceptanceTeamForm(FlaskForm):
    """The head appoints the internal acceptance team."""

    member_ids = CheckboxesField(_l("Acceptance team"), coerce=int)


class ReasonForm(FlaskForm):
    """Hold or cancel, with a reason."""

    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 2})


class ConfirmForm(FlaskForm):
    """A button that only needs the CSRF token."""


class RectifyForm(FlaskForm):
    """Marketing reports the school's rectification of the failed site-entry conditions."""

    note = TextAreaField(_l("What the school rectified"), validators=[Optional(), Length(max=5000)],
                         render_kw={"rows": 2})


class AttachmentForm(FlaskForm):
    """A file kept with the project."""

    kind = SelectField(_l("Kind of file"), choices=[(k, ATTACHMENT_LABELS[k]) for k in ATTACHMENT_KINDS])
    file = FileField(_l("File"), validators=[FileRequired(_l("Choose a file."))])


class SignedForm(FlaskForm):
    """A paper signed on the page's pad: the drawing arrives as a PNG data URL."""

    signature = HiddenField()


class ExternalForm(SignedForm):
    """The external acceptance with marketing and the school; the school's representative signs."""

    held_on = DateField(_l("Date"), validators=[Optional()])
    passed = SelectField(_l("Result"), choices=[("yes", _l("Passed")), ("no", _l("Not passed"))])
    school_representative = StringField(_l("School's representative"), validators=[Optional(), Length(max=100)])
    attendees = StringField(_l("Attendees"), validators=[Optional(), Length(max=300)])
    remarks = TextAreaField(_l("Remarks"), validators=[Optional(), Length(max=5000)], render_kw={"rows": 3})


class ReportForm(SignedForm):
    """The completion report's summary; the team leader signs."""

    summary = TextAreaField(_l("Summary"), validators=[Optional(), Length(max=20000)], render_kw={"rows": 5})


class HandoverForm(SignedForm):
    """The hand-over receipt; the school's person signs."""

    handed_on = DateField(_l("Date"), validators=[Optional()])
    received_by = StringField(_l("Received by (school)"), validators=[Optional(), Length(max=100)])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=5000)], render_kw={"rows": 2})


class DeviceForm(FlaskForm):
    """A device on the project's list: where it sits and what it is."""

    site_name = StringField(_l("Site"), validators=[Optional(), Length(max=200)])
    cabinet_name = StringField(_l("Cabinet"), validators=[Optional(), Length(max=200)])
    cabinet_code = StringField(_l("Cabinet code"), validators=[Optional(), Length(max=40)])
    location = StringField(_l("Location"), validators=[Optional(), Length(max=300)])
    name = StringField(_l("Device name"), validators=[Optional(), Length(max=200)])
    category = SelectField(_l("Category"), choices=[(c, CATEGORY_LABELS[c]) for c in DEVICE_CATEGORIES])
    brand = StringField(_l("Brand"), validators=[Optional(), Length(max=100)])
    model = StringField(_l("Model"), validators=[Optional(), Length(max=100)])
    quantity = IntegerField(_l("Quantity"), default=1, validators=[Optional(), NumberRange(1, 100000)])
    serial = StringField(_l("Serial number"), validators=[Optional(), Length(max=100)])
    ip_address = StringField(_l("IP address"), validators=[Optional(), Length(max=64)])

    def data_for_service(self) -> dict:
        """The fields as `handover.add_device` takes them."""
        data = {name: self[name].data or "" for name in ("site_name", "cabinet_name", "cabinet_code", "location",
                                                         "name", "category", "brand", "model", "serial",
                                                         "ip_address")}
        data["quantity"] = self.quantity.data if self.quantity.data is not None else 1
        return data


class ImportForm(FlaskForm):
    """The bill of materials as an Excel file."""

    file = FileField(_l("Bill of materials (.xlsx)"), validators=[FileRequired(_l("Choose an Excel file."))])


class ItemForm(FlaskForm):
    """One more item to hand over."""

    kind = SelectField(_l("Kind"), choices=[(k, HANDOVER_LABELS[k]) for k in HANDOVER_KINDS])
    description = StringField(_l("Description"), validators=[Optional(), Length(max=300)])
    quantity = IntegerField(_l("Quantity"), default=1, validators=[Optional(), NumberRange(1, 100000)])
