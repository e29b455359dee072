"""What the customer's signature on a patrol sheet covers, and what its arrival does to the sheet.

The signed content of an 'inspection' is the sheet's fields listed in
`static/js/signed-fields.json`, with the answers as the server stores them
(`validation.check_answers`: {value, note, photo_ids, flagged, na[, ticket_id]} per item) and a
non-integer reading as its text; the device builds the same content (`signedSheetData` in
static/js/patrol-rules.js), so a signature over other content is refused (documents/signing.py).
"""
from __future__ import annotations

from ..documents.signed_content import SignedDocument, register_content
from ..documents.signing import on_signature_arrived
from ..extensions import db
from .models import Inspection
from .services import apply_signature


def signed_sheet(sheet_id: str) -> SignedDocument | None:
    """A handed-in sheet's signed content as the server holds it (None for a draft or no sheet)."""
    sheet = db.session.get(Inspection, sheet_id)
    if sheet is None or sheet.state == "draft":
        return None
    return SignedDocument({
        "template_id": sheet.template_id, "customer_id": sheet.customer_id, "site_id": sheet.site_id,
        "cabinet_id": sheet.cabinet_id, "device_id": sheet.device_id, "visit_id": sheet.visit_id,
        "supersedes_id": sheet.supersedes_id, "customer_opinion": sheet.customer_opinion or "",
        "answers": sheet.answers or {},
    })


def register_signing() -> None:
    """A signature on a sheet records its signer on it, over this content (called by the app factory)."""
    on_signature_arrived[Inspection.SYNC_KIND] = apply_signature
    register_content(Inspection.SYNC_KIND, signed_sheet)
