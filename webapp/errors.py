"""One error shape: JSON under /api, HTML pages for people."""
from __future__ import annotations

from typing import Any

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException


class DomainError(Exception):
    """A rule of the department was broken; the message is shown to the person."""

    code = "domain_error"
    status = 400

    def __init__(self, message: str, code: str | None = None, details: dict | None = None):
        """Keep a human message, a machine code and optional field details."""
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.details = details or {}


class NotFound(DomainError):
    """The record does not exist or is not visible to this user."""

    code = "not_found"
    status = 404


class Forbidden(DomainError):
    """The user's role does not allow this."""

    code = "forbidden"
    status = 403


def wants_json() -> bool:
    """True for API calls, which get JSON errors."""
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def error_response(status: int, code: str, message: str, details: dict | None = None) -> Any:
    """Build the one error body `{"error": {"code", "message", "details"}}` or an HTML page."""
    if wants_json():
        body = {"error": {"code": code, "message": message, "details": details or {}}}
        return jsonify(body), status
    return render_template("error.html", status=status, message=message), status


def register(app: Flask) -> None:
    """Attach the error handlers."""

    @app.errorhandler(DomainError)
    def _domain(err: DomainError):
        return error_response(err.status, err.code, err.message, err.details)

    @app.errorhandler(CSRFError)
    def _csrf(err: CSRFError):
        return error_response(400, "csrf_failed", _("The form expired or was not sent from this site. Please reload and try again."))

    @app.errorhandler(HTTPException)
    def _http(err: HTTPException):
        code = (err.name or "error").lower().replace(" ", "_")
        messages = {
            401: _("Please sign in."),
            403: _("You are not allowed to do that."),
            404: _("Not found."),
            405: _("That method is not allowed here."),
            410: _("This is gone."),
            413: _("That is too large."),
            429: _("Too many attempts. Please wait a little and try again."),
        }
        response = error_response(err.code or 500, code, messages.get(err.code or 500, err.description or ""))
        if err.code == 405 and getattr(err, "valid_methods", None):
            # RFC 9110: a 405 lists the methods the resource does take.
            body, status = response
            return body, status, {"Allow": ", ".join(err.valid_methods)}
        return response
