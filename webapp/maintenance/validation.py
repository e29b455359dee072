"""Checking a filled checklist against its template version (pure: no database).

Rules: required items answered; numbers out of their range are flagged; a flagged item needs a
note, and a photo when its template says so; a single choice must be one of the options;
"not applicable" only where the item allows it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from marshmallow import ValidationError

from ..errors import flatten_messages, message_lines
from .schemas import AnswerSchema, UpgradeEntrySchema

_answer_schema = AnswerSchema()
_upgrade_schema = UpgradeEntrySchema(many=True)


@dataclass
class AnswerCheck:
    """The outcome of checking answers: normalised answers, errors per item key, flagged keys."""

    answers: dict[str, dict[str, Any]] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    flagged: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing is wrong."""
        return not self.errors

    def add(self, key: str, message: str) -> None:
        """Record one problem with an item."""
        self.errors.setdefault(key, []).append(message)


def _number(value: Any) -> float | None:
    """A reading as a number, or None when it is not one (booleans are not numbers)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip().replace(",", "."))
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


def _is_empty(item: dict, value: Any, photos: list[str]) -> bool:
    """True when an item has not been answered."""
    if item["type"] == "photo":
        return not photos
    if value is None:
        return True
    return isinstance(value, str) and not value.strip()


def _check_value(item: dict, value: Any, check: AnswerCheck, device_ids: set[str] | None) -> tuple[Any, bool]:
    """Normalise one answered value by the item's type; returns (value, flagged by the rules)."""
    key, kind = item["key"], item["type"]
    if kind == "pass_flag_fail":
        if value not in ("pass", "flag", "fail"):
            check.add(key, _("Choose pass, flag or fail."))
            return value, False
        return value, value != "pass"
    if kind == "yes_no":
        normal = {True: "yes", False: "no", "yes": "yes", "no": "no"}.get(value)
        if normal is None:
            check.add(key, _("Answer yes or no."))
            return value, False
        return normal, item.get("flag_on") == normal
    if kind == "number":
        number = _number(value)
        if number is None:
            check.add(key, _("Enter a number."))
            return value, False
        stored: Any = int(number) if number.is_integer() and abs(number) < 1e15 else number
        low, high = item.get("min"), item.get("max")
        out_of_range = (low is not None and number < low) or (high is not None and number > high)
        return stored, out_of_range
    if kind == "text":
        if not isinstance(value, str):
            check.add(key, _("Enter text."))
            return value, False
        if len(value) > 2000:
            check.add(key, _("At most 2000 characters."))
        return value.strip(), False
    if kind == "single_choice":
        options = {o["key"]: o for o in item.get("options", [])}
        if value not in options:
            check.add(key, _("Choose one of the options."))
            return value, False
        return value, bool(options[value].get("flag"))
    if kind == "photo":
        return None, False
    if kind == "software_upgrade":
        if not isinstance(value, list):
            check.add(key, _("List the devices upgraded (an empty list when none needed it)."))
            return value, False
        try:
            entries = _upgrade_schema.load(value)
        except ValidationError as err:
            for message in message_lines(flatten_messages(err.messages)):
                check.add(key, message)
            return value, False
        seen: set[str] = set()
        for entry in entries:
            if device_ids is not None and entry["device_id"] not in device_ids:
                check.add(key, _("A device in the upgrade list is not one of this customer's devices."))
            if entry["device_id"] in seen:
                check.add(key, _("A device appears twice in the upgrade list."))
            seen.add(entry["device_id"])
            entry["to_version"] = entry["to_version"].strip()
        return entries, False
    check.add(key, _("Unknown item type."))
    return value, False


def check_answers(
    items: list[dict],
    raw_answers: Any,
    *,
    complete: bool,
    device_ids: set[str] | None = None,
) -> AnswerCheck:
    """Check answers against a template version's items.

    `complete=False` checks a draft: wrong values are errors, but missing answers, notes and
    photos are not yet. `complete=True` checks a sheet being submitted. `device_ids`, when
    given, are the devices a software upgrade may name.
    """
    check = AnswerCheck()
    if raw_answers is None:
        raw_answers = {}
    if not isinstance(raw_answers, dict):
        check.add("_", _("Answers must be an object keyed by item."))
        return check
    by_key = {item["key"]: item for item in items}
    for key in raw_answers:
        if key not in by_key:
            check.add(key, _("This is not an item of the checklist."))

    for item in items:
        key = item["key"]
        raw = raw_answers.get(key)
        if raw is None:
            raw = {}
        if not isinstance(raw, dict):
            check.add(key, _("An answer must be an object with a value."))
            continue
        try:
            answer = _answer_schema.load(raw)
        except ValidationError as err:
            for message in message_lines(flatten_messages(err.messages)):
                check.add(key, message)
            continue
        note = (answer.get("note") or "").strip()
        photos = answer["photo_ids"]
        linked = {"ticket_id": answer["ticket_id"]} if answer.get("ticket_id") else {}
        if answer["na"]:
            if not item.get("na_allowed"):
                check.add(key, _("This item cannot be marked not applicable."))
                continue
            check.answers[key] = {"value": None, "note": note, "photo_ids": photos, "flagged": False, "na": True,
                                  **linked}
            continue
        if _is_empty(item, answer["value"], photos):
            if complete and item.get("required"):
                check.add(key, _("This item is required."))
            if note or photos or answer["flagged"]:
                check.answers[key] = {"value": None, "note": note, "photo_ids": photos,
                                      "flagged": bool(answer["flagged"]), "na": False, **linked}
            if answer["flagged"]:
                check.flagged.append(key)
                if complete and not note:
                    check.add(key, _("A flagged item needs a note saying what was found."))
            continue
        value, by_rule = _check_value(item, answer["value"], check, device_ids)
        flagged = by_rule or bool(answer["flagged"])
        check.answers[key] = {"value": value, "note": note, "photo_ids": photos, "flagged": flagged, "na": False,
                              **linked}
        if flagged:
            check.flagged.append(key)
        if not complete:
            continue
        if flagged and not note:
            check.add(key, _("A flagged item needs a note saying what was found."))
        photo_rule = item.get("photo", "none")
        if not photos and (photo_rule == "required" or (photo_rule == "on_flag" and flagged)):
            check.add(key, _("This item needs a photo."))
    return check
