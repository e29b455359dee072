"""What a signature covers, and the server's own computation of its hash.

A signature names `content_sha256`: the SHA-256 of the canonical JSON
`{"kind": document_kind, "id": document_id, "data": content}` (static/js/documents.js,
`signedContent`), where `content` is the document's signed fields that have a value (not null).
The signed fields of each kind are listed once, in `static/js/signed-fields.json`, which the
device's `documents.js` imports and this module loads.

The server recomputes the hash from what it holds. For most kinds that is the record's own
columns; a feature whose signed content lives elsewhere (a patrol sheet's answers in the form
the device filled them, a repair form in its `resolved` and `customer_signed` steps) registers a
reader (`register_content`). A reader returns None while the content is not all there yet (a
signature may arrive before the step it signs): the check then happens when the content
arrives (`signing.check_signed_content`).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable

from ..extensions import db
from .canonical import canonical_json, sha256_hex

TABLE = Path(__file__).resolve().parents[2] / "static" / "js" / "signed-fields.json"
SIGNED_FIELDS: dict[str, list[str]] = json.loads(TABLE.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class SignedDocument:
    """A document's signed content as the server holds it, and the signature image it names (if any)."""

    data: dict[str, Any]
    image_sha256: str | None = None


ContentReader = Callable[[str], "SignedDocument | None"]
_readers: dict[str, ContentReader] = {}


def register_content(document_kind: str, reader: ContentReader) -> None:
    """Register how the server reads the signed content of a kind's document (again: replaces)."""
    _readers[document_kind] = reader


def model_for_kind(kind: str) -> type | None:
    """The model whose SYNC_KIND is `kind`, or None."""
    for mapper in db.Model.registry.mappers:
        cls = mapper.class_
        if getattr(cls, "SYNC_KIND", None) == kind:
            return cls
    return None


def json_value(value: Any) -> Any:
    """A value as the device holds it in JSON: days and times as ISO text, fractions as text."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, float):
        return int(value) if value.is_integer() else repr(value)
    if isinstance(value, dict):
        return {k: json_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_value(v) for v in value]
    return value


def document_content(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    """A document's signed content: its signed fields that have a value (documents.js `documentContent`)."""
    fields = SIGNED_FIELDS.get(kind) or list(data)
    return {key: data[key] for key in fields if data.get(key) is not None}


def content_sha256(kind: str, document_id: str, data: dict[str, Any]) -> str:
    """The SHA-256 a signature on this document with this content must name."""
    return sha256_hex({"kind": kind, "id": document_id, "data": json_value(document_content(kind, data))})


def signed_text(kind: str, document_id: str, data: dict[str, Any]) -> str:
    """The exact text the hash covers (for messages and tests)."""
    return canonical_json({"kind": kind, "id": document_id, "data": json_value(document_content(kind, data))})


def _columns(kind: str, document_id: str) -> SignedDocument | None:
    """The signed content of a document whose signed fields are its own columns."""
    model = model_for_kind(kind)
    record = db.session.get(model, document_id) if model is not None else None
    if record is None:
        return None
    return SignedDocument({key: getattr(record, key, None) for key in SIGNED_FIELDS[kind]})


def current_content(kind: str, document_id: str) -> SignedDocument | None:
    """What the server holds of a document's signed content; None when it cannot tell yet.

    Kinds missing from the table are not checked (the device signs none of them today).
    """
    if kind not in SIGNED_FIELDS:
        return None
    reader = _readers.get(kind)
    return reader(document_id) if reader is not None else _columns(kind, document_id)


def signed_content_sha256(kind: str, document_id: str) -> str | None:
    """The hash the server computes for a document as it holds it now (None: not known yet)."""
    content = current_content(kind, document_id)
    return content_sha256(kind, document_id, content.data) if content is not None else None
