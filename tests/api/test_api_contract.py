"""The API does what its OpenAPI document says: pull's limit, the client id's pattern, 405 with
Allow, and signing out when signed out."""
from __future__ import annotations

import re

import pytest

from tests.support.field_device import FieldDevice
from tests.support.factories import make_user
from webapp.auth.models import Role


@pytest.fixture
def phone(app):
    """A technician's signed-in device."""
    return FieldDevice(app.test_client(), make_user(Role.TECHNICIAN))


@pytest.mark.parametrize("limit", ["2001", "0", "-1", "ten"])
def test_pull_refuses_a_limit_outside_the_documented_range(phone, limit):
    """limit is 1..2000, as documented: anything else is 400 invalid_request naming `limit`."""
    response = phone.client.get(f"/api/sync/pull?cursor=0&limit={limit}", headers=phone.headers())
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "invalid_request" and "limit" in error["errors"]


def test_pull_takes_the_documented_maximum(phone):
    """limit=2000 is a page like any other."""
    response = phone.client.get("/api/sync/pull?cursor=0&limit=2000", headers=phone.headers())
    assert response.status_code == 200


def test_pull_refuses_a_cursor_past_the_database_column(phone):
    """A cursor beyond a 64-bit integer is 400, not a database error."""
    response = phone.client.get(f"/api/sync/pull?cursor={2**63}", headers=phone.headers())
    assert response.status_code == 400 and "cursor" in response.get_json()["error"]["errors"]


@pytest.mark.parametrize("client_id", ["tablet-of-tech-0001", "", "0f1e2d3c-aaaa-bbbb-cccc-00000000000", "x" * 36,
                                       "0f1e2d3c-aaaa-bbbb-cccc-000000000001\n"])
def test_a_client_id_that_is_no_uuid_is_refused_by_push_and_pull(phone, client_id):
    """Push and pull take a UUID as client_id (the document's pattern), nothing else."""
    pushed = phone.client.post("/api/sync/push", json={"client_id": client_id, "mutations": []},
                               headers=phone.headers())
    assert pushed.status_code == 400 and pushed.get_json()["error"]["code"] == "invalid_request"
    pulled = phone.client.get("/api/sync/pull", query_string={"client_id": client_id}, headers=phone.headers())
    assert pulled.status_code == 400 and pulled.get_json()["error"]["code"] == "invalid_request"


def test_the_document_publishes_the_client_id_pattern_the_server_uses(client):
    """The pattern in the document accepts what crypto.randomUUID() makes and refuses the rest."""
    document = client.get("/api/openapi.json").get_json()
    pattern = document["components"]["schemas"]["PushRequest"]["properties"]["client_id"]["pattern"]
    pull = next(p for p in document["paths"]["/api/sync/pull"]["get"]["parameters"] if p["name"] == "client_id")
    assert pull["schema"]["pattern"] == pattern
    assert re.search(pattern, "7ab1e700-0000-4000-8000-000000000001")
    assert not re.search(pattern, "tablet-of-tech-0001")
    limit = next(p for p in document["paths"]["/api/sync/pull"]["get"]["parameters"] if p["name"] == "limit")
    assert limit["schema"]["maximum"] == 2000


@pytest.mark.parametrize("method,path,allowed", [
    ("PUT", "/api/sync/push", {"POST"}),
    ("DELETE", "/api/sync/pull", {"GET", "HEAD", "OPTIONS"}),
    ("POST", "/api/sync/blobs/" + "a" * 64, {"GET", "HEAD", "PUT", "OPTIONS"}),
    ("PATCH", "/api/auth/session", {"GET", "HEAD", "POST", "DELETE", "OPTIONS"}),
])
def test_a_method_a_resource_does_not_take_is_405_with_allow(client, method, path, allowed):
    """405 in the error shape, with an Allow header listing what the resource takes (RFC 9110)."""
    response = client.open(path, method=method)
    assert response.status_code == 405
    assert response.get_json()["error"]["code"] == "method_not_allowed"
    assert {m.strip() for m in response.headers["Allow"].split(",")} >= allowed - {"OPTIONS"}


def test_signing_out_when_signed_out_is_401(csrf_app):
    """DELETE /api/auth/session without a session is 401 unauthorized, not a CSRF error."""
    response = csrf_app.test_client().delete("/api/auth/session")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_signing_out_needs_the_csrf_token_and_then_ends_the_session(csrf_app):
    """Signed in, sign-out without the token is 400 csrf_failed; with it 200, and then 401."""
    phone = FieldDevice(csrf_app.test_client(), make_user(Role.TECHNICIAN))
    refused = phone.client.delete("/api/auth/session")
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "csrf_failed"
    done = phone.client.delete("/api/auth/session", headers=phone.headers())
    assert done.status_code == 200 and done.get_json() == {"ok": True}
    assert phone.client.get("/api/auth/session").status_code == 401
