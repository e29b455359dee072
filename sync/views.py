"""The sync API of shared/SYNC.md: push, pull, blobs, status. Thin: parse, call, dump."""
from __future__ import annotations

import gzip
from functools import wraps
from typing import Callable

import click
from flask import Blueprint, Response, current_app, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate
from sqlalchemy import func, select

from webapp.clock import utcnow
from webapp.documents.models import Blob
from webapp.documents.storage import is_sha256
from webapp.errors import DomainError, error_response, flatten_messages
from webapp.extensions import csrf, db
from webapp.request_body import body_limit, json_object

from . import blobs as blob_service
from .models import AppliedMutation, Conflict, RejectedMutation, SyncClient, TOMBSTONE_HORIZON, get_setting
from .pull import counter_value, pull, purge_tombstones
from .push import ensure_client, push
from .registry import all_kinds, iso_datetime
from .screen import BIGINT_MAX, BatchEntrySchema

bp = Blueprint("sync", __name__, url_prefix="/api/sync")
# CSRF is checked inside each write view, after the sign-in check, so that an expired
# session answers 401 (pause and sign in again) rather than a CSRF error.
csrf.exempt(bp)

# The id each installed app makes for itself (crypto.randomUUID()); the OpenAPI document
# publishes the same pattern.
CLIENT_ID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
PULL_MAX_LIMIT = 2000  # changes per pull page, at most
CLIENT_ID = validate.Regexp(CLIENT_ID_PATTERN.replace("$", r"\Z"), error="A client id is a UUID.")


class PushRequestSchema(Schema):
    """The body of POST /api/sync/push."""

    class Meta:
        unknown = EXCLUDE

    client_id = fields.String(required=True, validate=CLIENT_ID)
    mutations = fields.List(fields.Nested(BatchEntrySchema), required=True)


class PullQuerySchema(Schema):
    """The query of GET /api/sync/pull (client_id is read with the X-Client-Id header)."""

    class Meta:
        unknown = EXCLUDE

    cursor = fields.Integer(load_default=0, validate=validate.Range(min=0, max=BIGINT_MAX))
    limit = fields.Integer(validate=validate.Range(min=1, max=PULL_MAX_LIMIT))
    snapshot = fields.Integer(load_default=None, validate=validate.Range(min=0, max=BIGINT_MAX))


def sync_api(write: bool = False) -> Callable:
    """Decorator: 401 JSON when not signed in, then (for writes) the CSRF check."""

    def decorator(view: Callable) -> Callable:
        """Wrap one view."""

        @wraps(view)
        def wrapped(*args, **kwargs):
            """Sign-in first, CSRF second, then the view."""
            if not current_user.is_authenticated:
                return error_response(401, "unauthorized", _("Please sign in."))
            if write and current_app.config.get("WTF_CSRF_ENABLED", True):
                csrf.protect()
            return view(*args, **kwargs)

        return wrapped

    return decorator


def _client_id_from_request() -> str | None:
    """The device id of a read request: ?client_id= or the X-Client-Id header."""
    value = request.args["client_id"] if "client_id" in request.args else request.headers.get("X-Client-Id")
    if value is None:
        return None
    try:
        CLIENT_ID(value)
    except ValidationError as err:
        raise DomainError(_("Invalid client id."), code="invalid_request", errors={"client_id": err.messages}) from err
    return value


def _json(body: dict, status: int = 200) -> Response:
    """A JSON response, gzipped when the client accepts it and it is worth it."""
    response = jsonify(body)
    response.status_code = status
    if "gzip" in (request.headers.get("Accept-Encoding") or "") and response.content_length and response.content_length > 1024:
        response.set_data(gzip.compress(response.get_data(), compresslevel=6))
        response.headers["Content-Encoding"] = "gzip"
        response.headers["Vary"] = "Accept-Encoding"
    return response


@bp.route("/push", methods=["POST"])
@body_limit("SYNC_PUSH_MAX_BYTES")
@sync_api(write=True)
def push_view():
    """Apply a batch of mutations exactly once each (SYNC.md: Push)."""
    # NUL, lone surrogates and deep nesting inside one mutation are that mutation's rejection
    # (SYNC.md), so the body-wide check is only for what cannot be a batch at all.
    body = json_object(max_depth=int(current_app.config["SYNC_PUSH_MAX_DEPTH"]), strict_text=False)
    try:
        payload = PushRequestSchema().load(body)
    except ValidationError as err:
        return error_response(400, "invalid_request", _("The push request is malformed."), errors=flatten_messages(err.messages))
    limit = int(current_app.config.get("SYNC_MAX_BATCH", 500))
    if len(payload["mutations"]) > limit:
        return error_response(400, "batch_too_large", _("Send at most %(n)s mutations at once.", n=limit), {"max": limit})
    result = push(current_user._get_current_object(), payload["client_id"], payload["mutations"],
                  request.headers.get("User-Agent", ""))
    return _json(result)


