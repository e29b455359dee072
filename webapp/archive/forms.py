"""Archive forms: the shape and format of what people type, and the choices a customer offers.

The rules a record must follow live in `rules.py`; the verbs in `services.py` apply them.
"""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    IntegerField,
    SearchField,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional, ValidationError

from ..templating import CATEGORY_LABELS, CUSTOMER_KIND_LABELS, HANDOVER_LABELS
from .models import CUSTOMER_KINDS, DEVICE_CATEGORIES, HANDOVER_KINDS, Customer, Room

PHONE_CHARS = re.compile(r"^[0-9０-９+\-()（）#*/,，.\s转分机extEXT]*$")


def phone_number(form, field) -> None:
    """A phone number: digits with the usual separators and an extension, at least 5 digits."""
    value = (field.data or "").strip()
    if not value:
        return
    if not PHONE_CHARS.match(value) or len(re.findall(r"[0-9０-９]", value)) < 5:
        raise ValidationError(_l("Enter a phone number (digits, spaces, + - and an extension)."))


def required(message=None):
    """DataRequired with a clear message."""
    return DataRequired(message=message or _l("This field is required."))


def date_field(label):
    """An optional date picked with the browser's date input."""
    return DateField(label, validators=[Optional()], format="%Y-%m-%d")


def quantity_field(label):
    """A whole number of at least 1."""
    return IntegerField(
        label,
        default=1,
        validators=[
            InputRequired(message=_l("Enter how many.")),
            NumberRange(min=1, max=100000, message=_l("The quantity must be a whole number of at least 1.")),
        ],
    )


class VersionedForm(FlaskForm):
    """A form that remembers which version of the record it was opened on."""

    base_version = HiddenField()

    def base_version_int(self) -> int | None:
        """The version the form was opened on, if any."""
        try:
            return int(self.base_version.data) if self.base_version.data else None
        except (TypeError, ValueError):
            return None


class CustomerForm(VersionedForm):
    """A customer's facts."""

    name = StringField(_l("Name"), validators=[required(_l("Enter the school or organisation name.")), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=[(k, CUSTOMER_KIND_LABELS[k]) for k in CUSTOMER_KINDS], default="school")
    address = StringField(_l("Project address"), validators=[Optional(), Length(max=300)])
    acceptance_date = date_field(_l("Acceptance date"))
    person_in_charge = StringField(_l("Person in charge"), validators=[Optional(), Length(max=100)])
    phone = TelField(_l("Phone"), validators=[Optional(), Length(max=40), phone_number])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=5000)])


class ContactForm(VersionedForm):
    """A person to call at the customer."""

    name = StringField(_l("Name"), validators=[required(_l("Enter the contact's name.")), Length(max=100)])
    title = StringField(_l("Position"), validators=[Optional(), Length(max=100)])
    phone = TelField(_l("Phone"), validators=[Optional(), Length(max=40), phone_number])
    email = EmailField(
        _l("E-mail"), validators=[Optional(), Length(max=120), Email(message=_l("Enter a valid e-mail address."))]
    )


class SiteForm(VersionedForm):
    """A campus or building."""

    name = StringField(_l("Name"), validators=[required(_l("Enter the site's name.")), Length(max=200)])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=5000)])


class RoomForm(VersionedForm):
    """A room at a site."""

    site_id = SelectField(_l("Site"), choices=[], validate_choice=False)
    name = StringField(_l("Name"), validators=[required(_l("Enter the room's name.")), Length(max=200)])
    floor = StringField(_l("Floor"), validators=[Optional(), Length(max=20)])


class CabinetForm(VersionedForm):
    """An equipment cabinet."""

    name = StringField(_l("Name"), validators=[required(_l("Enter the cabinet's name.")), Length(max=200)])
    code = StringField(_l("Cabinet code"), validators=[Optional(), Length(max=40)])
    site_id = SelectField(_l("Site"), choices=[], validate_choice=False)
    room_id = SelectField(_l("Room"), choices=[], validate_choice=False)
    location = StringField(_l("Location"), validators=[Optional(), Length(max=300)])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=5000)])


