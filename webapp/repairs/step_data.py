"""What each kind of repair step carries in its `data`, and the small parsers for JSON values.

`validate_data` answers with field errors, never raises: lifecycle.check_event turns them into
one refusal. The parsers accept what a form or a device sends (a number or its digits).
"""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _

from .vocabulary import CLASSIFICATIONS, DECIDED_WITH, FOLLOW_UP_RESULTS, Event

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def validate_data(event_type: str, data: Any) -> dict[str, str]:
    """Field errors in an event's data (empty when it is fine)."""
    if not isinstance(data, dict):
        return {"data": _("The details must be an object.")}
    errors: dict[str, str] = {}
    t = event_type

    def text(name: str) -> str:
        value = data.get(name)
        return value.strip() if isinstance(value, str) else ""

    if t == Event.ASSIGNED:
        if as_int(data.get("user_id")) is None:
            errors["user_id"] = _("Choose the technician.")
    elif t == Event.CLASSIFIED:
        if data.get("classification") not in CLASSIFICATIONS:
            errors["classification"] = _("Choose the kind of fault.")
    elif t == Event.ESCALATION_DECISION:
        if data.get("decided_with") not in DECIDED_WITH:
            errors["decided_with"] = _("Say whether the solution was found with colleagues or a vendor.")
        elif data.get("decided_with") == "vendor" and not text("vendor_name"):
            errors["vendor_name"] = _("Name the vendor.")
        if not text("solution"):
            errors["solution"] = _("Describe the solution.")
    elif t == Event.QUOTE_RECORDED:
        amount = as_decimal(data.get("amount"))
        if amount is None or amount < 0:
            errors["amount"] = _("Enter the quoted amount.")
        items = data.get("items", [])
        if not isinstance(items, list) or any(not isinstance(i, dict) or not str(i.get("name", "")).strip() for i in items):
            errors["items"] = _("Each quote item needs a name.")
    elif t == Event.QUOTE_APPROVED:
        if not is_sha256(data.get("signature")):
            if not text("approver_name"):
                errors["approver_name"] = _("Capture the customer's signature, or name who approved.")
            if as_date(data.get("approved_on")) is None:
                errors["approved_on"] = _("Give the date of the approval.")
    elif t == Event.QUOTE_DECLINED:
        if not is_sha256(data.get("signature")) and not text("approver_name"):
            errors["approver_name"] = _("Capture the customer's signature, or name who declined.")
    elif t == Event.CUSTOMER_SIGNED:
        if not is_sha256(data.get("signature")) and not text("signer_name"):
            errors["signature"] = _("The customer's signature is missing.")
    elif t == Event.FOLLOW_UP_RECORDED:
        if data.get("result") not in FOLLOW_UP_RESULTS:
            errors["result"] = _("Say whether the customer was satisfied.")
        elif data.get("result") == "not_satisfied" and not text("reason"):
            errors["reason"] = _("Say why the customer was not satisfied.")
    elif t == Event.RESOLVED:
        if parts_of(data.get("parts", [])) is None:
            errors["parts"] = _("Each part used needs a name, a quantity of at least 1 and a unit cost of 0 or more.")
    elif t == Event.REWORK_OPENED:
        if not text("reason"):
            errors["reason"] = _("Say why the repair is done again.")
        for name in ("responsible_user_id", "assign_to"):
            if data.get(name) not in (None, "") and as_int(data.get(name)) is None:
                errors[name] = _("Choose a person.")
    return errors


MAX_PARTS = 30


def parts_of(value: Any) -> list[dict] | None:
    """The parts used on a repair form (`resolved` data `parts`: [{name, qty, unit_cost}]),
    normalised (cost as text with two decimals); None when any line does not pass."""
    if value in (None, ""):
        return []
    if not isinstance(value, list) or len(value) > MAX_PARTS:
        return None
    out = []
    for line in value:
        if not isinstance(line, dict):
            return None
        name = str(line.get("name") or "").strip()[:100]
        qty = as_int(line.get("qty"))
        cost = as_decimal(line.get("unit_cost", 0))
        if not name or qty is None or qty < 1 or qty > 10000 or cost is None or cost < 0 or cost > 10**7:
            return None
        out.append({"name": name, "qty": qty, "unit_cost": f"{cost.quantize(Decimal('0.01'))}"})
    return out


def as_int(value: Any) -> int | None:
    """An integer id from JSON (number or digits), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def as_decimal(value: Any) -> Decimal | None:
    """A money amount from JSON (number or text), else None."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return amount if amount.is_finite() else None


def as_date(value: Any) -> date | None:
    """An ISO date from JSON, else None."""
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def is_sha256(value: Any) -> bool:
    """True for a blob reference: 64 lower-case hex digits."""
    return isinstance(value, str) and bool(_SHA256.match(value))
