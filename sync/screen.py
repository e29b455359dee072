"""Screening one pushed mutation before anything touches it, and keeping odd content storable.

SYNC.md: no mutation may answer a 5xx. Content that a database, an encoder or a recursive
function cannot take (a NUL, a lone UTF-16 surrogate, a string or list over its limit, deep
nesting, a number that is not finite or too large, a wrong type in the envelope) is found here,
by one iterative walk, and the mutation is rejected with a code; the batch goes on.

The rejected mutation is still kept for the office, so `storable()` makes a copy any database
takes: NUL and lone surrogates written out as visible `\\u0000` escapes, data nested past
STORE_DEPTH kept as its JSON text. Nothing is dropped.
"""
from __future__ import annotations

import json
import math
import re
from typing import Any

from flask_babel import gettext as _
from marshmallow import EXCLUDE, INCLUDE, Schema, ValidationError, fields, validate

from webapp.errors import DomainError, flatten_messages

MAX_DEPTH = 16  # the deepest real data (a sheet's software-upgrade answers) nests 6 levels
MAX_STRING = 100_000  # characters in one string (a diary text is a few hundred)
MAX_KEY = 200  # characters in one object key
MAX_ITEMS = 2_000  # entries in one list or object
MAX_INT = 2 ** 53  # beyond this a JavaScript number loses digits and a BIGINT may overflow
STORE_DEPTH = 24  # deeper than this, a kept payload holds the JSON text of what is below
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


BIGINT_MAX, INT_MAX = 2**63 - 1, 2**31 - 1  # the columns that seq and versions go into


class BatchEntrySchema(Schema):
    """What the batch needs of each mutation to order it: its seq. The rest is checked one
    mutation at a time (MutationSchema), so one malformed entry is rejected, not the batch."""

    class Meta:
        unknown = INCLUDE

    seq = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=BIGINT_MAX))


class MutationSchema(Schema):
    """One entry of a push batch (its `data` is checked per kind later)."""

    class Meta:
        unknown = EXCLUDE

    seq = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=BIGINT_MAX))
    kind = fields.String(required=True, validate=validate.Length(min=1, max=60))
    op = fields.String(required=True, validate=validate.Length(min=1, max=20))
    id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    base_version = fields.Integer(strict=True, allow_none=True, load_default=None,
                                  validate=validate.Range(min=1, max=INT_MAX))
    data = fields.Dict(keys=fields.String(), load_default=dict)
    blobs = fields.Dict(keys=fields.String(), values=fields.String(), load_default=dict, allow_none=True)


_envelope = MutationSchema()


def _poison(code: str, message: str, path: str, field_message: str, **details: Any) -> DomainError:
    """A rejection naming the place in the mutation where the problem is."""
    return DomainError(message, code=code, errors={path: [field_message]}, details={"path": path, **details})


def _text_problem(text: str, path: str, limit: int) -> DomainError | None:
    """NUL, a lone surrogate or too many characters in one string or key."""
    if len(text) > limit:
        return _poison("too_long", _("A text is longer than %(n)s characters.", n=limit), path,
                       _("At most %(n)s characters.", n=limit), length=len(text), max_length=limit)
    found = _UNSTORABLE.search(text)
    if found is None:
        return None
    if found.group() == "\x00":
        return _poison("invalid_text", _("A text holds a NUL character, which cannot be stored."), path,
                       _("Remove the NUL character."), reason="nul")
    try:  # a surrogate pair decoded as two code points is still one real character
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _poison("invalid_text", _("A text holds a broken character (a lone UTF-16 surrogate)."), path,
                       _("Remove the broken character."), reason="surrogate")
    return None


