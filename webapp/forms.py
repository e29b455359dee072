"""Showing a service's refusal on a WTForms form: the same messages a page and the API give."""
from __future__ import annotations

from flask import flash
from flask_wtf import FlaskForm

from .errors import DomainError


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
