"""Marshmallow schemas: checklist items (the template's JSON), templates, answers, visits.

The item schema is the one place that says what a valid checklist item is; the template editor
and (later) sync both load through it.
"""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, post_load, validate, validates_schema

from ..archive.models import DEVICE_CATEGORIES
from .models import ACTIVITIES, APPLIES_TO

ITEM_TYPES = ("pass_flag_fail", "yes_no", "number", "text", "single_choice", "photo", "software_upgrade")
# Types an item's `points` can score (see scoring.py); the others carry no points.
SCORED_TYPES = ("pass_flag_fail", "yes_no", "number", "single_choice")
PHOTO_RULES = ("none", "optional", "on_flag", "required")
KEY_PATTERN = r"^[a-z][a-z0-9_]{0,39}$"
SHA256_PATTERN = r"^[0-9a-f]{64}$"

# Validator messages are built when the class is defined (no locale yet), so they stay English;
# the editor's form checks keys first with translated messages.
_KEY_ERROR = "Use 1-40 lower-case letters, digits or underscores, starting with a letter."


class ChecklistOptionSchema(Schema):
    """One choice of a single-choice item; choosing a `flag` option flags the item."""

    class Meta:
        unknown = RAISE

    key = fields.Str(required=True, validate=validate.Regexp(KEY_PATTERN, error=_KEY_ERROR))
    label_zh = fields.Str(required=True, validate=validate.Length(min=1, max=200))
    label_en = fields.Str(required=True, validate=validate.Length(min=1, max=200))
    flag = fields.Bool(load_default=False)
    # Share of the item's points this option earns (0-1); unset: 0 for a flag option, else 1.
    score = fields.Float(load_default=None, allow_none=True, allow_nan=False, validate=validate.Range(min=0, max=1))


class ChecklistItemSchema(Schema):
    """One question of a checklist."""

    class Meta:
        unknown = RAISE

    key = fields.Str(required=True, validate=validate.Regexp(KEY_PATTERN, error=_KEY_ERROR))
    label_zh = fields.Str(required=True, validate=validate.Length(min=1, max=200))
    label_en = fields.Str(required=True, validate=validate.Length(min=1, max=200))
    hint_zh = fields.Str(load_default="", validate=validate.Length(max=500))
    hint_en = fields.Str(load_default="", validate=validate.Length(max=500))
    type = fields.Str(required=True, validate=validate.OneOf(ITEM_TYPES))
    required = fields.Bool(load_default=False)
    na_allowed = fields.Bool(load_default=False)
    photo = fields.Str(load_default="none", validate=validate.OneOf(PHOTO_RULES))
    unit = fields.Str(load_default="", validate=validate.Length(max=20))
    min = fields.Float(load_default=None, allow_none=True, allow_nan=False)
    max = fields.Float(load_default=None, allow_none=True, allow_nan=False)
    flag_on = fields.Str(load_default=None, allow_none=True, validate=validate.OneOf(("yes", "no")))
    options = fields.List(fields.Nested(ChecklistOptionSchema), load_default=list)
    # Quality checks are scored: an item's points (its weight), grouped into sections.
    points = fields.Float(load_default=None, allow_none=True, allow_nan=False, validate=validate.Range(min=0, max=1000))
    section_zh = fields.Str(load_default="", validate=validate.Length(max=100))
    section_en = fields.Str(load_default="", validate=validate.Length(max=100))

    @validates_schema
    def _check_type_rules(self, data: dict, **kwargs) -> None:
        """Rules that depend on the item's type."""
        kind = data.get("type")
        if kind == "number":
            low, high = data.get("min"), data.get("max")
            if low is not None and high is not None and low > high:
                raise ValidationError(_("The minimum must not be above the maximum."), "max")
        if kind == "single_choice":
            options = data.get("options") or []
            if len(options) < 2:
                raise ValidationError(_("A single-choice item needs at least two options."), "options")
            keys = [o["key"] for o in options]
            if len(set(keys)) != len(keys):
                raise ValidationError(_("Each option needs its own key."), "options")

    @post_load
    def _normalise(self, data: dict, **kwargs) -> dict:
        """Keep only the settings that mean something for the item's type, in a fixed order."""
        item = {
            "key": data["key"],
            "label_zh": data["label_zh"].strip(),
            "label_en": data["label_en"].strip(),
            "hint_zh": data.get("hint_zh", "").strip(),
            "hint_en": data.get("hint_en", "").strip(),
            "type": data["type"],
            "required": bool(data.get("required")),
            "na_allowed": bool(data.get("na_allowed")),
            "photo": data.get("photo", "none"),
        }
        if data["type"] == "photo":
            # The answer *is* the photos: required decides whether one must be taken.
            item["photo"] = "required" if item["required"] else "optional"
        if data["type"] == "number":
            item.update(unit=data.get("unit", "").strip(), min=data.get("min"), max=data.get("max"))
        if data["type"] == "yes_no":
            item["flag_on"] = data.get("flag_on")
        if data["type"] == "single_choice":
            item["options"] = [
                {"key": o["key"], "label_zh": o["label_zh"].strip(), "label_en": o["label_en"].strip(),
                 "flag": bool(o.get("flag")), **({"score": o["score"]} if o.get("score") is not None else {})}
                for o in data["options"]
            ]
        # Optional settings are kept only when set, so unscored checklists keep their shape.
        if data.get("points") and data["type"] in SCORED_TYPES:
            item["points"] = data["points"]
        for name in ("section_zh", "section_en"):
            if (data.get(name) or "").strip():
                item[name] = data[name].strip()
        return item


