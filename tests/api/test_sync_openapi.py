"""The OpenAPI document: valid OpenAPI 3, every kind described, and real answers match it."""
from __future__ import annotations

import pytest
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import validate as validate_spec

from sync.registry import all_kinds
from tests.support.field_device import FieldDevice, png_bytes
from tests.support.factories import make_customer, make_device, make_user
from webapp.auth.models import Role


@pytest.fixture
def document(client):
    """GET /api/openapi.json."""
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def check(document: dict, name: str, instance) -> None:
    """Validate a JSON value against a component schema of the document."""
    schema = {"$ref": f"#/components/schemas/{name}", "components": document["components"]}
    OAS30Validator(schema).validate(instance)


def test_openapi_document_is_valid(document):
    """The document passes an OpenAPI 3 validator."""
    validate_spec(document)
    assert document["openapi"].startswith("3.")


def test_every_kind_is_described(document):
    """Each registered kind has its data schema, its place in Mutation/Kind and in x-sync-kinds."""
    names = {k.name for k in all_kinds()}
    assert {"customer", "cabinet", "device", "repair_ticket", "diary_entry", "signature", "photo"} <= names
    schemas = document["components"]["schemas"]
    assert set(schemas["Kind"]["enum"]) == names
    assert set(document["x-sync-kinds"]) == names
    mapping = schemas["Mutation"]["discriminator"]["mapping"]
    for kind in all_kinds():
        data = schemas[document["x-sync-kinds"][kind.name]["schema"].rsplit("/", 1)[1]]
        assert set(data["properties"]) == set(kind.column_keys())
        assert (kind.name in mapping) == bool(kind.ops)
    diary = schemas["DiaryEntryData"]
    assert set(diary["required"]) == {"customer_id", "date", "text"}
    assert diary["properties"]["author_id"]["readOnly"] is True
    assert schemas["SignatureCreate"]["properties"]["blobs"]["required"] == ["image"]
    assert "required" not in schemas["DeviceChanges"] and "base_version" in schemas["DeviceUpdate"]["required"]
    assert schemas["DeviceData"]["properties"]["qr_token"]["readOnly"] is True


def test_endpoints_and_auth_are_described(document):
    """Push, pull, blobs, sign-in and the error shape are all in the document."""
    paths = document["paths"]
    assert {"/api/sync/push", "/api/sync/pull", "/api/sync/blobs/{sha256}", "/api/auth/session"} <= set(paths)
    assert set(paths["/api/sync/blobs/{sha256}"]) >= {"head", "put", "get"}
    assert paths["/api/sync/push"]["post"]["security"] == [{"session": [], "csrf": []}]
    assert document["components"]["securitySchemes"]["csrf"]["name"] == "X-CSRFToken"
    assert paths["/api/sync/pull"]["get"]["responses"]["410"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }


def test_real_requests_and_answers_match_the_document(app, document):
    """A push request, its response, a pull page, a blob upload, an error and the status validate against the schemas."""
    tech = make_user(Role.TECHNICIAN)
    customer = make_customer(technicians=[tech])
    device = make_device(customer)
    phone = FieldDevice(app.test_client(), tech)
    ink = png_bytes(seed=1)
    entry = phone.diary(customer.id)
    mutations = [entry, phone.signature("diary_entry", entry["id"], content=entry["data"], image=ink),
                 phone.update("device", device.id, 1, notes="现场备注"), phone.diary(customer.id, text="")]
    check(document, "PushRequest", {"client_id": phone.client_id, "mutations": mutations})
    for mutation in mutations[:3]:
        check(document, "Mutation", mutation)
    with pytest.raises(Exception):  # the last one breaks the documented rules, and is rejected below
        check(document, "Mutation", mutations[3])
    pushed = phone.push(mutations).get_json()
    check(document, "PushResponse", pushed)
    check(document, "PushResponse", phone.push(mutations).get_json())
    check(document, "PullResponse", phone.pull().get_json())
    check(document, "Blob", phone.put_blob(ink).get_json())
    check(document, "Error", phone.pull(10**9).get_json())
    check(document, "Status", phone.client.get("/api/sync/status", headers=phone.headers()).get_json())
