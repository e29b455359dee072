"""SYNC.md test 14: a poison mutation in the middle of a batch is rejected with a code, kept for
the office, and the mutations behind it apply; no 5xx anywhere (SQLite and PostgreSQL)."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from sqlalchemy.exc import DataError, IntegrityError, OperationalError

import sync.push as push_module

from tests.support.field_device import FieldDevice, forget_cached_user, new_id
from tests.support.factories import PASSWORD, make_customer, make_user
from webapp.auth.models import Role
from webapp.extensions import db
from webapp.maintenance.diary import DiaryEntry
from sync.models import AppliedMutation, RejectedMutation
from sync.registry import get_kind

DEEP = 1000


class ProgramLimitExceeded(Exception):
    """What psycopg raises for an index row over PostgreSQL's limit (SQLSTATE 54000)."""

    sqlstate = "54000"

DEEP_MARK = "@@deep@@"


@pytest.fixture
def school(app):
    """A technician and their school."""
    tech = make_user(Role.TECHNICIAN)
    return tech, make_customer(technicians=[tech])


def nested(depth: int) -> str:
    """JSON text of objects nested `depth` levels (built as text: json.dumps would recurse)."""
    return '{"a":' * depth + "1" + "}" * depth


def push_text(phone: FieldDevice, mutations: list[dict]):
    """POST a batch as JSON text, with DEEP_MARK replaced by 1,000 levels of nesting."""
    body = json.dumps({"client_id": phone.client_id, "mutations": mutations})
    body = body.replace(json.dumps(DEEP_MARK), nested(DEEP))
    return phone.client.post("/api/sync/push", data=body, content_type="application/json", headers=phone.headers())


POISONS = {
    "nul in a string": (lambda p, c: p.diary(c.id, text="机房\x00正常"), "invalid_text"),
    "lone surrogate in a string": (lambda p, c: p.diary(c.id, text="机房\ud800正常"), "invalid_text"),
    "lone surrogate in a key": (lambda p, c: p.diary(c.id, **{"x\udc00": 1}), "invalid_text"),
    "nul in a key": (lambda p, c: p.diary(c.id, **{"x\x00": 1}), "invalid_text"),
    "nul in the kind": (lambda p, c: {**p.diary(c.id), "kind": "diary\x00entry"}, "invalid_text"),
    "nul in the id": (lambda p, c: {**p.diary(c.id), "id": new_id()[:8] + "\x00" + new_id()[9:]}, "invalid_text"),
    "lone surrogate in the id": (lambda p, c: {**p.diary(c.id), "id": new_id()[:35] + "\ud800"}, "invalid_text"),
    "1 MB string": (lambda p, c: p.diary(c.id, text="长" * 1_000_000), "too_long"),
    "1,000-deep nesting": (lambda p, c: p.diary(c.id, extra=DEEP_MARK), "too_deep"),
    "list over its limit": (lambda p, c: p.diary(c.id, photos=list(range(5000))), "too_many_items"),
    "number beyond 2^53": (lambda p, c: p.diary(c.id, text=10 ** 30), "out_of_range"),
    "unknown kind": (lambda p, c: {**p.diary(c.id), "kind": "spaceship"}, "unknown_kind"),
    "data is a list": (lambda p, c: {**p.diary(c.id), "data": ["x"]}, "invalid"),
    "op is a number": (lambda p, c: {**p.diary(c.id), "op": 7}, "invalid"),
    "id is an object": (lambda p, c: {**p.diary(c.id), "id": {"uuid": new_id()}}, "invalid"),
    "base_version is text": (lambda p, c: {**p.diary(c.id), "base_version": "1"}, "invalid"),
    "blobs is a string": (lambda p, c: {**p.diary(c.id), "blobs": "abc"}, "invalid"),
}


@pytest.mark.parametrize("case", list(POISONS))
def test_a_poison_mutation_is_rejected_and_the_ones_behind_it_apply(app, school, case):
    """The odd mutation is `rejected` with its code; the one before and the one after apply."""
    tech, customer = school
    phone = FieldDevice(app.test_client(), tech)
    make_poison, code = POISONS[case]
    before, poison, after = phone.diary(customer.id), make_poison(phone, customer), phone.diary(customer.id)
    response = push_text(phone, [before, poison, after])
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    body = response.get_json()
    assert [(r["status"], r["code"]) for r in body["results"]] == [
        ("applied", None), ("rejected", code), ("applied", None)]
    assert body["last_seq"] == 3 and body["results"][1]["errors"]
    assert db.session.query(DiaryEntry).count() == 2
    resend = push_text(phone, [before, poison, after])
    assert resend.status_code == 200 and {r["status"] for r in resend.get_json()["results"]} == {"duplicate"}


