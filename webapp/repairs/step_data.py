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
        problems = parts_problems(data.get("parts", []))
        if problems:
            errors["parts"] = " ".join(problems)
    elif t == Event.REWORK_OPENED:
        if not text("reason"):
            errors["reason"] = _("Say why the repair is done again.")
        for name in ("responsible_user_id", "assign_to"):
            if data.get(name) not in (None, "") and as_int(data.get(name)) is None:
                errors[name] = _("Choose a person.")
    return errors


MAX_PARTS = 30
MAX_QTY = 10000
MAX_UNIT_COST = Decimal(10**7)
_COST = re.compile(r"^\d+(\.\d{1,2})?$")


def _line_values(line: dict) -> tuple[str, int | None, Decimal | None]:
    """A parts line's name, quantity and unit cost (None where one does not pass)."""
    name = str(line.get("name") or "").strip()[:100]
    qty = as_int(line.get("qty"))
    if qty is not None and not 1 <= qty <= MAX_QTY:
        qty = None
    raw = line.get("unit_cost", 0)
    cost = as_decimal(raw) if not isinstance(raw, str) or _COST.match(raw.strip()) else None
    if cost is not None and (cost < 0 or cost > MAX_UNIT_COST or cost != cost.quantize(Decimal("0.01"))):
        cost = None
    return name, qty, cost


def parts_problems(value: Any) -> list[str]:
    """What is wrong with the parts used on a repair form (`resolved` data `parts`:
    [{name, qty, unit_cost}]), one message per problem and line; empty when every line passes.
    static/js/parts-rules.js applies the same rule on the device (tests/e2e/parity/parts.json)."""
    if value in (None, ""):
        return []
    if not isinstance(value, list):
        return [_("The parts used must be a list of lines.")]
    if len(value) > MAX_PARTS:
        return [_("At most %(n)s lines of parts.", n=MAX_PARTS)]
    problems = []
    for n, line in enumerate(value, 1):
        if not isinstance(line, dict):
            problems.append(_("Part %(n)s: give its name, quantity and unit cost.", n=n))
            continue
        name, qty, cost = _line_values(line)
        if not name:
            problems.append(_("Part %(n)s: enter its name.", n=n))
        if qty is None:
            problems.append(_("Part %(n)s: the quantity is a whole number from 1 to %(max)s.", n=n, max=MAX_QTY))
        if cost is None:
            problems.append(_("Part %(n)s: the unit cost is an amount in yuan from 0 to %(max)s, with at most two decimals.",
                              n=n, max=MAX_UNIT_COST))
    return problems


def parts_of(value: Any) -> list[dict] | None:
    """The parts used on a repair form, normalised (cost as text with two decimals); None when
    any line does not pass (`parts_problems` says why)."""
    if parts_problems(value):
        return None
    out = []
    for line in value or []:
        name, qty, cost = _line_values(line)
        out.append({"name": name, "qty": qty, "unit_cost": f"{cost.quantize(Decimal('0.01'))}"})
    return out


def parts_bill(value: Any) -> dict | None:
    """The parts used as printed: each line with its amount, the total and the number of parts
    (`{"lines", "total", "count"}`, money as text with two decimals); None when there are none."""
    lines = parts_of(value)
    if not lines:
        return None
    out, total = [], Decimal("0.00")
    for line in lines:
        amount = Decimal(line["unit_cost"]) * line["qty"]
        total += amount
        out.append({**line, "amount": f"{amount:.2f}"})
    return {"lines": out, "total": f"{total:.2f}", "count": sum(line["qty"] for line in lines)}


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
