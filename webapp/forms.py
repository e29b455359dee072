"""A page's form and the domain verb behind it: one way to validate, run the verb, commit or roll
back, and show a service's refusal on the form with the same messages a page and the API give."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Generic, TypeVar

from flask import flash
from flask_wtf import FlaskForm

from .errors import DomainError, Forbidden, NotFound
from .extensions import db

T = TypeVar("T")


@dataclass(frozen=True)
class Submitted(Generic[T]):
    """What became of a form's submission: `done` with the verb's `value`, or not (a GET, a form
    that does not validate, a refusal shown on the form) with the status to render the page with."""

    done: bool
    value: Any = None
    status: int = 200


def submit(form: FlaskForm, verb: Callable[[], T]) -> Submitted[T]:
    """On a valid POST run the verb and commit; on a DomainError roll back and put its errors on
    the form. A GET is not done (200); an invalid form is not done (400), nor a refusal (its
    status). Not found and forbidden are not the form's business: rolled back and raised."""
    if not form.is_submitted():
        return Submitted(False)
    if not form.validate():
        return Submitted(False, status=400)
    try:
        value = verb()
    except (NotFound, Forbidden):
        db.session.rollback()
        raise
    except DomainError as err:
        db.session.rollback()
        show_errors(form, err)
        return Submitted(False, status=err.status)
    db.session.commit()
    return Submitted(True, value)


def show_errors(form: FlaskForm, err: DomainError) -> list[str]:
    """Put `err.errors` on the form's fields, flash the error's message; returns the messages
    that belong to no field of this form (also flashed, so nothing is hidden)."""
    unplaced: list[str] = []
    for path, messages in err.errors.items():
        name = path.partition(".")[0]
        if name in form:
            form[name].errors = list(form[name].errors) + list(messages)
        else:
            unplaced += messages
    flash(err.message, "error")
    for message in unplaced:
        if message != err.message:
            flash(message, "error")
    return unplaced
