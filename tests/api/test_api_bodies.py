"""Bad bodies never reach a view as a 500: size caps per route (413) and defensive JSON (400)."""
from __future__ import annotations

import io
import json

import pytest

from tests.support.field_device import FieldDevice
from tests.support.factories import PASSWORD, make_customer, make_user
from webapp.auth.models import Role
from webapp.documents.models import Blob
from webapp.extensions import db
from webapp.request_body import InvalidJSON, json_depth, json_object
from sync.models import AppliedMutation

SIGN_IN = "/api/auth/session"
PUSH = "/api/sync/push"

# (body bytes, expected error code): each shape at each JSON endpoint.
BAD_JSON = [
    (b"[null]", "json_not_object"),
    (b'"x"', "json_not_object"),
    (b"42", "json_not_object"),
    (b"null", "json_not_object"),
    (b"[" * 2100 + b"]" * 2100, "json_too_deep"),  # past every route's depth, push's too
    (b'{"a": ' * 2100 + b"1" + b"}" * 2100, "json_too_deep"),
    (b'{"username": "\xff\xfe"}', "invalid_json"),
    (b'{"username": ', "invalid_json"),
    (b"", "invalid_json"),
    (b'{"username": NaN}', "invalid_json"),
]


def sign_in_body(client, body: bytes, content_type: str = "application/json"):
    """POST raw bytes to the sign-in endpoint."""
    return client.post(SIGN_IN, data=body, content_type=content_type)


def error_code(response) -> str:
    """The code of an error answer in the one error shape."""
    body = response.get_json()
    assert set(body) == {"error"} and {"code", "message", "details"} <= set(body["error"]), body
    return body["error"]["code"]


@pytest.mark.parametrize("body,code", BAD_JSON, ids=[c + str(i) for i, (_, c) in enumerate(BAD_JSON)])
def test_sign_in_refuses_a_bad_body_with_400_and_a_code(client, body, code):
    """Not an object, 2,100 deep, not UTF-8, not JSON: sign-in answers 400 with the reason's code."""
    response = sign_in_body(client, body)
    assert response.status_code == 400
    assert error_code(response) == code


@pytest.mark.parametrize("body,code", BAD_JSON, ids=[c + str(i) for i, (_, c) in enumerate(BAD_JSON)])
def test_push_refuses_a_body_that_is_no_batch_with_400_and_a_code(app, body, code):
    """The same bodies at push: 400 with the code, nothing applied."""
    phone = FieldDevice(app.test_client(), make_user(Role.TECHNICIAN))
    response = phone.client.post(PUSH, data=body, content_type="application/json", headers=phone.headers())
    assert response.status_code == 400
    assert error_code(response) == code
    assert db.session.query(AppliedMutation).count() == 0


def push_with_nested_text(phone: FieldDevice, customer, depth: int):
    """Push [a diary entry whose text is an array nested `depth` deep, a good diary entry]."""
    poison = json.dumps(phone.diary(customer.id)).replace(
        '"text": ', '"text": ' + "[" * depth + '"x"' + "]" * depth + ', "was": ')
    body = json.dumps({"client_id": phone.client_id, "mutations": ["POISON", phone.diary(customer.id)]})
    return phone.client.post(PUSH, data=body.replace('"POISON"', poison), content_type="application/json",
                             headers=phone.headers())


def test_push_with_a_deeply_nested_mutation_answers_it_on_its_own(app):
    """A mutation nested deep but within SYNC_PUSH_MAX_DEPTH is rejected alone; the next applies."""
    tech = make_user(Role.TECHNICIAN)
    customer = make_customer(technicians=[tech])
    phone = FieldDevice(app.test_client(), tech)
    response = push_with_nested_text(phone, customer, app.config["SYNC_PUSH_MAX_DEPTH"] - 10)
    assert response.status_code == 200
    assert [r["status"] for r in response.get_json()["results"]] == ["rejected", "applied"]


def test_push_nested_past_its_depth_is_400_and_nothing_applies(app):
    """Past SYNC_PUSH_MAX_DEPTH the batch is 400 json_too_deep, never a 5xx."""
    tech = make_user(Role.TECHNICIAN)
    customer = make_customer(technicians=[tech])
    phone = FieldDevice(app.test_client(), tech)
    response = push_with_nested_text(phone, customer, app.config["SYNC_PUSH_MAX_DEPTH"] + 10)
    assert response.status_code == 400 and error_code(response) == "json_too_deep"
    assert db.session.query(AppliedMutation).count() == 0


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded"])
def test_a_body_that_is_not_declared_json_is_refused(client, content_type):
    """Sign-in takes JSON only: another content type is 400 invalid_json."""
    response = sign_in_body(client, b'{"username": "a", "password": "b"}', content_type)
    assert response.status_code == 400
    assert error_code(response) == "invalid_json"


@pytest.mark.parametrize("payload", [{"username": ["x"], "password": "p"}, {"username": "x"}, {"password": 1}])
def test_sign_in_fields_that_are_not_text_are_named(client, payload):
    """username and password must both be text; each wrong one is named in the answer."""
    response = client.post(SIGN_IN, json=payload)
    assert response.status_code == 400 and error_code(response) == "invalid_request"


@pytest.mark.parametrize("text", ["fuzz\x00tech", "fuzz\ud800tech"])
def test_sign_in_with_text_that_cannot_be_stored_is_wrong_credentials(client, text):
    """A NUL or a lone surrogate in a user name is nobody's: 401, not a database error."""
    make_user(Role.TECHNICIAN, username="fuzztech")
    body = json.dumps({"username": text, "password": PASSWORD, "other": "\x00"}).encode()
    response = sign_in_body(client, body)
    assert response.status_code == 401 and error_code(response) == "invalid_credentials"