@bp.route("/pull", methods=["GET"])
@sync_api()
def pull_view():
    """One page of the changes the user may see after a cursor (SYNC.md: Pull)."""
    try:
        payload = PullQuerySchema().load(request.args)
    except ValidationError as err:
        return error_response(400, "invalid_request", _("The pull request is malformed."), errors=flatten_messages(err.messages))
    cursor = payload["cursor"]
    limit = payload.get("limit", int(current_app.config.get("SYNC_PULL_LIMIT", 500)))
    user = current_user._get_current_object()
    client_id = _client_id_from_request()
    client = ensure_client(user, client_id, request.headers.get("User-Agent", "")) if client_id else None
    return _json(pull(user, cursor, limit, client, snapshot=payload["snapshot"]))


@bp.route("/blobs/<sha256>", methods=["HEAD"])
@sync_api()
def blob_head(sha256: str):
    """200 when the server has the blob, 404 when it should be uploaded."""
    if not is_sha256(sha256) or db.session.get(Blob, sha256) is None:
        return Response(status=404)
    return Response(status=200)


@bp.route("/blobs/<sha256>", methods=["PUT"])
@body_limit("BLOB_MAX_BYTES", code="blob_too_large")
@sync_api(write=True)
def blob_put(sha256: str):
    """Upload an image named by its SHA-256 (SYNC.md: Blobs)."""
    if not is_sha256(sha256):
        return error_response(400, "invalid_sha256", _("Name the blob by the lowercase SHA-256 hex of its bytes."))
    stored = blob_service.receive_blob(sha256, request.stream, request.content_length, current_user._get_current_object())
    body = {**blob_service.blob_info(stored.blob), "created": stored.created, "completed": stored.completed}
    return jsonify(body), 201 if stored.created else 200


@bp.route("/blobs/<sha256>", methods=["GET"])
@sync_api()
def blob_get(sha256: str):
    """The stored (metadata-free) image, for thumbnails on other devices and the office."""
    blob = db.session.get(Blob, sha256) if is_sha256(sha256) else None
    if blob is None or not blob_service.may_read_blob(blob, current_user):
        return error_response(404, "not_found", _("Not found."))
    data = blob_service.read_blob(blob)
    if data is None:
        return error_response(404, "not_found", _("Not found."))
    response = Response(data, mimetype=blob.mime)
    response.headers["ETag"] = f'"{blob.stored_sha256}"'
    response.headers["Cache-Control"] = "private, max-age=31536000, immutable"
    return response


@bp.route("/status", methods=["GET"])
@sync_api()
def status_view():
    """Server time, the user's devices and counts of what waits for review."""
    user = current_user._get_current_object()
    clients = db.session.scalars(
        select(SyncClient).where(SyncClient.user_id == user.id).order_by(SyncClient.created_at)
    ).all()
    incomplete = 0
    for kind in all_kinds():
        if kind.blobs and hasattr(kind.model, "author_id"):
            incomplete += db.session.scalar(
                select(func.count()).select_from(kind.model).where(
                    kind.model.complete.is_(False), kind.model.author_id == user.id
                )
            ) or 0
    body = {
        "server_time": iso_datetime(_now()),
        "latest_change_seq": counter_value(),
        "tombstone_horizon": get_setting(TOMBSTONE_HORIZON),
        "clients": [
            {
                "client_id": c.client_id,
                "last_seq": c.last_seq,
                "last_push_at": iso_datetime(c.last_push_at) if c.last_push_at else None,
                "last_pull_at": iso_datetime(c.last_pull_at) if c.last_pull_at else None,
            }
            for c in clients
        ],
        "counts": {
            "applied": db.session.scalar(
                select(func.count()).select_from(AppliedMutation).where(AppliedMutation.user_id == user.id)
            ) or 0,
            "open_conflicts": db.session.scalar(
                select(func.count()).select_from(Conflict).where(Conflict.user_id == user.id, Conflict.state == "open")
            ) or 0,
            "unhandled_rejections": db.session.scalar(
                select(func.count()).select_from(RejectedMutation).where(
                    RejectedMutation.user_id == user.id, RejectedMutation.handled_at.is_(None)
                )
            ) or 0,
            "incomplete": incomplete,
        },
        "kinds": [k.name for k in all_kinds()],
    }
    db.session.rollback()
    return jsonify(body)


def _now():
    """The server's clock."""
    return utcnow()


@bp.cli.command("purge-tombstones")
@click.option("--days", type=int, default=None, help="Keep tombstones younger than this (default SYNC_TOMBSTONE_DAYS or 180).")
def purge_tombstones_command(days: int | None) -> None:
    """Delete tombstones older than --days and raise the tombstone horizon (older cursors get 410)."""
    days = days if days is not None else int(current_app.config.get("SYNC_TOMBSTONE_DAYS", 180))
    result = purge_tombstones(days)
    click.echo(
        f"Purged {result['purged']} tombstones older than {days} days "
        f"({result['skipped']} still referenced, kept). Cursors below {result['horizon']} now get 410."
    )
