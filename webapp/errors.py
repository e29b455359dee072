"""One error shape: JSON under /api, HTML pages for people.

The body is `{"error": {"code", "message", "errors", "details"}}` (shared/SYNC.md): `errors`
holds messages per field (`{"field": ["message"]}`, nested fields as dotted paths such as
`items.0.max`; empty when none), `details` holds facts about the error (ids, limits, the state
a record is in). Every code is listed, with its status and the shape of its details, in
`webapp/error_codes.py`.
"""
from __future__ import annotations

from typing import Any, Mapping

from flask import Flask, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, DBAPIError, InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

from .error_codes import http_code
from .extensions import db

FieldErrors = dict[str, list[str]]


class DomainError(Exception):
    """A rule of the department was broken; the message is shown to the person."""

    code = "domain_error"
    status = 400

    def __init__(self, message: str, code: str | None = None, *,
                 errors: Mapping[str, list] | None = None, details: dict | None = None):
        """Keep a human message, a machine code, per-field messages and facts about the error."""
        super().__init__(message)
        self.message = str(message)
        if code:
            self.code = code
        self.errors = field_errors(errors)
        self.details = dict(details or {})


class NotFound(DomainError):
    """The record does not exist or is not visible to this user."""

    code = "not_found"
    status = 404


class Forbidden(DomainError):
    """The user's role does not allow this."""

    code = "forbidden"
    status = 403


def field_errors(errors: Mapping[str, list] | None) -> FieldErrors:
    """`{field: [message]}` with plain strings; a value that is not a list is a programming error."""
    out: FieldErrors = {}
    for name, messages in (errors or {}).items():
        if not isinstance(messages, (list, tuple)):
            raise TypeError(f"errors[{name!r}] must be a list of messages, not {type(messages).__name__}")
        out[str(name)] = [str(m) for m in messages]
    return out


def flatten_messages(messages: Any, prefix: str = "") -> FieldErrors:
    """Marshmallow's nested messages as `{dotted.path: [message]}` with plain strings.

    A message not under any field (a bare list or string, or marshmallow's `_schema`) is kept
    under `_schema`.
    """
    out: FieldErrors = {}
    if isinstance(messages, Mapping):
        for name, value in messages.items():
            key = str(name) if not prefix else (prefix if str(name) == "_schema" else f"{prefix}.{name}")
            for path, found in flatten_messages(value, key).items():
                out.setdefault(path, []).extend(found)
        return out
    if isinstance(messages, (list, tuple)):
        for value in messages:
            for path, found in flatten_messages(value, prefix).items():
                out.setdefault(path, []).extend(found)
        return out
    out[prefix or "_schema"] = [str(messages)]
    return out


def message_lines(errors: Mapping[str, list[str]]) -> list[str]:
    """Field messages as lines `field: message` (a `_schema` message stands alone)."""
    return [m if name == "_schema" else f"{name}: {m}" for name, found in errors.items() for m in found]


def wants_json() -> bool:
    """True for API calls, which get JSON errors."""
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def error_body(code: str, message: str, errors: Mapping[str, list] | None = None,
               details: dict | None = None) -> dict:
    """The one error body."""
    return {"error": {"code": code, "message": str(message), "errors": field_errors(errors),
                      "details": dict(details or {})}}


def error_response(status: int, code: str, message: str, details: dict | None = None,
                   errors: Mapping[str, list] | None = None) -> Any:
    """Build the one error body `{"error": {"code", "message", "errors", "details"}}` or an HTML page."""
    if wants_json():
        return jsonify(error_body(code, message, errors, details)), status
    return render_template("error.html", status=status, message=message,
                           messages=message_lines(field_errors(errors))), status


def database_down(err: Exception) -> bool:
    """True when the database cannot be reached or is too busy, as opposed to refusing a value.

    PostgreSQL says which by its SQLSTATE class: 08 connection, 53 resources, 57 operator
    intervention (shutdown), 58 system error, 40 a deadlock or serialization failure (busy).
    SQLite's operational errors (locked, disk I/O, cannot open) all mean the file is unwell.
    """
    if isinstance(err, DBAPIError) and err.connection_invalidated:
        return True
    if isinstance(err, InterfaceError):
        return True
    if not isinstance(err, OperationalError):
        return False
    sqlstate = getattr(err.orig, "sqlstate", None)
    return sqlstate is None or sqlstate[:2] in ("08", "40", "53", "57", "58")


def register(app: Flask) -> None:
    """Attach the error handlers."""

    @app.errorhandler(DomainError)
    def _domain(err: DomainError):
        return error_response(err.status, err.code, err.message, err.details, err.errors)

    @app.errorhandler(CSRFError)
    def _csrf(err: CSRFError):
        return error_response(400, "csrf_failed", _("The form expired or was not sent from this site. Please reload and try again."))

    @app.errorhandler(UnicodeError)
    @app.errorhandler(DataError)
    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def _database(err: Exception):
        try:
            db.session.rollback()
        except Exception:  # noqa: BLE001 - a connection that is gone may fail to roll back too
            current_app.logger.warning("rollback after a database error failed too")
        if database_down(err):
            current_app.logger.error("database unavailable: %s", str(err)[:300])
            return error_response(503, "database_unavailable",
                                  _("The server cannot reach its database. Try again shortly."))
        # A lone surrogate cannot be encoded for the database, PostgreSQL refuses a NUL in text,
        # a value can be too large for its column or index: the content is at fault, not the server.
        current_app.logger.warning("refused a value: %s", str(err)[:300])
        return error_response(400, "unstorable_value", _("Some of the data cannot be stored (odd characters or too long)."),
                              {"reason": type(err).__name__})

    @app.errorhandler(HTTPException)
    def _http(err: HTTPException):
        status = err.code or 500
        messages = {
            401: _("Please sign in."),
            403: _("You are not allowed to do that."),
            404: _("Not found."),
            405: _("That method is not allowed here."),
            410: _("This is gone."),
            413: _("That is too large."),
            429: _("Too many attempts. Please wait a little and try again."),
        }
        response = error_response(status, http_code(status), messages.get(status, err.description or ""))
        if status == 405 and getattr(err, "valid_methods", None):
            # RFC 9110: a 405 lists the methods the resource does take.
            body, status = response
            return body, status, {"Allow": ", ".join(err.valid_methods)}
        return response
