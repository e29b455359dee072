"""The OpenAPI document at GET /api/openapi.json: sign-in, push, pull, blobs, every kind's data.

Built with apispec and its marshmallow plugin from the same schemas the server validates with,
so the document cannot drift from the code. `x-sync-kinds` lists each kind's record type,
operations and blob slots.
"""
from __future__ import annotations

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Blueprint, current_app, jsonify

from webapp.error_codes import CATALOGUE

from .registry import ENVELOPE, SHARED, all_kinds
from .screen import BIGINT_MAX, MutationSchema
from .views import CLIENT_ID_PATTERN, PULL_MAX_LIMIT, PushRequestSchema

bp = Blueprint("sync_openapi", __name__, url_prefix="/api")

ERROR_CODES = {
    400: "Malformed request (invalid_request, invalid_json, json_not_object, json_too_deep, invalid_text, "
    "csrf_failed, batch_too_large, invalid_sha256).",
    401: "Not signed in (unauthorized): sync pauses; sign in again, the outbox is kept.",
    403: "The client_id belongs to another user (client_belongs_to_another_user).",
    404: "Not found.",
    410: "Cursor too old for the kept tombstones (cursor_too_old), unknown (cursor_unknown: a restored "
    "server; details carry its epoch and last_seq for the device) or new customers assigned (scope_changed): "
    "push first, then pull from cursor 0.",
    413: "Body over the route's byte limit (request_too_large; a push: split the batch), a blob over "
    "BLOB_MAX_BYTES (blob_too_large) or BLOB_MAX_PIXELS (too_many_pixels). details.max_bytes is the limit.",
    429: "Too many sign-in attempts (too_many_requests): wait and try again.",
    422: "Blob hash mismatch (sha256_mismatch), not a complete PNG/JPEG (invalid_image, unsupported_image).",
}


def _ref(name: str) -> dict:
    """A $ref to a component schema."""
    return {"$ref": f"#/components/schemas/{name}"}


def _error(status: int) -> dict:
    """A response using the one error shape."""
    return {"description": ERROR_CODES.get(status, "Error"), "content": {"application/json": {"schema": _ref("Error")}}}


def _data_name(kind) -> str:
    """Component name of a kind's data schema."""
    return "".join(part.title() for part in kind.name.split("_")) + "Data"


