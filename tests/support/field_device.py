"""Helpers for the sync tests: a field device speaking SYNC.md through a test client or HTTP."""
from __future__ import annotations

import hashlib
import io
import json
import random
import uuid
from datetime import date

from flask import g, has_app_context
from PIL import Image

from tests.support.factories import PASSWORD, login
from webapp.documents.signed_content import content_sha256, signed_content_sha256


def png_bytes(width: int = 60, height: int = 30, seed: int | None = None) -> bytes:
    """A real PNG with a few strokes (different for each seed), like a signature."""
    rng = random.Random(seed)
    image = Image.new("RGBA", (width, height), (255, 255, 255, 0))
    for _ in range(40):
        image.putpixel((rng.randrange(width), rng.randrange(height)), (0, 0, 0, 255))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def jpeg_bytes(width: int = 80, height: int = 60, seed: int | None = None, exif: bytes | None = None) -> bytes:
    """A real JPEG photo-like image, optionally with EXIF."""
    rng = random.Random(seed)
    image = Image.new("RGB", (width, height), (rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    out = io.BytesIO()
    params = {"quality": 85}
    if exif is not None:
        params["exif"] = exif
    image.save(out, "JPEG", **params)
    return out.getvalue()


def sha256(data: bytes) -> str:
    """Hex SHA-256."""
    return hashlib.sha256(data).hexdigest()


def new_id() -> str:
    """A record id made on the device."""
    return str(uuid.uuid4())


def forget_cached_user() -> None:
    """Test-client requests share the test's app context, and so Flask-Login's cached user in
    `g`; drop it so each request loads the user of its own session, as a real server does."""
    if has_app_context():
        g.pop("_login_user", None)


class FieldDevice:
    """One installed field app: a client id, a seq counter, and an HTTP-ish client."""

    def __init__(self, client, user=None, client_id: str | None = None, csrf: bool = False):
        """Sign in (when a user is given) and remember the CSRF token."""
        self.client = client
        self.client_id = client_id or str(uuid.uuid4())
        self.seq = 0
        self.csrf_token = None
        if user is not None:
            self.sign_in(user)

    def sign_in(self, user, password: str = PASSWORD) -> None:
        """POST /api/auth/session."""
        forget_cached_user()
        self.csrf_token = login(self.client, user, password)

    def headers(self) -> dict:
        """Headers every sync call carries (and a fresh look at who is signed in)."""
        forget_cached_user()
        headers = {"X-Client-Id": self.client_id} if self.client_id else {}
        if self.csrf_token:
            headers["X-CSRFToken"] = self.csrf_token
        return headers

    def next_seq(self) -> int:
        """The next seq of this device."""
        self.seq += 1
        return self.seq

    def push(self, mutations: list[dict], client_id: str | None = None):
        """POST /api/sync/push; returns the response."""
        body = {"client_id": client_id or self.client_id, "mutations": mutations}
        return self.client.post("/api/sync/push", json=body, headers=self.headers())

    def pull(self, cursor: int = 0, limit: int | None = None, snapshot: int | None = None):
        """GET /api/sync/pull."""
        url = (f"/api/sync/pull?cursor={cursor}" + (f"&limit={limit}" if limit else "")
               + (f"&snapshot={snapshot}" if snapshot is not None else ""))
        return self.client.get(url, headers=self.headers())

    def pull_all(self, cursor: int = 0, limit: int | None = None) -> tuple[list[dict], int]:
        """Pull every page from a cursor, sending back the snapshot of a sync from 0 as the
        field app does; returns (changes, final cursor)."""
        changes: list[dict] = []
        snapshot = None
        while True:
            response = self.pull(cursor, limit, snapshot)
            assert response.status_code == 200, response.get_json()
            body = response.get_json()
            changes.extend(body["changes"])
            cursor = body["cursor"]
            snapshot = body.get("snapshot")
            if not body["has_more"]:
                return changes, cursor

    def put_blob(self, data: bytes, name: str | None = None):
        """PUT /api/sync/blobs/<sha256>."""
        return self.client.put(
            f"/api/sync/blobs/{name or sha256(data)}", data=data,
            headers={**self.headers(), "Content-Type": "application/octet-stream"},
        )

    def diary(self, customer_id: str, text: str = "巡检机房，设备运行正常。", day: date | None = None,
              record_id: str | None = None, **extra) -> dict:
        """A diary_entry create mutation with the next seq."""
        data = {"customer_id": customer_id, "date": (day or date(2026, 3, 2)).isoformat(), "text": text, **extra}
        return {"seq": self.next_seq(), "kind": "diary_entry", "op": "create", "id": record_id or new_id(),
                "base_version": None, "data": data, "blobs": {}}

    def update(self, kind: str, record_id: str, base_version: int, **data) -> dict:
        """An update mutation with the next seq."""
        return {"seq": self.next_seq(), "kind": kind, "op": "update", "id": record_id,
                "base_version": base_version, "data": data, "blobs": {}}

    def delete(self, kind: str, record_id: str, base_version: int) -> dict:
        """A delete mutation with the next seq."""
        return {"seq": self.next_seq(), "kind": kind, "op": "delete", "id": record_id,
                "base_version": base_version, "data": {}, "blobs": {}}

    def signature(self, document_kind: str, document_id: str, image: bytes, role: str = "customer",
                  signed_at: str = "2026-03-02T06:30:00Z", record_id: str | None = None,
                  content: dict | None = None) -> dict:
        """A signature create mutation naming its image blob, over `content` (the document's data as
        the device holds it) or, when not given, over the document as the server holds it now."""
        content_hash = (content_sha256(document_kind, document_id, content) if content is not None
                        else signed_content_sha256(document_kind, document_id))
        data = {"document_kind": document_kind, "document_id": document_id, "signer_name": "周建国",
                "signer_role": role, "signed_at": signed_at,
                "content_sha256": content_hash or sha256(b"content:" + document_id.encode())}
        return {"seq": self.next_seq(), "kind": "signature", "op": "create", "id": record_id or new_id(),
                "base_version": None, "data": data, "blobs": {"image": sha256(image)}}

    def photo(self, document_kind: str, document_id: str, image: bytes, caption: str = "机柜正面",
              taken_at: str = "2026-03-02T06:20:00Z", record_id: str | None = None) -> dict:
        """A photo create mutation naming its image blob."""
        data = {"document_kind": document_kind, "document_id": document_id, "caption": caption, "taken_at": taken_at}
        return {"seq": self.next_seq(), "kind": "photo", "op": "create", "id": record_id or new_id(),
                "base_version": None, "data": data, "blobs": {"image": sha256(image)}}


def statuses(response) -> list[str]:
    """The status of each result of a push response."""
    body = response.get_json()
    assert response.status_code == 200, body
    return [r["status"] for r in body["results"]]


def dumps(value) -> str:
    """Canonical JSON, for comparing payloads."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


class _HttpResponse:
    """The bits of a response the sync tests read, from a real HTTP exchange."""

    def __init__(self, status_code: int, body: bytes, headers):
        """Keep status, body and headers."""
        self.status_code = status_code
        self.data = body
        self.headers = headers

    def get_json(self):
        """The body as JSON (None when empty)."""
        return json.loads(self.data) if self.data else None


class HttpDevice(FieldDevice):
    """A field device talking to a real server over HTTP (for the concurrent tests)."""

    def __init__(self, base_url: str, client_id: str | None = None, cookies=None):
        """A device with its own cookie jar (or a shared one: two tabs of one browser)."""
        import http.cookiejar
        import urllib.request

        super().__init__(client=None, client_id=client_id)
        self.base_url = base_url
        self.cookies = cookies if cookies is not None else http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def request(self, method: str, path: str, body=None, headers: dict | None = None, timeout: float = 60):
        """Send one request; HTTP errors are answers, not exceptions."""
        import urllib.error
        import urllib.request

        data = None
        headers = dict(headers or {})
        if body is not None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            headers.setdefault("Content-Type", "application/json")
        req = urllib.request.Request(self.base_url + path, data=data, method=method, headers=headers)
        try:
            with self.opener.open(req, timeout=timeout) as resp:
                return _HttpResponse(resp.status, resp.read(), resp.headers)
        except urllib.error.HTTPError as err:
            return _HttpResponse(err.code, err.read(), err.headers)

    def sign_in(self, user, password: str = PASSWORD) -> None:
        """POST /api/auth/session over HTTP."""
        username = user if isinstance(user, str) else user.username
        response = self.request("POST", "/api/auth/session", {"username": username, "password": password})
        assert response.status_code == 200, response.data
        self.csrf_token = response.get_json()["csrf_token"]

    def headers(self) -> dict:
        """Headers every sync call carries."""
        headers = {"X-Client-Id": self.client_id} if self.client_id else {}
        if self.csrf_token:
            headers["X-CSRFToken"] = self.csrf_token
        return headers

    def push(self, mutations: list[dict], client_id: str | None = None):
        """POST /api/sync/push over HTTP."""
        body = {"client_id": client_id or self.client_id, "mutations": mutations}
        return self.request("POST", "/api/sync/push", body, self.headers())

    def pull(self, cursor: int = 0, limit: int | None = None, snapshot: int | None = None):
        """GET /api/sync/pull over HTTP."""
        url = (f"/api/sync/pull?cursor={cursor}" + (f"&limit={limit}" if limit else "")
               + (f"&snapshot={snapshot}" if snapshot is not None else ""))
        return self.request("GET", url, None, self.headers())

    def put_blob(self, data: bytes, name: str | None = None):
        """PUT /api/sync/blobs/<sha256> over HTTP."""
        return self.request("PUT", f"/api/sync/blobs/{name or sha256(data)}", data,
                            {**self.headers(), "Content-Type": "application/octet-stream"})

