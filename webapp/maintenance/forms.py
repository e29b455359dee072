"""Forms of the maintenance pages: visit changes, plans and the checklist editor."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FloatField,
    Form,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, Regexp

from ..archive.models import DEVICE_CATEGORIES
from ..templating import CATEGORY_LABELS
from .labels import ACTIVITY_LABELS, APPLIES_TO_LABELS, ITEM_TYPE_LABELS, PHOTO_RULE_LABELS
from .models import ACTIVITIES, APPLIES_TO, RECURRING_ACTIVITIES
from .schemas import ITEM_TYPES, KEY_PATTERN, PHOTO_RULES

KEY_MESSAGE = _l("Use 1-40 lower-case letters, digits or underscores, starting with a letter.")


def _int_or_none(value):
    """Coerce a select's value to an int, '' to None."""
    if value in (None, "", "None"):
        return None
    return int(value)


# --- visits ---------------------------------------------------------------------------------


class ReassignForm(FlaskForm):
    """Give a visit to someone else."""

    assignee = SelectField(_l("New assignee"), coerce=_int_or_none, validators=[DataRequired()])
    reason = StringField(_l("Reason (optional)"), validators=[Optional(), Length(max=300)])


class RescheduleForm(FlaskForm):
    """Move a visit to another day, saying why."""

    new_date = DateField(_l("New date"), validators=[DataRequired()])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=300)])


class CancelForm(FlaskForm):
    """Call a visit off, saying why."""

    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=300)])


class DoneForm(FlaskForm):
    """Record a visit done (e.g. from a paper sheet)."""

    done_on = DateField(_l("Done on"), validators=[DataRequired()])


class NoSignatureForm(FlaskForm):
    """Why the customer did not sign a done patrol's sheet (it then counts as on time)."""

    reason = TextAreaField(_l("Why the customer did not sign"), validators=[DataRequired(), Length(max=300)])


class AttendeesForm(FlaskForm):
    """The school's leaders who took part in a quarterly inspection, one a line: name, title."""

    attendees = TextAreaField(_l("School leaders present"), validators=[DataRequired(), Length(max=2000)])

    def people(self) -> list[dict]:
        """[{"name", "title"}] from the lines typed."""
        out = []
        for line in (self.attendees.data or "").splitlines():
            name, _sep, title = line.replace("，", ",").partition(",")
            out.append({"name": name.strip(), "title": title.strip()})
        return out


# --- plans ----------------------------------------------------------------------------------


class PlanRowForm(Form):
    """One recurring activity of a customer's plan."""

    active = BooleanField(_l("Scheduled"))
    responsible = SelectField(_l("Responsible"), coerce=_int_or_none, validators=[Optional()])
    start_date = DateField(_l("Starts on"), validators=[Optional()])


class PlanForm(FlaskForm):
    """The recurring activities of a customer."""

    monthly_patrol = FormField(PlanRowForm)
    semi_annual_maintenance = FormField(PlanRowForm)
    quarterly_inspection = FormField(PlanRowForm)
    year_end_inspection = FormField(PlanRowForm)

    def rows(self):
        """(activity, sub-form) pairs in the usual order."""
        return [(activity, getattr(self, activity)) for activity in RECURRING_ACTIVITIES]


# --- checklist editor -----------------------------------------------------------------------


class ReadingField(FloatField):
    """A number field that shows 30 rather than 30.0."""

    def _value(self) -> str:
        """The value as typed back into the input."""
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return str(int(self.data)) if float(self.data).is_integer() else f"{self.data:g}"