def build_spec() -> dict:
    """Assemble the OpenAPI 3 document."""
    spec = APISpec(
        title="School O&M field sync API",
        version="1.0.0",
        openapi_version="3.0.3",
        plugins=[MarshmallowPlugin()],
        info={
            "description": (
                "The contract between field devices and the server (shared/SYNC.md). Sign in with "
                "POST /api/auth/session; it sets the session cookie and returns a csrf_token that every "
                "write sends back as the X-CSRFToken header. Every record has a UUID id made where it "
                "is created, a version (1 on create, +1 per change), a change_seq and a tombstone. "
                "`data` holds the model's own columns (dates ISO `YYYY-MM-DD`, timestamps ISO-8601 UTC "
                "with `Z`); fields marked readOnly are set by the server and ignored in a push. "
                "Blobs are named by the SHA-256 of the uploaded bytes; the server stores a re-encoded "
                "copy without metadata, addressed by its own hash (stored_sha256, the ETag on GET)."
            )
        },
    )
    spec.components.security_scheme("session", {"type": "apiKey", "in": "cookie", "name": "session"})
    spec.components.security_scheme("csrf", {"type": "apiKey", "in": "header", "name": "X-CSRFToken"})
    spec.components.schema(
        "Error",
        {
            "type": "object",
            "required": ["error"],
            "properties": {
                "error": {
                    "type": "object",
                    "required": ["code", "message", "errors", "details"],
                    "properties": {
                        "code": {"type": "string", "enum": sorted(CATALOGUE),
                                 "description": "snake_case machine code, one of webapp/error_codes.py"},
                        "message": {"type": "string", "description": "for people, in their language"},
                        "errors": {"type": "object", "description": "messages per field (nested fields as "
                                   "dotted paths, items.0.max); empty when none",
                                   "additionalProperties": {"type": "array", "items": {"type": "string"}}},
                        "details": {"type": "object", "additionalProperties": True,
                                    "description": "facts about the error (ids, limits, states)"},
                    },
                }
            },
        },
    )
    kinds = all_kinds()
    for kind in kinds:
        spec.components.schema(_data_name(kind), schema=kind.schema)
    kind_names = [k.name for k in kinds]
    spec.components.schema("Kind", {"type": "string", "enum": kind_names})

    mutation_refs = []
    envelope = {
        "seq": {"type": "integer", "minimum": 1, "description": "rises by one per mutation on the device, from 1"},
        "id": {"type": "string", "format": "uuid", "description": "the record's id, made where it was created"},
    }
    for kind in kinds:
        if not kind.ops:
            continue
        base = _data_name(kind).replace("Data", "")
        variants = []
        for op in kind.ops:
            props = {**envelope, "kind": {"type": "string", "enum": [kind.name]}, "op": {"type": "string", "enum": [op]}}
            required = ["seq", "kind", "op", "id"]
            if op == "create":
                props["base_version"] = {"type": "integer", "nullable": True}
                props["data"] = _ref(_data_name(kind))
                required.append("data")
            elif op == "update":
                props["base_version"] = {"type": "integer", "minimum": 1,
                                         "description": "the version the edit was made on"}
                props["data"] = _ref(f"{base}Changes")
                required += ["base_version", "data"]
            else:
                props["base_version"] = {"type": "integer", "nullable": True, "minimum": 1}
            if kind.blobs and op == "create":
                props["blobs"] = {
                    "type": "object",
                    "properties": {slot: {"type": "string", "pattern": "^[0-9a-f]{64}$"} for slot in kind.blobs},
                    "required": list(kind.blobs),
                    "additionalProperties": False,
                    "description": "SHA-256 of each image; upload it with PUT /api/sync/blobs/{sha256}",
                }
                required.append("blobs")
            else:
                props["blobs"] = {"type": "object", "maxProperties": 0}
            name = f"{base}{op.title()}"
            spec.components.schema(
                name, {"type": "object", "required": required, "properties": props,
                       "description": f"{op} a {kind.record_type} `{kind.name}` record."},
            )
            variants.append(_ref(name))
        spec.components.schema(f"{base}Mutation", {"oneOf": variants})
        mutation_refs.append(f"{base}Mutation")
    spec.components.schema(
        "Mutation",
        {
            "oneOf": [_ref(n) for n in mutation_refs],
            "discriminator": {
                "propertyName": "kind",
                "mapping": {k.name: f"#/components/schemas/{_data_name(k).replace('Data', 'Mutation')}"
                            for k in kinds if k.ops},
            },
        },
    )
    # What push takes as a batch (anything else is a 400). Each mutation's kind rules are the
    # Mutation schema; one that breaks them is answered `rejected` in its result (SYNC.md), and
    # the batch goes on, so they cannot be the request's schema.
    # Built from the schema push itself loads a batch entry with, so the two cannot drift.
    spec.components.schema("MutationEnvelope", schema=type(PushRequestSchema().fields["mutations"].inner.schema))
    spec.components.schema(
        "PushRequest",
        {
            "type": "object",
            "required": ["client_id", "mutations"],
            "properties": {
                "client_id": {"type": "string", "pattern": CLIENT_ID_PATTERN,
                              "description": "uuid of this installed app; it belongs to the first user who uses it"},
                "mutations": {"type": "array", "items": _ref("MutationEnvelope"), "maxItems": 500,
                              "description": "in seq order; each should be a valid Mutation, or it is rejected"},
            },
        },
    )
    change_props = {
        "kind": _ref("Kind"),
        "id": {"type": "string"},
        "version": {"type": "integer"},
        "change_seq": {"type": "integer"},
        "deleted": {"type": "boolean", "description": "a tombstone, or out_of_scope: remove it from the device"},
        "out_of_scope": {"type": "boolean", "description": "no longer in this user's scope (e.g. ticket closed)"},
        "data": {"anyOf": [_ref(_data_name(k)) for k in kinds], "description": "the kind's Data schema"},
    }
    spec.components.schema(
        "Change",
        {"type": "object", "required": ["kind", "id", "version", "change_seq", "deleted", "data"],
         "properties": change_props},
    )
    spec.components.schema(
        "PushResult",
        {
            "type": "object",
            "required": ["seq", "status", "id"],
            "properties": {
                "seq": {"type": "integer"},
                "status": {"type": "string", "enum": ["applied", "duplicate", "conflict", "rejected"]},
                "original_status": {"type": "string", "description": "for a duplicate: what the first try did"},
                "id": {"type": "string", "nullable": True},
                "version": {"type": "integer", "nullable": True},
                "code": {"type": "string", "nullable": True,
                         "description": "same_record, field_conflict, record_deleted, id_exists, seq_reused, "
                                        "invalid, not_found, forbidden, locked, append_only, unsupported_op, unknown_kind"},
                "message": {"type": "string", "nullable": True},
                "errors": {"type": "object", "additionalProperties": {"type": "array", "items": {}},
                           "description": "field name (dotted path when nested) -> messages (rejected)"},
                "details": {"type": "object", "additionalProperties": True,
                            "description": "facts about a rejection (the path, the limit); codes as in Error"},
                "conflicts": {"type": "array", "items": {"type": "object", "properties": {
                    "conflict_id": {"type": "integer"}, "reason": {"type": "string"},
                    "field": {"type": "string", "nullable": True}, "server_value": {}, "device_value": {}}}},
                "server_state": {"anyOf": [_ref("Change"), {"type": "object", "nullable": True}],
                                 "description": "the record as the server now holds it (apply it like a pulled "
                                                "change); null when rejected"},
                "missing_blobs": {"type": "array", "items": {"type": "string"},
                                  "description": "blobs named but not uploaded yet: the record is incomplete"},
            },
        },
    )
    spec.components.schema(
        "PushResponse",
        {
            "type": "object",
            "required": ["last_seq", "results"],
            "properties": {
                "last_seq": {"type": "integer", "description": "highest seq committed for this client"},
                "expected_seq": {"type": "integer", "description": "last_seq + 1: where to resend from"},
                "results": {"type": "array", "items": _ref("PushResult")},
                "gap": {"type": "object", "properties": {"expected_seq": {"type": "integer"},
                                                         "received_seq": {"type": "integer"}}},
            },
        },
    )
    spec.components.schema(
        "PullResponse",
        {
            "type": "object",
            "required": ["changes", "cursor", "has_more"],
            "properties": {
                "changes": {"type": "array", "items": _ref("Change")},
                "cursor": {"type": "integer", "description": "store it with the page, in one transaction"},
                "has_more": {"type": "boolean"},
                "snapshot": {"type": "integer", "nullable": True,
                             "description": "while a sync from cursor 0 has more pages: send it back as "
                             "?snapshot= with the next page (closed tickets, old history and tombstones "
                             "from before it are left out); null otherwise"},
                "total": {"type": "integer", "description": "on the first page of a sync from cursor 0 "
                          "that has more pages: how many changes the whole sync delivers (for progress)"},
                "server_time": {"type": "string", "format": "date-time"},
                "scope": {"type": "object", "properties": {"customer_ids": {
                    "type": "array", "items": {"type": "string"}, "nullable": True,
                    "description": "a technician's customers; drop local records of any other (null: all)"}}},
                "epoch": {"type": "integer", "description": "changes when the server is restored from a backup: "
                          "resend what it lost (see last_seq), then pull from cursor 0"},
                "last_seq": {"type": "integer", "nullable": True, "description": "the last seq applied for the "
                             "X-Client-Id device (null without one); below what it acknowledged: the server was restored"},
            },
        },
    )
    spec.components.schema(
        "Blob",
        {
            "type": "object",
            "properties": {
                "sha256": {"type": "string"}, "stored_sha256": {"type": "string"}, "size": {"type": "integer"},
                "mime": {"type": "string", "enum": ["image/png", "image/jpeg"]},
                "width": {"type": "integer"}, "height": {"type": "integer"},
                "created": {"type": "boolean"},
                "completed": {"type": "array", "items": {"type": "object", "properties": {
                    "kind": {"type": "string"}, "id": {"type": "string"}, "version": {"type": "integer"}}}},
            },
        },
    )
    stamp = {"type": "string", "format": "date-time", "nullable": True}
    spec.components.schema(
        "Status",
        {
            "type": "object",
            "required": ["server_time", "latest_change_seq", "tombstone_horizon", "clients", "counts", "kinds"],
            "properties": {
                "server_time": {"type": "string", "format": "date-time"},
                "latest_change_seq": {"type": "integer", "description": "the highest committed change_seq"},
                "tombstone_horizon": {"type": "integer", "description": "a cursor below it gets 410"},
                "clients": {"type": "array", "items": {
                    "type": "object", "required": ["client_id", "last_seq"],
                    "properties": {"client_id": {"type": "string"}, "last_seq": {"type": "integer"},
                                   "last_push_at": stamp, "last_pull_at": stamp}}},
                "counts": {"type": "object", "additionalProperties": {"type": "integer"},
                           "description": "applied, open_conflicts, unhandled_rejections, incomplete"},
                "kinds": {"type": "array", "items": _ref("Kind")},
            },
        },
    )
    spec.components.schema(
        "SignIn",
        {"type": "object", "required": ["username", "password"],
         "properties": {"username": {"type": "string"}, "password": {"type": "string", "format": "password"}}},
    )
    spec.components.schema(
        "Session",
        {"type": "object", "properties": {"csrf_token": {"type": "string"}, "user": {"type": "object", "properties": {
            "id": {"type": "integer"}, "username": {"type": "string"}, "display_name": {"type": "string"},
            "role": {"type": "string"}, "locale": {"type": "string", "nullable": True}}}}},
    )

    signed_in = [{"session": []}]
    writes = [{"session": [], "csrf": []}]
    json_body = lambda name: {"required": True, "content": {"application/json": {"schema": _ref(name)}}}  # noqa: E731
    json_ok = lambda name, text: {"description": text, "content": {"application/json": {"schema": _ref(name)}}}  # noqa: E731
    sha_param = {"name": "sha256", "in": "path", "required": True,
                 "schema": {"type": "string", "pattern": "^[0-9a-f]{64}$"}}

    spec.path(
        "/api/auth/session",
        operations={
            "post": {"summary": "Sign in; sets the session cookie and returns the CSRF token", "security": [],
                     "requestBody": json_body("SignIn"),
                     "responses": {"200": json_ok("Session", "Signed in"), "400": _error(400), "401": _error(401),
                                   "413": _error(413), "429": _error(429)}},
            "get": {"summary": "Who is signed in, with a fresh CSRF token", "security": signed_in,
                    "responses": {"200": json_ok("Session", "Signed in"), "401": _error(401)}},
            "delete": {"summary": "Sign out", "security": writes, "responses": {
                "200": {"description": "Signed out", "content": {"application/json": {"schema": {
                    "type": "object", "required": ["ok"], "properties": {"ok": {"type": "boolean"}}}}}},
                "400": _error(400), "401": _error(401)}},
        },
    )
    spec.path(
        "/api/sync/push",
        operations={"post": {
            "summary": "Apply mutations exactly once each, in seq order; a gap stops the batch",
            "security": writes,
            "requestBody": json_body("PushRequest"),
            "responses": {"200": json_ok("PushResponse", "Per-mutation results"), "400": _error(400),
                          "401": _error(401), "403": _error(403), "413": _error(413)},
        }},
    )
    spec.path(
        "/api/sync/pull",
        operations={"get": {
            "summary": "Changes after a cursor, ordered by change_seq",
            "security": signed_in,
            "parameters": [
                {"name": "cursor", "in": "query",
                 "schema": {"type": "integer", "minimum": 0, "maximum": BIGINT_MAX, "default": 0}},
                {"name": "limit", "in": "query",
                 "schema": {"type": "integer", "minimum": 1, "maximum": PULL_MAX_LIMIT, "default": 500}},
                {"name": "snapshot", "in": "query",
                 "schema": {"type": "integer", "minimum": 0, "maximum": BIGINT_MAX},
                 "description": "the `snapshot` the previous page answered: the later pages of a sync from "
                                "cursor 0 then leave out what a fresh device never needs"},
                {"name": "client_id", "in": "query", "schema": {"type": "string", "pattern": CLIENT_ID_PATTERN},
                 "description": "or the X-Client-Id header: lets the server track the device's scope"},
            ],
            "responses": {"200": json_ok("PullResponse", "A page of changes"), "400": _error(400),
                          "401": _error(401), "403": _error(403), "410": _error(410)},
        }},
    )
    spec.path(
        "/api/sync/blobs/{sha256}",
        operations={
            "head": {"summary": "Does the server have this blob?", "security": signed_in, "parameters": [sha_param],
                     "responses": {"200": {"description": "Present"}, "404": {"description": "Upload it"},
                                   "401": {"description": "Not signed in"}}},
            "put": {"summary": "Upload a PNG or JPEG named by the SHA-256 of its bytes", "security": writes,
                    "parameters": [sha_param],
                    "requestBody": {"required": True, "content": {
                        "image/png": {"schema": {"type": "string", "format": "binary"}},
                        "image/jpeg": {"schema": {"type": "string", "format": "binary"}}}},
                    "responses": {"201": json_ok("Blob", "Stored; records waiting for it are complete"),
                                  "200": json_ok("Blob", "Already stored"), "400": _error(400), "401": _error(401),
                                  "413": _error(413), "422": _error(422)}},
            "get": {"summary": "The stored image (metadata stripped)", "security": signed_in, "parameters": [sha_param],
                    "responses": {"200": {"description": "The image", "content": {
                        "image/png": {"schema": {"type": "string", "format": "binary"}},
                        "image/jpeg": {"schema": {"type": "string", "format": "binary"}}}},
                        "401": _error(401), "404": _error(404)}},
        },
    )
    spec.path(
        "/api/sync/status",
        operations={"get": {"summary": "Server time, this user's devices, counts waiting for review",
                            "security": signed_in,
                            "responses": {"200": json_ok("Status", "Status"), "401": _error(401)}}},
    )
    document = spec.to_dict()
    schemas = document["components"]["schemas"]
    for kind in kinds:
        data = schemas[_data_name(kind)]
        changes = {k: v for k, v in data.items() if k != "required"}
        changes["description"] = f"Fields of a `{kind.name}` to change (update): any subset of its data."
        schemas[_data_name(kind).replace("Data", "Changes")] = changes
    document["security"] = signed_in
    document["x-sync-kinds"] = {
        kind.name: {
            "record_type": kind.record_type,
            "ops": list(kind.ops),
            "schema": f"#/components/schemas/{_data_name(kind)}",
            "blobs": kind.blobs,
            "merge": "field-by-field against base_version" if kind.record_type == SHARED else "append-only",
            "description": kind.description,
        }
        for kind in kinds
    }
    document["x-envelope"] = list(ENVELOPE)
    return document


@bp.route("/openapi.json")
def openapi_json():
    """The OpenAPI document (public: it describes shapes, not data)."""
    document = current_app.extensions.get("sync_openapi")
    if document is None:
        document = build_spec()
        current_app.extensions["sync_openapi"] = document
    return jsonify(document)


__all__ = ["bp", "build_spec", "MutationSchema", "PushRequestSchema"]
