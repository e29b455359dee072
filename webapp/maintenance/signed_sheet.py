"""What the customer's signature on a patrol sheet covers, and what its arrival does to the sheet.

The signed content of an 'inspection' is the sheet's fields listed in
`static/js/signed-fields.json`, with the answers in the form the field app files them
(`cleanAnswers` in views-patrol.js): per answered item `na: true` or its `value` (a reading as
its decimal text, a software upgrade as its devices and new versions), and its `note`,
`photo_ids` and `ticket_id` when it has them. The server rebuilds that form from the stored
answers, so a signature over other content is refused (documents/signing.py).
"""
from __future__ import annotations

from typing import Any

from ..documents.signed_content import SignedDocument, register_content
from ..documents.signing import on_signature_arrived
from ..extensions import db
from .models import Inspection
from .services import apply_signature


def _reading(value: Any) -> Any:
    """A stored reading as the decimal text the device filed it as."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return value
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def signed_answers(items: list[dict], answers: dict) -> dict[str, dict]:
    """The answers as the device filed them (what the signature covers), from the stored ones."""
    out: dict[str, dict] = {}
    for item in items:
        answer = answers.get(item["key"]) or {}
        entry: dict[str, Any] = {}
        value = answer.get("value")
        if answer.get("na"):
            entry["na"] = True
        elif value not in (None, ""):
            if item.get("type") == "number":
                entry["value"] = _reading(value)
            elif item.get("type") == "software_upgrade":
                entry["value"] = [{"device_id": e.get("device_id"), "to_version": e.get("to_version")} for e in value]
            else:
                entry["value"] = value
        if (answer.get("note") or "").strip():
            entry["note"] = answer["note"].strip()
        if answer.get("photo_ids"):
            entry["photo_ids"] = list(answer["photo_ids"])
        if answer.get("ticket_id"):
            entry["ticket_id"] = answer["ticket_id"]
        if entry:
            out[item["key"]] = entry
    return out


def signed_sheet(sheet_id: str) -> SignedDocument | None:
    """A handed-in sheet's signed content as the server holds it (None for a draft or no sheet)."""
    sheet = db.session.get(Inspection, sheet_id)
    if sheet is None or sheet.state == "draft":
        return None
    return SignedDocument({
        "template_id": sheet.template_id, "customer_id": sheet.customer_id, "site_id": sheet.site_id,
        "cabinet_id": sheet.cabinet_id, "device_id": sheet.device_id, "visit_id": sheet.visit_id,
        "supersedes_id": sheet.supersedes_id, "customer_opinion": sheet.customer_opinion or "",
        "answers": signed_answers(sheet.template.items, sheet.answers or {}),
    })


def register_signing() -> None:
    """A signature on a sheet records its signer on it, over this content (called by the app factory)."""
    on_signature_arrived[Inspection.SYNC_KIND] = apply_signature
    register_content(Inspection.SYNC_KIND, signed_sheet)