def find_poison(value: Any, root: str = "") -> DomainError | None:
    """The first thing in a JSON value that cannot be taken, as a rejection; None when all is well.

    Iterative (a stack, no recursion), so 10,000 levels of nesting cost no more than a list.
    """
    stack: list[tuple[Any, str, int]] = [(value, root, 0)]
    while stack:
        item, path, depth = stack.pop()
        if isinstance(item, str):
            problem = _text_problem(item, path or "_schema", MAX_STRING)
            if problem is not None:
                return problem
        elif isinstance(item, bool) or item is None:
            continue
        elif isinstance(item, int):
            if abs(item) > MAX_INT:
                return _poison("out_of_range", _("A number is too large."), path or "_schema",
                               _("At most %(n)s.", n=MAX_INT), max=MAX_INT)
        elif isinstance(item, float):
            if not math.isfinite(item) or abs(item) > MAX_INT:
                return _poison("out_of_range", _("A number is not finite or too large."), path or "_schema",
                               _("A finite number is required."), max=MAX_INT)
        elif isinstance(item, (dict, list)):
            if depth >= MAX_DEPTH:
                return _poison("too_deep", _("The data nests deeper than %(n)s levels.", n=MAX_DEPTH),
                               path or "_schema", _("Nested too deeply."), max_depth=MAX_DEPTH)
            if len(item) > MAX_ITEMS:
                return _poison("too_many_items", _("A list holds more than %(n)s entries.", n=MAX_ITEMS),
                               path or "_schema", _("At most %(n)s entries.", n=MAX_ITEMS),
                               items=len(item), max_items=MAX_ITEMS)
            pairs = item.items() if isinstance(item, dict) else enumerate(item)
            for key, child in pairs:
                if isinstance(key, str):
                    problem = _text_problem(key, f"{path}.{key[:40]!r}" if path else repr(key[:40]), MAX_KEY)
                    if problem is not None:
                        return problem
                stack.append((child, f"{path}.{key}" if path else str(key), depth + 1))
        else:
            return _poison("invalid", _("The data holds a value that is not JSON."), path or "_schema",
                           _("Not a JSON value."))
    return None


def screen_mutation(mutation: Any) -> tuple[dict, DomainError | None]:
    """The mutation's envelope checked and its content screened: (mutation, rejection or None).

    A mutation that fails comes back as it was sent, for the ledger and the office.
    """
    if not isinstance(mutation, dict):
        return {}, DomainError(_("A mutation must be an object."), code="invalid",
                               errors={"_schema": [_("Not an object.")]})
    problem = find_poison(mutation)
    if problem is not None:
        return mutation, problem
    try:
        return _envelope.load(mutation), None
    except ValidationError as err:
        return mutation, DomainError(_("Please correct the marked fields."), code="invalid",
                                     errors=flatten_messages(err.messages))


# --- keeping a rejected payload --------------------------------------------------------------


def _escape(text: str) -> str:
    """NUL and lone surrogates as visible escapes (pairs stay the character they spell)."""
    if not _UNSTORABLE.search(text):
        return text
    text = text.encode("utf-16", "surrogatepass").decode("utf-16", "surrogatepass")  # join real pairs
    return _UNSTORABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def json_text(value: Any) -> str:
    """Compact JSON of a value of any depth (iterative: no recursion limit)."""
    out: list[str] = []
    stack: list[Any] = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, _Raw):
            out.append(item.text)
        elif isinstance(item, dict):
            parts: list[Any] = [_Raw("{")]
            for index, (key, child) in enumerate(item.items()):
                parts += [_Raw(("," if index else "") + json.dumps(str(key)) + ":"), child]
            stack.extend(reversed([*parts, _Raw("}")]))
        elif isinstance(item, (list, tuple)):
            parts = [_Raw("[")]
            for index, child in enumerate(item):
                parts += ([_Raw(",")] if index else []) + [child]
            stack.extend(reversed([*parts, _Raw("]")]))
        elif isinstance(item, float) and not math.isfinite(item):
            out.append(json.dumps(str(item)))
        else:
            out.append(json.dumps(item, default=str))
    return "".join(out)


class _Raw:
    """A piece of JSON text already written (for json_text's stack)."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        """Hold the text."""
        self.text = text


def storable(value: Any, depth: int = 0) -> Any:
    """A copy of a JSON value that every database and encoder takes, losing nothing a person needs."""
    if isinstance(value, str):
        return _escape(value)
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, (dict, list, tuple)):
        if depth >= STORE_DEPTH:
            return {"nested_json": _escape(json_text(value))}
        if isinstance(value, dict):
            return {_escape(str(k)): storable(v, depth + 1) for k, v in value.items()}
        return [storable(v, depth + 1) for v in value]
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return _escape(str(value))
