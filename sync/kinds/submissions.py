"""Field submissions the app writes today: diary entries, signatures and photos (append-only)."""
from __future__ import annotations

from datetime import timedelta

from marshmallow import fields, validate

from webapp.clock import utcnow
from webapp.documents import signing
from webapp.documents.models import Photo, Signature
from webapp.maintenance import diary
from webapp.maintenance.diary import DiaryEntry

from ..registry import SUBMISSION, SyncContext, register_kind

SUBMISSION_DAYS = 366
SHA256 = validate.Regexp(r"^[0-9a-f]{64}$", error="Not a lowercase SHA-256 hex digest.")


def last_year(model):
    """A technician's devices keep the last year of submissions (by server arrival time)."""

    def relevant(user) -> list:
        """Submissions that arrived in the last year."""
        return [model.created_at >= utcnow() - timedelta(days=SUBMISSION_DAYS)]

    relevant.__doc__ = f"{model.__name__} rows that arrived in the last year."
    return relevant


def create_diary_entry(ctx: SyncContext, record_id: str, data: dict) -> DiaryEntry:
    """A diary entry by the pushing technician."""
    return diary.create_diary_entry(ctx.user, data, record_id)


def create_signature(ctx: SyncContext, record_id: str, data: dict) -> Signature:
    """A signature on a document; locks the document."""
    return signing.create_signature(ctx.user, data, record_id)


def create_photo(ctx: SyncContext, record_id: str, data: dict) -> Photo:
    """A photo attached to a document that is not signed yet."""
    return signing.create_photo(ctx.user, data, record_id)


register_kind(
    "diary_entry",
    DiaryEntry,
    record_type=SUBMISSION,
    create=create_diary_entry,
    read_only=("author_id",),
    relevant=last_year(DiaryEntry),
    extra_fields={"text": fields.String(required=True, validate=validate.Length(min=1, max=diary.MAX_TEXT))},
)
register_kind(
    "signature",
    Signature,
    record_type=SUBMISSION,
    create=create_signature,
    read_only=("customer_id", "author_id"),
    blobs={"image": "image_sha256"},
    relevant=last_year(Signature),
    extra_fields={"content_sha256": fields.String(required=True, validate=SHA256)},
)
register_kind(
    "photo",
    Photo,
    record_type=SUBMISSION,
    create=create_photo,
    read_only=("customer_id", "author_id"),
    blobs={"image": "image_sha256"},
    relevant=last_year(Photo),
)