class DeviceForm(VersionedForm):
    """Everything the archive knows about a device."""

    name = StringField(_l("Name"), validators=[required(_l("Enter the device's name.")), Length(max=200)])
    category = SelectField(
        _l("Category"), choices=[(k, CATEGORY_LABELS[k]) for k in DEVICE_CATEGORIES], validate_choice=False
    )
    brand = StringField(_l("Brand"), validators=[Optional(), Length(max=100)])
    model = StringField(_l("Model"), validators=[Optional(), Length(max=100)])
    quantity = quantity_field(_l("Quantity"))
    protocol = StringField(_l("Protocol"), validators=[Optional(), Length(max=100)])
    software_version = StringField(_l("Software version"), validators=[Optional(), Length(max=100)])
    serial = StringField(_l("Serial number"), validators=[Optional(), Length(max=100)])
    ip_address = StringField(_l("IP address"), validators=[Optional(), Length(max=64)])
    cabinet_id = SelectField(_l("Cabinet"), choices=[], validate_choice=False)
    room_id = SelectField(_l("Room"), choices=[], validate_choice=False)
    install_date = date_field(_l("Install date"))
    warranty_end = date_field(_l("Warranty end"))
    supplier = StringField(_l("Supplier"), validators=[Optional(), Length(max=200)])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=5000)])


class DeviceFieldForm(VersionedForm):
    """What a technician may correct on site."""

    software_version = StringField(_l("Software version"), validators=[Optional(), Length(max=100)])
    serial = StringField(_l("Serial number"), validators=[Optional(), Length(max=100)])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=5000)])


class HandoverItemForm(VersionedForm):
    """One item handed over at project end."""

    kind = SelectField(_l("Kind"), choices=[(k, HANDOVER_LABELS[k]) for k in HANDOVER_KINDS], validate_choice=False)
    description = StringField(_l("What"), validators=[required(_l("Describe what was handed over.")), Length(max=300)])
    quantity = quantity_field(_l("Quantity"))
    handed_to = StringField(_l("Handed to"), validators=[Optional(), Length(max=100)])
    handed_on = date_field(_l("Handed over on"))
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=5000)])


FORMS = {
    "customer": CustomerForm,
    "contact": ContactForm,
    "site": SiteForm,
    "room": RoomForm,
    "cabinet": CabinetForm,
    "device": DeviceForm,
    "handover": HandoverItemForm,
}


class ConfirmForm(FlaskForm):
    """An empty form for a button that changes something (retire, restore): CSRF only."""


class DeviceImportForm(FlaskForm):
    """An Excel file of devices."""

    file = FileField(
        _l("Excel file (.xlsx)"),
        validators=[
            FileRequired(message=_l("Choose an Excel file.")),
            FileAllowed(["xlsx"], message=_l("Only Excel .xlsx files can be imported.")),
        ],
    )


class DeviceSearchForm(FlaskForm):
    """What the device list searches by besides the shared list filters (webapp/listing.py: school,
    technician, in service or retired, installed from/to): free text, category, brand, model, serial."""

    class Meta:
        """A search changes nothing."""

        csrf = False

    q = SearchField(_l("Search"), validators=[Optional(), Length(max=100)])
    category = SelectField(_l("Category"), choices=[], validate_choice=False)
    brand = StringField(_l("Brand"), validators=[Optional(), Length(max=100)])
    model = StringField(_l("Model"), validators=[Optional(), Length(max=100)])
    serial = StringField(_l("Serial number"), validators=[Optional(), Length(max=100)])


# --- choices of a customer's own sites, rooms and cabinets ------------------------------------


def _choices(records, empty_label=None) -> list[tuple[str, str]]:
    """Select options for active records, with an optional empty first option."""
    options = [("", empty_label)] if empty_label is not None else []
    return options + [(r.id, r.name) for r in records if r.deleted_at is None]


def room_label(room: Room) -> str:
    """A room with its site, for pickers."""
    return f"{room.site.name} · {room.name}" if room.site else room.name


def fill_choices(form: FlaskForm, customer: Customer) -> None:
    """Offer only this customer's active sites, rooms and cabinets."""
    sites = [s for s in customer.sites if s.deleted_at is None]
    rooms = [r for s in sites for r in s.rooms if r.deleted_at is None]
    if "site_id" in form:
        form.site_id.choices = _choices(sites, None if isinstance(form, RoomForm) else _l("— none —"))
    if "room_id" in form:
        form.room_id.choices = [("", _l("— none —"))] + [(r.id, room_label(r)) for r in rooms]
    if "cabinet_id" in form:
        form.cabinet_id.choices = _choices(customer.cabinets, _l("— none —"))


def select_data_from(form: FlaskForm, record) -> None:
    """Selects show the record's current choice (None becomes the empty option)."""
    for name in ("site_id", "room_id", "cabinet_id"):
        if name in form:
            form[name].data = getattr(record, name) or ""