@pytest.mark.parametrize("case", ["nul in a string", "lone surrogate in a key", "1,000-deep nesting"])
def test_a_poison_mutation_is_kept_for_the_office_and_a_resend_is_a_duplicate(app, school, case):
    """Stored like other rejections (the odd characters written out, nothing dropped), shown on
    the review page, and resending it answers its stored result."""
    tech, customer = school
    phone = FieldDevice(app.test_client(), tech)
    poison = POISONS[case][0](phone, customer)
    first = push_text(phone, [poison]).get_json()["results"][0]
    assert first["status"] == "rejected"
    kept = db.session.scalars(select(RejectedMutation)).one()
    assert (kept.seq, kept.kind, kept.code, kept.handled_at) == (1, "diary_entry", first["code"], None)
    stored = json.dumps(kept.payload)
    assert "\\u0000" in stored or "\\udc00" in stored or "nested_json" in stored
    resend = push_text(phone, [poison]).get_json()["results"][0]
    assert (resend["status"], resend["original_status"]) == ("duplicate", "rejected")
    assert db.session.query(RejectedMutation).count() == 1
    office = make_user(Role.OFFICE)
    web = app.test_client()
    forget_cached_user()
    web.post("/login", data={"username": office.username, "password": PASSWORD})
    forget_cached_user()
    page = web.get("/sync/review?tab=rejected")
    assert page.status_code == 200 and first["code"] in page.get_data(as_text=True)


@pytest.mark.parametrize("failure", [ValueError("bug in a service"), KeyError("answers"),
                                     IntegrityError("INSERT", {}, Exception("unique")),
                                     DataError("INSERT", {}, Exception("value too long")),
                                     OperationalError("INSERT", {}, ProgramLimitExceeded("index row too big"))],
                         ids=["ValueError", "KeyError", "IntegrityError", "DataError", "index row too big"])
def test_an_exception_inside_a_service_is_a_rejection_not_a_500(app, school, monkeypatch, failure):
    """Whatever a kind's service raises becomes `rejected` with a code; the batch goes on."""
    tech, customer = school
    phone = FieldDevice(app.test_client(), tech)
    kind = get_kind("diary_entry")
    real_create = kind.create

    def create(ctx, record_id, data):
        """Fail on the text 'boom', create otherwise."""
        if data.get("text") == "boom":
            raise failure
        return real_create(ctx, record_id, data)

    monkeypatch.setattr(kind, "create", create)
    response = phone.push([phone.diary(customer.id, text="boom"), phone.diary(customer.id)])
    assert response.status_code == 200
    results = response.get_json()["results"]
    expected = {"IntegrityError": "integrity", "DataError": "unstorable_value",
                "OperationalError": "unstorable_value"}.get(type(failure).__name__, "server_error")
    assert [(r["status"], r["code"]) for r in results] == [("rejected", expected), ("applied", None)]
    assert db.session.query(RejectedMutation).filter_by(code=expected).count() == 1
    assert db.session.query(AppliedMutation).count() == 2


def test_odd_strings_in_sign_in_and_other_json_do_not_answer_5xx(app, school):
    """Sign-in with NUL or a lone surrogate is refused as a 4xx, never a 500."""
    client = app.test_client()
    for username in ("tech\x00", "tech\ud800", "x" * 100_000):
        body = json.dumps({"username": username, "password": "pw\x00\udfff"})
        response = client.post("/api/auth/session", data=body, content_type="application/json")
        assert 400 <= response.status_code < 500, (username[:8], response.status_code)
        assert set(response.get_json()["error"]) == {"code", "message", "errors", "details"}


def test_a_database_that_cannot_be_reached_answers_503_in_the_error_shape(app, school, monkeypatch):
    """The one 5xx a push may give: the server is unwell, not the mutation (retried, then 503)."""
    tech, customer = school
    phone = FieldDevice(app.test_client(), tech)
    phone.push([])  # the device row exists before the database goes away

    def unreachable(client_id):
        """A connection that cannot be made."""
        raise OperationalError("UPDATE sync_client", {}, Exception("connection refused"))

    monkeypatch.setattr(push_module, "begin_mutation", unreachable)
    monkeypatch.setattr(push_module.time, "sleep", lambda seconds: None)
    response = phone.push([phone.diary(customer.id)])
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "database_unavailable"
