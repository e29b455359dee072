"""Schemathesis over every operation of /api/openapi.json, signed out and signed in as a technician.

Through the WSGI app (no live server), with CSRF on as in production, every built-in check on:
no 5xx, documented status codes, content types, headers and bodies, schema-invalid requests
refused, schema-valid ones accepted, auth enforced, 405 with Allow for undocumented methods.
Bounded (FUZZ_MAX_EXAMPLES per operation and phase, FUZZ_SEED) so the run stays near a minute;
the number of cases run lands in test-artifacts/fuzz-cases.txt.
"""
from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest
import schemathesis
from flask import g
from hypothesis import HealthCheck, settings
from schemathesis import Config

from config import TestConfig
from tests.support.factories import PASSWORD, make_cabinet, make_customer, make_device, make_user
from webapp import create_app
from webapp.auth.models import Role
from webapp.extensions import db

MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", 25))
SEED = int(os.environ.get("FUZZ_SEED", 20261202))
CASES: Counter = Counter()  # (who, method and path sent, status) -> cases
OPERATIONS: set = set()  # documented operations that ran
# Schemathesis' own list of answers that count as accepting a schema-valid request.
ACCEPTED = ["2xx", "3xx", 401, 403, 404, 409, 429]


def fuzz_config(signed_in: bool) -> Config:
    """Bounded, reproducible generation.

    Signed out, schemathesis makes up session cookies and CSRF tokens (all must be refused);
    signed in, it makes up none and the technician's real ones are sent.
    """
    return Config.from_dict({
        "seed": SEED,
        "generation": {"max-examples": MAX_EXAMPLES, "with-security-parameters": not signed_in},
        "operations": [
            # Valid in shape, an upload can still be other bytes than its name says (422) or
            # have too many pixels (413): facts of the content that no schema can state.
            {"include-path": "/api/sync/blobs/{sha256}", "include-method": "PUT",
             "checks": {"positive_data_acceptance": {"expected-statuses": [*ACCEPTED, 413, 422]}}},
            # A cursor the server never handed out is 410: pull again from 0 (SYNC.md).
            {"include-path": "/api/sync/pull",
             "checks": {"positive_data_acceptance": {"expected-statuses": [*ACCEPTED, 410]}}},
        ],
    })


def write_case_counts() -> None:
    """Keep the count of cases so far, per operation and answer, in test-artifacts/fuzz-cases.txt."""
    out = Path(__file__).resolve().parents[2] / "test-artifacts"
    out.mkdir(exist_ok=True)
    lines = [f"{who} {label} -> {status}: {n}" for (who, label, status), n in sorted(CASES.items())]
    lines.append(f"total: {sum(CASES.values())} cases over {len(OPERATIONS)} documented operations")
    (out / "fuzz-cases.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def fuzz_app(make_app):
    """The app with CSRF on, a technician with one customer, a cabinet and a device."""
    app = make_app(WTF_CSRF_ENABLED=True)

    @app.before_request
    def _forget_cached_csrf_token() -> None:
        """Like conftest's hook: Flask-WTF caches the token in the shared `g`, and a second
        sign-in would be handed the first session's token."""
        g.pop("csrf_token", None)

    with app.app_context():
        tech = make_user(Role.TECHNICIAN, username="fuzz-tech")
        customer = make_customer(technicians=[tech])
        make_device(customer, make_cabinet(customer))
        db.session.commit()
        yield app
        db.session.rollback()
    write_case_counts()


class Technician:
    """A signed-in session: its cookie and CSRF token, renewed after a case signs it out."""

    def __init__(self, app):
        """Sign in once."""
        self.app = app
        self.sign_in()

    def sign_in(self) -> None:
        """POST /api/auth/session and keep what it hands out."""
        client = self.app.test_client()
        response = client.post("/api/auth/session", json={"username": "fuzz-tech", "password": PASSWORD})
        assert response.status_code == 200, response.get_data(as_text=True)
        self.token = response.get_json()["csrf_token"]
        # Only the session cookie: the remember-me cookie would sign a case in again after
        # schemathesis took the session away to see that the API then refuses it.
        self.session = client.get_cookie("session").value


@pytest.fixture
def technician(fuzz_app):
    """A signed-in technician."""
    return Technician(fuzz_app)


# Schemathesis builds some cases (its coverage phase) while collecting, before any fixture has
# signed in, so the provider marks a case as signed in and the test puts the live session in
# just before sending it. A case whose credentials schemathesis left out on purpose has no
# mark and goes out signed out.
SESSION_MARK, CSRF_MARK = "technician-session", "technician-csrf-token"


class TechnicianAuth:
    """Schemathesis auth provider: marks a case to be sent with the technician's session."""

    def get(self, case, context):
        """Always: every case of the signed-in test is the technician's."""
        return True

    def set(self, case, data, context):
        """The session cookie and the CSRF header, as a browser-less client sends them (SYNC.md)."""
        case.cookies = {**(case.cookies or {}), "session": SESSION_MARK}
        case.headers = {**(case.headers or {}), "X-CSRFToken": CSRF_MARK}


def put_in_session(case, technician: Technician) -> None:
    """Replace the marks on a case with the live session's cookie and CSRF token."""
    if isinstance(case.cookies, dict) and case.cookies.get("session") == SESSION_MARK:
        case.cookies["session"] = technician.session
    if isinstance(case.headers, dict) and case.headers.get("X-CSRFToken") == CSRF_MARK:
        case.headers["X-CSRFToken"] = technician.token


# The document is read through the WSGI app once, at collection; each test then sends its cases
# to its own app on the test database (`app=`). One app per operation: the examples of an
# operation share its database, on purpose (function_scoped_fixture).
# (schemathesis.pytest.from_fixture would load it per test, but it sets Node._nodeid, which
# pytest 9.2 no longer has.)
DOCUMENT_APP = create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": "sqlite://"})
signed_out = schemathesis.openapi.from_wsgi("/api/openapi.json", DOCUMENT_APP, config=fuzz_config(signed_in=False))
signed_in = schemathesis.openapi.from_wsgi("/api/openapi.json", DOCUMENT_APP, config=fuzz_config(signed_in=True))
# Pull gzips big pages for clients that accept it; the WSGI test transport does not decode
# gzip, so the fuzz asks for plain bodies (tests/api/test_sync_pull.py covers the gzip path).
IDENTITY = {"Accept-Encoding": "identity"}
# No deadline: timing is not what this test asserts (and the machine is shared).
FUZZ_SETTINGS = settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
                         deadline=None, database=None)


@signed_out.parametrize()
@FUZZ_SETTINGS
def test_signed_out_answers_match_the_document(case, fuzz_app):
    """Signed out, every generated request gets a documented answer and never a 5xx."""
    response = case.call_and_validate(app=fuzz_app, headers=IDENTITY)
    OPERATIONS.add(case.operation.label)
    CASES[("signed-out", f"{case.method} {case.path}", response.status_code)] += 1


@signed_in.auth.apply(TechnicianAuth, refresh_interval=None)
@signed_in.parametrize()
@FUZZ_SETTINGS
def test_signed_in_answers_match_the_document(case, fuzz_app, technician):
    """Signed in as a technician (CSRF token sent), every request gets a documented answer, never a 5xx."""
    put_in_session(case, technician)
    response = case.call_and_validate(app=fuzz_app, headers=IDENTITY)
    OPERATIONS.add(case.operation.label)
    CASES[("technician", f"{case.method} {case.path}", response.status_code)] += 1
    if case.method == "DELETE" and case.path == "/api/auth/session" and response.status_code == 200:
        technician.sign_in()  # that case signed the session out; the next one needs a live one