class TemplateSchema(Schema):
    """A checklist template's content (what an editor sends and what sync carries)."""

    class Meta:
        unknown = EXCLUDE

    name_zh = fields.Str(required=True, validate=validate.Length(min=1, max=200))
    name_en = fields.Str(required=True, validate=validate.Length(min=1, max=200))
    activity = fields.Str(required=True, validate=validate.OneOf(ACTIVITIES))
    applies_to = fields.Str(load_default="site", validate=validate.OneOf(APPLIES_TO))
    device_category = fields.Str(load_default=None, allow_none=True, validate=validate.OneOf(DEVICE_CATEGORIES))
    description = fields.Str(load_default="", validate=validate.Length(max=2000))
    items = fields.List(fields.Nested(ChecklistItemSchema), required=True)

    @validates_schema
    def _check_items(self, data: dict, **kwargs) -> None:
        """A template has items with distinct keys, at most one software upgrade, and a category when needed."""
        if data.get("applies_to") == "devices_of_category" and not data.get("device_category"):
            raise ValidationError(_("Pick the device category this checklist is for."), "device_category")
        items = data.get("items") or []
        if not items:
            raise ValidationError(_("A checklist needs at least one item."), "items")
        keys = [i["key"] for i in items]
        duplicates = sorted({k for k in keys if keys.count(k) > 1})
        if duplicates:
            raise ValidationError(
                _("Item keys must be different; repeated: %(keys)s", keys=", ".join(duplicates)), "items"
            )
        if sum(1 for i in items if i["type"] == "software_upgrade") > 1:
            raise ValidationError(_("A checklist can have only one software upgrade item."), "items")

    @post_load
    def _tidy(self, data: dict, **kwargs) -> dict:
        """Drop the category when the template is not for devices of one category."""
        if data.get("applies_to") != "devices_of_category":
            data["device_category"] = None
        data["name_zh"] = data["name_zh"].strip()
        data["name_en"] = data["name_en"].strip()
        return data


class AnswerSchema(Schema):
    """One answer on a filled checklist: {value, note, photo_ids, flagged, na}."""

    class Meta:
        unknown = EXCLUDE

    value = fields.Raw(load_default=None, allow_none=True)
    note = fields.Str(load_default="", allow_none=True, validate=validate.Length(max=2000))
    photo_ids = fields.List(
        fields.Str(validate=validate.Regexp(SHA256_PATTERN, error="A photo id is a SHA-256 in hex.")),
        load_default=list,
    )
    flagged = fields.Bool(load_default=False)
    na = fields.Bool(load_default=False)
    # The repair ticket the technician opened from this finding (its id, made on the device).
    ticket_id = fields.Str(load_default=None, allow_none=True, validate=validate.Length(equal=36))


class UpgradeEntrySchema(Schema):
    """One device upgraded during maintenance: which device and the new software version."""

    class Meta:
        unknown = EXCLUDE

    device_id = fields.Str(required=True, validate=validate.Length(equal=36))
    to_version = fields.Str(required=True, validate=validate.Length(min=1, max=100))
    from_version = fields.Str(load_default=None, allow_none=True, validate=validate.Length(max=100))


def template_json(template: Any) -> dict:
    """A template as sync and the field app see it."""
    return {
        "id": template.id,
        "template_key": template.template_key,
        "version_no": template.version_no,
        "name_zh": template.name_zh,
        "name_en": template.name_en,
        "activity": template.activity,
        "applies_to": template.applies_to,
        "device_category": template.device_category,
        "description": template.description,
        "items": template.items,
        "superseded": template.superseded_at is not None,
    }


def visit_json(visit: Any) -> dict:
    """A visit (kind 'schedule') as sync and the field app see it."""
    return {
        "id": visit.id,
        "customer_id": visit.customer_id,
        "plan_id": visit.plan_id,
        "activity": visit.activity,
        "period_key": visit.period_key,
        "original_due_date": visit.original_due_date.isoformat(),
        "due_date": visit.due_date.isoformat(),
        "assignee_id": visit.assignee_id,
        "state": visit.state,
        "done_on": visit.done_on.isoformat() if visit.done_on else None,
        "inspection_id": visit.inspection_id,
        "history": visit.history or [],
    }


def inspection_json(sheet: Any) -> dict:
    """A filled checklist (kind 'inspection') as sync and the field app see it."""

    def iso(moment):
        """A timestamp as ISO text, or None."""
        return moment.isoformat() if moment else None

    return {
        "id": sheet.id,
        "template_id": sheet.template_id,
        "template_key": sheet.template_key,
        "template_version": sheet.template_version,
        "activity": sheet.activity,
        "customer_id": sheet.customer_id,
        "site_id": sheet.site_id,
        "cabinet_id": sheet.cabinet_id,
        "device_id": sheet.device_id,
        "visit_id": sheet.visit_id,
        "answers": sheet.answers or {},
        "flagged_count": sheet.flagged_count,
        "performed_by_id": sheet.performed_by_id,
        "started_at": iso(sheet.started_at),
        "finished_at": iso(sheet.finished_at),
        "customer_opinion": sheet.customer_opinion,
        "state": sheet.state,
        "review_comment": sheet.review_comment,
        "signer_name": sheet.signer_name,
        "signature_sha256": sheet.signature_sha256,
        "signed_at": iso(sheet.signed_at),
        "supersedes_id": sheet.supersedes_id,
        "score": sheet.score,
        "score_points": sheet.score_points,
        "score_max": sheet.score_max,
        "document_id": sheet.document_id,
    }