class ItemForm(Form):
    """One checklist item in the editor; fields that do not fit the type are ignored."""

    key = StringField(_l("Key"), validators=[Optional(), Regexp(KEY_PATTERN, message=KEY_MESSAGE)])
    existing = HiddenField()
    type = SelectField(_l("Type"), choices=[(t, ITEM_TYPE_LABELS[t]) for t in ITEM_TYPES])
    label_zh = StringField(_l("Label (Chinese)"), validators=[Length(max=200)])
    label_en = StringField(_l("Label (English)"), validators=[Length(max=200)])
    hint_zh = StringField(_l("Hint (Chinese)"), validators=[Length(max=500)])
    hint_en = StringField(_l("Hint (English)"), validators=[Length(max=500)])
    required = BooleanField(_l("Required"))
    na_allowed = BooleanField(_l("May be marked not applicable"))
    photo = SelectField(_l("Photo"), choices=[(p, PHOTO_RULE_LABELS[p]) for p in PHOTO_RULES])
    unit = StringField(_l("Unit"), validators=[Length(max=20)])
    min = ReadingField(_l("Lowest normal value"), validators=[Optional()])
    max = ReadingField(_l("Highest normal value"), validators=[Optional()])
    flag_on = SelectField(
        _l("Flag the answer"),
        choices=[("", _l("Neither")), ("yes", _l("Yes is a finding")), ("no", _l("No is a finding"))],
    )
    options = TextAreaField(_l("Options, one per line"))
    points = ReadingField(_l("Points (quality checks)"), validators=[Optional()])
    section_zh = StringField(_l("Section (Chinese)"), validators=[Length(max=100)])
    section_en = StringField(_l("Section (English)"), validators=[Length(max=100)])
    remove = BooleanField(_l("Remove this item"))


class TemplateForm(FlaskForm):
    """A checklist template's header and items."""

    template_key = StringField(
        _l("Key"), validators=[Optional(), Length(max=40), Regexp(KEY_PATTERN, message=KEY_MESSAGE)]
    )
    name_zh = StringField(_l("Name (Chinese)"), validators=[DataRequired(), Length(max=200)])
    name_en = StringField(_l("Name (English)"), validators=[DataRequired(), Length(max=200)])
    activity = SelectField(_l("Activity"), choices=[(a, ACTIVITY_LABELS[a]) for a in ACTIVITIES])
    applies_to = SelectField(_l("Filled for"), choices=[(a, APPLIES_TO_LABELS[a]) for a in APPLIES_TO])
    device_category = SelectField(
        _l("Device category"),
        choices=[("", "—")] + [(c, CATEGORY_LABELS.get(c, c)) for c in DEVICE_CATEGORIES],
        validators=[Optional()],
    )
    description = TextAreaField(_l("Description"), validators=[Length(max=2000)])
    change_note = StringField(_l("What changed (kept with the version)"), validators=[Length(max=300)])
    items = FieldList(FormField(ItemForm), min_entries=0)


# --- converting between stored items and the editor -----------------------------------------


def slug(text: str, fallback: str) -> str:
    """A key made from an English label: 'Room temperature' → 'room_temperature'."""
    value = re.sub(r"[^a-z0-9]+", "_", (text or "").lower()).strip("_")[:40].strip("_")
    if not value or not value[0].isalpha():
        value = f"{fallback}_{value}".strip("_")[:40] if value else fallback
    return value


def options_to_text(options: list[dict]) -> str:
    """Options as editable lines: 'key | 中文 | English' (+ ' | flag')."""
    lines = []
    for option in options or []:
        line = f"{option['key']} | {option['label_zh']} | {option['label_en']}"
        if option.get("flag"):
            line += " | flag"
        if option.get("score") is not None:
            line += f" | score={option['score']:g}"
        lines.append(line)
    return "\n".join(lines)


def options_from_text(text: str) -> list[dict]:
    """Parse option lines: 'key | 中文 | English | flag', '中文 | English' or one label."""
    options = []
    used: set[str] = set()
    for number, line in enumerate((text or "").splitlines(), start=1):
        parts = [p.strip() for p in line.split("|")]
        parts = [p for p in parts if p != ""]
        if not parts:
            continue
        score = None
        if len(parts) > 1 and re.fullmatch(r"(?i)score\s*=\s*[0-9.]+", parts[-1]):
            try:
                score = float(parts[-1].split("=", 1)[1])
            except ValueError:
                score = None
            parts = parts[:-1]
        flag = parts[-1].lower() in ("flag", "!", "标记") and len(parts) > 1
        if flag:
            parts = parts[:-1]
        if len(parts) >= 3:
            key, zh, en = parts[0], parts[1], parts[2]
        elif len(parts) == 2:
            zh, en = parts
            key = slug(en, f"option_{number}")
        else:
            zh = en = parts[0]
            key = slug(en, f"option_{number}")
        base, n = key, 2
        while key in used:
            key, n = f"{base}_{n}"[:40], n + 1
        used.add(key)
        option = {"key": key, "label_zh": zh, "label_en": en, "flag": flag}
        if score is not None:
            option["score"] = score
        options.append(option)
    return options


