"""Photos, signatures and filed PDFs in an S3-compatible bucket (STORAGE_BACKEND=s3), so several
app servers share them; tested against a real S3-protocol server in its own process."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from tests.support.field_device import FieldDevice, jpeg_bytes, sha256
from tests.support.maintenance import demo_with_signed_sheet, signature_png
from tests.support.object_store import start_object_store
from webapp import backup
from webapp.auth.models import User
from webapp.documents.filing import document_storage, read_document
from webapp.documents.models import Blob, Document
from webapp.documents.object_storage import S3Storage
from webapp.documents.storage import storage_for
from webapp.extensions import db

PHOTO = jpeg_bytes(320, 240, seed=21)
SIGNATURE = signature_png(480, 192)


@pytest.fixture(scope="module")
def object_store():
    """One S3-protocol server for this module's tests."""
    server = start_object_store()
    yield server
    server.stop()


@pytest.fixture
def bucket(object_store) -> str:
    """An empty bucket of its own for each test."""
    return object_store.new_bucket()


def s3_settings(object_store, bucket: str) -> dict:
    """The settings that put both stores in the bucket."""
    return {"STORAGE_BACKEND": "s3", "S3_BUCKET": bucket, "S3_ENDPOINT_URL": object_store.endpoint, "S3_REGION": "us-east-1"}


def files_in(folder: str) -> list[Path]:
    """Files under a storage folder (none should be written with the s3 backend)."""
    return [p for p in Path(folder).rglob("*") if p.is_file()] if Path(folder).exists() else []


def test_s3_store_put_get_exists_delete(object_store, bucket):
    """The four methods of the storage interface, on the real protocol; a key is a SHA-256."""
    store = S3Storage(object_store.client(), bucket, "blobs/")
    key = sha256(PHOTO)
    assert store.get(key) is None and not store.exists(key)
    store.put(key, PHOTO)
    store.put(key, PHOTO)  # the same content twice is one object
    assert store.exists(key) and store.get(key) == PHOTO
    assert object_store.keys(bucket) == [f"blobs/{key[:2]}/{key}"]
    store.delete(key)
    store.delete(key)  # deleting what is gone is fine
    assert store.get(key) is None and object_store.keys(bucket) == []
    with pytest.raises(ValueError):
        store.get("../etc/passwd")


def test_an_unknown_backend_is_refused_at_first_use(make_app):
    """A typo in STORAGE_BACKEND is a clear error, not a silent fall-back to a folder."""
    app = make_app(STORAGE_BACKEND="s4")
    with app.app_context(), pytest.raises(RuntimeError, match="STORAGE_BACKEND"):
        storage_for()


def test_a_signed_sheet_lives_in_the_bucket_and_a_second_server_serves_it(make_app, object_store, bucket):
    """A tablet's photo, signature and the filed PDF land in the bucket under blobs/ and documents/,
    nothing in the folders; a second app server on the same database and bucket serves them."""
    settings = s3_settings(object_store, bucket)
    first = make_app(**settings)
    second = make_app(**settings)
    with first.app_context():
        school = demo_with_signed_sheet(first.test_client(), PHOTO, SIGNATURE)
        mine = [sha256(PHOTO), sha256(SIGNATURE)]
        assert len(db.session.scalars(select(Blob.sha256).where(Blob.sha256.in_(mine))).all()) == 2
        blob_keys = sorted(db.session.scalars(select(Blob.stored_sha256)))  # the demo's own papers too
        documents = db.session.scalars(select(Document)).all()
        assert documents, "the filed sheet"
        pdf_keys = sorted({d.storage_key for d in documents})
        assert set(object_store.keys(bucket)) >= set(
            [f"blobs/{k[:2]}/{k}" for k in blob_keys] + [f"documents/{k[:2]}/{k}" for k in pdf_keys]
        )
        assert files_in(first.config["BLOB_STORAGE_DIR"]) == [] and files_in(first.config["DOCUMENT_STORAGE_DIR"]) == []
        assert read_document(documents[0]).startswith(b"%PDF")
        technician_id = school.tech.id
    with second.app_context():
        colleague_tablet = FieldDevice(second.test_client(), db.session.get(User, technician_id))
        download = colleague_tablet.client.get(f"/api/sync/blobs/{sha256(PHOTO)}", headers=colleague_tablet.headers())
        assert download.status_code == 200 and sha256(download.data) == download.headers["ETag"].strip('"')
        assert isinstance(document_storage(), S3Storage) and document_storage().get(pdf_keys[0]).startswith(b"%PDF")


def test_a_backup_copies_the_bucket_and_checks_it(make_app, object_store, bucket, tmp_path):
    """`flask backup create` reads photos and PDFs out of the bucket, and verify finds them whole."""
    app = make_app(**s3_settings(object_store, bucket))
    with app.app_context():
        demo_with_signed_sheet(app.test_client(), PHOTO, SIGNATURE)
        manifest = backup.create_backup(tmp_path / "backup")
        copied = set(manifest["files"])
        assert manifest["missing_files"] == []
        assert {f"blobs/{k[:2]}/{k}" for k in db.session.scalars(select(Blob.stored_sha256))} <= copied
        assert {f"documents/{k[:2]}/{k}" for k in db.session.scalars(select(Document.storage_key))} <= copied
        assert backup.verify_backup(tmp_path / "backup") == []
