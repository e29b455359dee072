"""The one error body and its catalogue: every code the source raises is documented once."""
import ast
from pathlib import Path

import pytest
from marshmallow import Schema, ValidationError, fields, validate

from webapp.error_codes import CATALOGUE, HTTP_CODES, PUSH
from webapp.errors import DomainError, NotFound, error_body, flatten_messages, message_lines

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted([*ROOT.glob("webapp/**/*.py"), *ROOT.glob("sync/**/*.py")])
# Calls whose first positional argument after the status is an error code.
CODE_POSITION = {"error_response": 1, "_poison": 0}


def _codes_in(path: Path) -> list[tuple[str, int]]:
    """(code, line) for every error code written literally in one module."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.keyword) and node.arg == "code":
            found.append(node.value)
        elif isinstance(node, ast.ClassDef):
            found += [st.value for st in node.body if isinstance(st, ast.Assign)
                      and any(isinstance(t, ast.Name) and t.id == "code" for t in st.targets)]
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            args = node.args.args[len(node.args.args) - len(node.args.defaults):]
            found += [d for a, d in zip(args, node.args.defaults) if a.arg == "code"]
            found += [d for a, d in zip(node.args.kwonlyargs, node.args.kw_defaults) if a.arg == "code" and d]
        elif isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            position = CODE_POSITION.get(name)
            if position is not None and len(node.args) > position:
                found.append(node.args[position])
    out = []
    for value in found:
        candidates = [value.body, value.orelse] if isinstance(value, ast.IfExp) else [value]
        out += [(c.value, c.lineno) for c in candidates if isinstance(c, ast.Constant) and isinstance(c.value, str)]
    return out


def test_every_code_raised_in_the_source_is_in_the_catalogue():
    """A code= literal (keyword, class attribute, default, error_response/_poison) is catalogued."""
    missing = [f"{p.relative_to(ROOT)}:{line} {code}" for p in SOURCES for code, line in _codes_in(p)
               if code not in CATALOGUE]
    assert missing == []


def test_the_scan_finds_codes_in_every_form_they_are_written():
    """The scan is not blind: it sees keyword, class, default and positional codes."""
    found = {code for p in SOURCES for code, _line in _codes_in(p)}
    assert {"not_found", "illegal_step", "invalid_credentials", "csrf_failed", "locked", "invalid", "too_deep"} <= found


def test_every_catalogue_entry_has_a_status_and_a_meaning():
    """Each code says what it means and how it is answered."""
    for code, entry in CATALOGUE.items():
        assert code == code.lower() and " " not in code
        assert entry.meaning.strip() and (entry.status == PUSH or 400 <= entry.status <= 599), code


def test_bare_http_errors_answer_catalogued_codes():
    """A 404 or 405 from the router speaks a catalogued code too."""
    assert set(HTTP_CODES.values()) <= set(CATALOGUE)


def test_error_classes_answer_with_their_catalogued_status():
    """NotFound is a 404 and the catalogue says so."""
    for cls in (DomainError, NotFound):
        assert CATALOGUE[cls.code].status == cls.status


def test_the_body_keeps_field_messages_apart_from_facts():
    """`errors` holds messages per field, `details` holds facts, both always present."""
    err = DomainError("Bad", code="invalid", errors={"date": ["Not a date."]}, details={"max": 3})
    assert error_body(err.code, err.message, err.errors, err.details) == {
        "error": {"code": "invalid", "message": "Bad", "errors": {"date": ["Not a date."]}, "details": {"max": 3}}}
    assert error_body("not_found", "Gone")["error"]["errors"] == {}


def test_a_field_message_that_is_not_a_list_is_refused_at_the_raise_site():
    """No consumer has to guess: a bare string in `errors` is a programming error."""
    with pytest.raises(TypeError):
        DomainError("Bad", code="invalid", errors={"date": "Not a date."})


class _Item(Schema):
    """A nested schema for the flattening test."""

    max = fields.Integer(required=True)


class _Sheet(Schema):
    """A schema with a list of nested items."""

    name = fields.String(required=True, validate=validate.Length(min=2))
    items = fields.List(fields.Nested(_Item))


def test_nested_marshmallow_messages_flatten_to_dotted_paths():
    """items → 0 → max becomes `items.0.max`, each with a list of plain strings."""
    with pytest.raises(ValidationError) as err:
        _Sheet().load({"name": "x", "items": [{}]})
    flat = flatten_messages(err.value.messages)
    assert set(flat) == {"name", "items.0.max"}
    assert all(isinstance(m, str) for messages in flat.values() for m in messages)


def test_messages_under_no_field_are_kept_under_schema():
    """A bare message is not lost: it lands under `_schema` and stands alone as a line."""
    flat = flatten_messages(["Whole thing is wrong."])
    assert flat == {"_schema": ["Whole thing is wrong."]}
    assert message_lines({**flat, "date": ["Not a date."]}) == ["Whole thing is wrong.", "date: Not a date."]
