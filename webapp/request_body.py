"""Request bodies taken in defensively: a size cap per route, JSON read in one careful way.

Every route has a byte cap (REQUEST_MAX_BYTES unless its view names another with
`@body_limit`). Werkzeug enforces it on the input stream itself: a Content-Length over the cap
is refused before a byte is read, and a chunked body is cut off the moment it passes the cap.
Either way the answer is 413 in the one error shape. `json_object()` is how a view reads JSON:
anything that is not a JSON object, not UTF-8, or nested deeper than its limit is a 400 with a
code, never a 500.
"""
from __future__ import annotations

import json
import re
import sys
from contextlib import contextmanager
from itertools import accumulate
from typing import Any, Callable, Iterator

from flask import Flask, Request, current_app, has_request_context, request
from flask_babel import gettext as _
from werkzeug.exceptions import RequestEntityTooLarge

from .errors import DomainError, error_response

LIMIT_ATTR = "_request_body_limit"
# Strings are blanked before brackets are counted, so "[[[" inside a string is not nesting.
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}
# A lone surrogate (an unpaired \ud800 escape) or NUL cannot be stored as text (PostgreSQL,
# UTF-8 encoders); `strict_text` views refuse them whole.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class InvalidJSON(DomainError):
    """The body is not the JSON this route takes."""

    code = "invalid_json"
    status = 400


def body_limit(limit: int | str, code: str = "request_too_large") -> Callable:
    """Decorator: cap this view's request body at `limit` bytes (or the config key `limit` names)."""

    def decorator(view: Callable) -> Callable:
        """Mark one view (decorators that use functools.wraps carry the mark outwards)."""
        setattr(view, LIMIT_ATTR, (limit, code))
        return view

    return decorator


def _route_limit() -> tuple[int | None, str]:
    """The byte cap and 413 code of the route this request was matched to."""
    app = current_app
    limit: int | str | None = app.config.get("REQUEST_MAX_BYTES")
    code = "request_too_large"
    view = app.view_functions.get(request.endpoint or "") if has_request_context() else None
    if view is not None and hasattr(view, LIMIT_ATTR):
        limit, code = getattr(view, LIMIT_ATTR)
    if isinstance(limit, str):
        limit = app.config.get(limit)
    return (int(limit) if limit is not None else None), code


class CappedRequest(Request):
    """A request whose body cap is the matched route's (Flask reads max_content_length per request)."""

    @property
    def max_content_length(self) -> int | None:  # type: ignore[override]
        """The matched route's cap; werkzeug applies it to Content-Length and to the stream."""
        return _route_limit()[0]


def register(app: Flask) -> None:
    """Use CappedRequest and answer 413 in the error shape."""
    app.request_class = CappedRequest

    @app.errorhandler(RequestEntityTooLarge)
    def _too_large(err: RequestEntityTooLarge):
        """413 with the limit that was passed."""
        limit, code = _route_limit()
        return error_response(
            413, code, _("The request is larger than %(limit)s bytes.", limit=limit),
            details={"max_bytes": limit},
        )


def json_depth(text: str) -> int:
    """How deeply arrays and objects nest in a JSON text (0 for a scalar), without parsing it."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub('""', text))
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0)


@contextmanager
def _recursion_room(depth: int) -> Iterator[None]:
    """Let the JSON decoder (recursive, counted against the recursion limit) go `depth` levels down."""
    old = sys.getrecursionlimit()
    needed = depth + 200 + len(_frames())
    if needed > old:
        sys.setrecursionlimit(needed)
    try:
        yield
    finally:
        if needed > old:
            sys.setrecursionlimit(old)


def _frames() -> list:
    """The frames on the current stack."""
    frames, frame = [], sys._getframe()
    while frame is not None:
        frames.append(frame)
        frame = frame.f_back
    return frames


def has_unstorable_text(value: Any) -> bool:
    """True when any key or string inside a parsed JSON value holds NUL or a lone surrogate."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if _UNSTORABLE.search(item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def _no_constant(name: str) -> None:
    """NaN and Infinity are not JSON (Python's parser takes them unless told not to)."""
    raise ValueError(f"{name} is not valid JSON")


def json_object(max_depth: int | None = None, strict_text: bool = True) -> dict[str, Any]:
    """The request's body as a JSON object, or InvalidJSON (400) saying what is wrong with it.

    `max_depth` defaults to JSON_MAX_DEPTH; `strict_text` also refuses NUL and lone surrogates
    anywhere in the body (views whose content is checked value by value, like push, turn it off).
    """
    if max_depth is None:
        max_depth = int(current_app.config.get("JSON_MAX_DEPTH", 32))
    if not request.is_json:
        raise InvalidJSON(_("Send the body as JSON (Content-Type: application/json)."), code="invalid_json")
    raw = request.get_data(cache=True)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise InvalidJSON(_("The body is not valid UTF-8."), code="invalid_json",
                          details={"position": err.start}) from err
    depth = json_depth(text)
    if depth > max_depth:
        raise InvalidJSON(_("The JSON is nested too deeply (at most %(n)s levels).", n=max_depth),
                          code="json_too_deep", details={"max_depth": max_depth})
    try:
        with _recursion_room(depth):
            body = json.loads(text, parse_constant=_no_constant)
    except RecursionError as err:
        raise InvalidJSON(_("The JSON is nested too deeply (at most %(n)s levels).", n=max_depth),
                          code="json_too_deep", details={"max_depth": max_depth}) from err
    except ValueError as err:
        raise InvalidJSON(_("The body is not valid JSON."), code="invalid_json",
                          details={"position": getattr(err, "pos", None)}) from err
    if not isinstance(body, dict):
        raise InvalidJSON(_("Send a JSON object."), code="json_not_object")
    if strict_text and has_unstorable_text(body):
        raise InvalidJSON(_("Text may not contain NUL characters or unpaired surrogates."), code="invalid_text")
    return body
