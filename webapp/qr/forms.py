"""Forms of the QR pages: the public fault report and the label-sheet picker."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from ..documents.label_sheet import DEFAULT_LAYOUT, LAYOUTS

# Mainland numbers: mobile 1[3-9]xxxxxxxxx; fixed line 0 + area code + 7-8 digits; 400/800 hotlines.
MOBILE = re.compile(r"1[3-9]\d{9}")
FIXED = re.compile(r"0\d{9,11}")
HOTLINE = re.compile(r"[48]00\d{7}")
PHONE_CHARS = re.compile(r"[\d\s\-+()（）]+")


def phone_digits(value: str) -> str:
    """The digits of a phone number without a +86 / 0086 country prefix."""
    digits = re.sub(r"\D", "", value)
    stripped = value.strip()
    if stripped.startswith("+86"):
        digits = digits[2:]
    elif stripped.startswith("0086"):
        digits = digits[4:]
    return digits


def is_valid_phone(value: str) -> bool:
    """True for a mainland mobile, fixed-line (with area code) or 400/800 number."""
    if not PHONE_CHARS.fullmatch(value.strip()):
        return False
    digits = phone_digits(value)
    return any(p.fullmatch(digits) for p in (MOBILE, FIXED, HOTLINE))


def validate_phone(form, field) -> None:
    """WTForms validator: a phone number a technician can call back."""
    if field.data and not is_valid_phone(field.data):
        raise ValidationError(
            _l("Enter a mobile number (11 digits) or a landline with its area code, e.g. 0571-86600001.")
        )


def _squeeze(value: str | None) -> str | None:
    """Trim and collapse inner runs of white space."""
    return " ".join(value.split()) if isinstance(value, str) else value


def _trim(value: str | None) -> str | None:
    """Trim leading and trailing white space."""
    return value.strip() if isinstance(value, str) else value


class PublicReportForm(FlaskForm):
    """'Report a fault' on the public page a label opens; only the description is required."""

    description = TextAreaField(
        _l("What is wrong?"),
        filters=[_trim],
        validators=[
            DataRequired(_l("Please describe the fault.")),
            Length(min=2, max=1000, message=_l("Between 2 and 1000 characters, please.")),
        ],
    )
    location = StringField(
        _l("Where exactly?"), filters=[_squeeze], validators=[Optional(), Length(max=200)]
    )
    reporter_name = StringField(
        _l("Your name"), filters=[_squeeze], validators=[Optional(), Length(max=50)]
    )
    reporter_phone = StringField(
        _l("Your phone"),
        filters=[_squeeze],
        validators=[Optional(), Length(max=30), validate_phone],
    )
    # A trap for robots: people never see or fill this field.
    website = StringField("Website", validators=[Optional()])

    @property
    def is_robot(self) -> bool:
        """True when the hidden trap field was filled in."""
        return bool((self.website.data or "").strip())


LAYOUT_LABELS = {
    "3x8": _l("24 per sheet: 3 × 8, 70 × 37 mm"),
    "3x7": _l("21 per sheet: 3 × 7, 63.5 × 38.1 mm"),
    "2x5": _l("10 per sheet, large: 2 × 5, 105 × 57 mm"),
}


class LabelSheetForm(FlaskForm):
    """Which labels to print, on which stock, from which position of a part-used sheet."""

    cabinet_ids = SelectMultipleField(_l("Cabinets"), choices=[], validate_choice=True)
    device_ids = SelectMultipleField(_l("Devices"), choices=[], validate_choice=True)
    layout = RadioField(
        _l("Label sheet"),
        choices=[SelectChoice(key, LAYOUT_LABELS[key]) for key in LAYOUTS],
        default=DEFAULT_LAYOUT,
        validators=[InputRequired()],
    )
    start_offset = IntegerField(
        _l("Skip the first labels of the sheet"),
        default=0,
        validators=[InputRequired(_l("Enter a number (0 for a new sheet).")), NumberRange(min=0)],
    )
    cut_lines = BooleanField(_l("Print cut lines (for plain paper)"))

    def validate_start_offset(self, field) -> None:
        """The offset must leave at least one position on the first sheet."""
        layout = LAYOUTS.get(self.layout.data or "")
        if layout is not None and field.data is not None and field.data >= layout.per_page:
            raise ValidationError(
                _l("This sheet has %(n)s labels: skip at most %(max)s.", n=layout.per_page, max=layout.per_page - 1)
            )

    def validate(self, extra_validators=None) -> bool:
        """At least one cabinet or device must be picked."""
        ok = super().validate(extra_validators)
        if not (self.cabinet_ids.data or self.device_ids.data):
            self.device_ids.errors = list(self.device_ids.errors) + [_l("Pick at least one cabinet or device.")]
            return False
        return ok