def test_strict_json_refuses_text_that_cannot_be_stored(app):
    """json_object() refuses NUL or a lone surrogate anywhere, keys included, with invalid_text."""
    for body in ('{"a": ["x\\u0000"]}', '{"\\ud800": 1}'):
        with app.test_request_context("/api/x", method="POST", data=body, content_type="application/json"):
            with pytest.raises(InvalidJSON) as raised:
                json_object()
            assert raised.value.code == "invalid_text"


def test_sign_in_still_works_with_a_good_body(client):
    """The careful parse takes an ordinary sign-in."""
    user = make_user(Role.TECHNICIAN)
    response = client.post(SIGN_IN, json={"username": user.username, "password": PASSWORD})
    assert response.status_code == 200 and response.get_json()["csrf_token"]


def test_sign_in_body_over_its_cap_is_413(make_app):
    """A sign-in body over SIGN_IN_MAX_BYTES is 413 in the error shape, with the limit."""
    app = make_app(SIGN_IN_MAX_BYTES=1000)
    with app.app_context():
        body = json.dumps({"username": "x" * 2000, "password": "y"}).encode()
        response = app.test_client().post(SIGN_IN, data=body, content_type="application/json")
        assert response.status_code == 413
        assert error_code(response) == "request_too_large"
        assert response.get_json()["error"]["details"]["max_bytes"] == 1000


def chunked(client, method: str, path: str, body: bytes, headers: dict | None = None, content_type: str = "application/json"):
    """Send a body without Content-Length, as a chunked upload arrives through gunicorn."""
    return client.open(path, method=method, input_stream=io.BytesIO(body), content_type=content_type,
                       headers=headers or {}, environ_overrides={"wsgi.input_terminated": True})


def test_push_over_its_cap_is_413_by_content_length_and_nothing_applies(make_app):
    """A push body over SYNC_PUSH_MAX_BYTES is refused before it is read: 413, nothing applied."""
    app = make_app(SYNC_PUSH_MAX_BYTES=50_000)
    with app.app_context():
        tech = make_user(Role.TECHNICIAN)
        customer = make_customer(technicians=[tech])
        phone = FieldDevice(app.test_client(), tech)
        batch = [phone.diary(customer.id, text="长" * 300) for _ in range(100)]
        response = phone.push(batch)
        assert response.status_code == 413
        assert error_code(response) == "request_too_large"
        assert response.get_json()["error"]["details"]["max_bytes"] == 50_000
        assert db.session.query(AppliedMutation).count() == 0


def test_push_streamed_without_content_length_is_cut_off_at_its_cap(make_app):
    """A chunked push body (no Content-Length) is cut off once it passes the cap: 413, nothing applied."""
    app = make_app(SYNC_PUSH_MAX_BYTES=50_000)
    with app.app_context():
        tech = make_user(Role.TECHNICIAN)
        customer = make_customer(technicians=[tech])
        phone = FieldDevice(app.test_client(), tech)
        batch = [phone.diary(customer.id, text="长" * 300) for _ in range(100)]
        body = json.dumps({"client_id": phone.client_id, "mutations": batch}).encode()
        response = chunked(phone.client, "POST", PUSH, body, phone.headers())
        assert response.status_code == 413
        assert error_code(response) == "request_too_large"
        assert db.session.query(AppliedMutation).count() == 0


def test_push_streamed_under_its_cap_applies(make_app):
    """A chunked push body within the cap is read whole and applied."""
    app = make_app(SYNC_PUSH_MAX_BYTES=50_000)
    with app.app_context():
        tech = make_user(Role.TECHNICIAN)
        customer = make_customer(technicians=[tech])
        phone = FieldDevice(app.test_client(), tech)
        entry = phone.diary(customer.id)
        body = json.dumps({"client_id": phone.client_id, "mutations": [entry]}).encode()
        response = chunked(phone.client, "POST", PUSH, body, phone.headers())
        assert response.status_code == 200
        assert response.get_json()["results"][0]["status"] == "applied"


def test_blob_streamed_past_its_limit_is_413_and_not_stored(make_app):
    """A chunked blob upload over BLOB_MAX_BYTES is 413 blob_too_large and leaves nothing behind."""
    app = make_app(BLOB_MAX_BYTES=2000)
    with app.app_context():
        phone = FieldDevice(app.test_client(), make_user(Role.TECHNICIAN))
        response = chunked(phone.client, "PUT", f"/api/sync/blobs/{'a' * 64}", b"\x89PNG" + b"0" * 5000,
                           phone.headers(), content_type="image/png")
        assert response.status_code == 413
        assert error_code(response) == "blob_too_large"
        assert db.session.query(Blob).count() == 0


def test_a_page_form_over_the_default_cap_is_413(make_app):
    """Every other route has REQUEST_MAX_BYTES: a sign-in form over it is 413, not read."""
    app = make_app(REQUEST_MAX_BYTES=1000)
    with app.app_context():
        response = app.test_client().post("/login", data={"username": "x" * 5000, "password": "y"})
        assert response.status_code == 413


def test_json_depth_ignores_brackets_inside_strings():
    """Nesting is counted outside strings, and escaped quotes do not end a string."""
    assert json_depth('{"a": "[[[[{{{{", "b": [1, [2]]}') == 3
    assert json_depth('["\\"[[[", []]') == 2
    assert json_depth("1") == 0