def item_to_form_data(item: dict, existing: bool = True) -> dict:
    """A stored item as the editor's field values."""
    return {
        "key": item.get("key", ""),
        "existing": "1" if existing else "",
        "type": item.get("type", "pass_flag_fail"),
        "label_zh": item.get("label_zh", ""),
        "label_en": item.get("label_en", ""),
        "hint_zh": item.get("hint_zh", ""),
        "hint_en": item.get("hint_en", ""),
        "required": bool(item.get("required")),
        "na_allowed": bool(item.get("na_allowed")),
        "photo": item.get("photo", "none"),
        "unit": item.get("unit", ""),
        "min": item.get("min"),
        "max": item.get("max"),
        "flag_on": item.get("flag_on") or "",
        "options": options_to_text(item.get("options", [])),
        "points": item.get("points"),
        "section_zh": item.get("section_zh", ""),
        "section_en": item.get("section_en", ""),
        "remove": False,
    }


def is_blank_row(data: dict) -> bool:
    """An untouched empty row added with 'Add item'."""
    return not (data.get("key") or data.get("label_zh") or data.get("label_en"))


def items_from_form(form: TemplateForm) -> tuple[list[dict], list[int]]:
    """The items the editor holds (blank and removed rows left out) and, for each, its row index."""
    items, rows = [], []
    used: set[str] = set()
    for index, entry in enumerate(form.items.entries):
        data = entry.form.data
        if data.get("remove") or is_blank_row(data):
            continue
        key = (data.get("key") or "").strip() or slug(data.get("label_en", ""), f"item_{index + 1}")
        base, n = key, 2
        while key in used and not data.get("key"):
            key, n = f"{base}_{n}"[:40], n + 1
        used.add(key)
        item = {
            "key": key,
            "label_zh": (data.get("label_zh") or "").strip(),
            "label_en": (data.get("label_en") or "").strip(),
            "hint_zh": (data.get("hint_zh") or "").strip(),
            "hint_en": (data.get("hint_en") or "").strip(),
            "type": data.get("type"),
            "required": bool(data.get("required")),
            "na_allowed": bool(data.get("na_allowed")),
            "photo": data.get("photo") or "none",
        }
        if item["type"] == "number":
            item.update(unit=(data.get("unit") or "").strip(), min=data.get("min"), max=data.get("max"))
        if item["type"] == "yes_no":
            item["flag_on"] = data.get("flag_on") or None
        if item["type"] == "single_choice":
            item["options"] = options_from_text(data.get("options") or "")
        if data.get("points") is not None:
            item["points"] = data["points"]
        for name in ("section_zh", "section_en"):
            if (data.get(name) or "").strip():
                item[name] = data[name].strip()
        items.append(item)
        rows.append(index)
    return items, rows


# --- review of handed-in sheets ---------------------------------------------------------------


class ReviewForm(FlaskForm):
    """Accept a sheet, or return it to the technician with a comment."""

    outcome = SelectField(
        _l("Outcome"),
        choices=[("accepted", _l("Accept the sheet")), ("has_issues", _l("Return with issues"))],
        validators=[DataRequired()],
    )
    comment = TextAreaField(_l("Comment for the technician"), validators=[Optional(), Length(max=2000)])


class QualityFilterForm(FlaskForm):
    """Filters of the quality checks page (a GET form)."""

    class Meta:
        csrf = False

    year = StringField(_l("Year"), validators=[Optional(), Regexp(r"^\d{4}$")])
    activity = SelectField(
        _l("Check"),
        choices=[("", _l("All quality checks")), ("spot_check", _l("Spot checks")),
                 ("year_end_inspection", _l("Year-end inspections"))],
        validators=[Optional()],
    )
