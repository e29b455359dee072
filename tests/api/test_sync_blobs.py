"""Blob uploads: limits, formats, metadata stripped, one blob per content, sign-in required."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from tests.support.field_device import FieldDevice, jpeg_bytes, png_bytes, sha256
from tests.support.factories import make_user
from webapp.auth.models import Role
from webapp.documents.models import Blob
from webapp.extensions import db


def stored_files(app) -> list[Path]:
    """Files in the blob store (temporary uploads included)."""
    return [p for p in Path(app.config["BLOB_STORAGE_DIR"]).rglob("*") if p.is_file()]


@pytest.fixture
def phone(app):
    """A signed-in technician's device."""
    return FieldDevice(app.test_client(), make_user(Role.TECHNICIAN))


def test_blob_over_byte_limit_is_413_and_not_stored(make_app):
    """A file over BLOB_MAX_BYTES is refused with 413 and leaves nothing behind."""
    app = make_app(BLOB_MAX_BYTES=2000)
    with app.app_context():
        device = FieldDevice(app.test_client(), make_user(Role.TECHNICIAN))
        big = jpeg_bytes(400, 300, seed=1)
        assert len(big) > 2000
        response = device.put_blob(big)
        assert response.status_code == 413
        assert response.get_json()["error"]["code"] == "blob_too_large"
        assert db.session.query(Blob).count() == 0 and stored_files(app) == []


def test_blob_over_pixel_limit_is_413(make_app):
    """An image with more pixels than BLOB_MAX_PIXELS is refused with 413."""
    app = make_app(BLOB_MAX_PIXELS=100 * 100)
    with app.app_context():
        device = FieldDevice(app.test_client(), make_user(Role.TECHNICIAN))
        response = device.put_blob(png_bytes(200, 100, seed=2))
        assert response.status_code == 413
        assert response.get_json()["error"]["code"] == "too_many_pixels"
        assert db.session.query(Blob).count() == 0 and stored_files(app) == []


def test_gif_is_refused(phone, app):
    """Only PNG and JPEG are accepted."""
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, "GIF")
    response = phone.put_blob(out.getvalue())
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "unsupported_image"


def test_jpeg_metadata_is_stripped_and_storage_addressed_by_stored_bytes(phone, app):
    """EXIF (camera, GPS) is gone from what is stored; the stored bytes are named by their own hash."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0131] = "CameraApp 1.0"  # Software
    original = jpeg_bytes(120, 80, seed=4, exif=exif.tobytes())
    assert b"PhoneMaker" in original
    response = phone.put_blob(original)
    assert response.status_code == 201
    info = response.get_json()
    assert info["sha256"] == sha256(original) and info["mime"] == "image/jpeg"
    download = phone.client.get(f"/api/sync/blobs/{sha256(original)}", headers=phone.headers())
    kept = download.data
    assert b"PhoneMaker" not in kept and b"CameraApp" not in kept
    assert sha256(kept) == info["stored_sha256"] == download.headers["ETag"].strip('"')
    assert not Image.open(io.BytesIO(kept)).getexif()
    assert (Path(app.config["BLOB_STORAGE_DIR"]) / info["stored_sha256"][:2] / info["stored_sha256"]).read_bytes() == kept


def test_png_pixels_survive_reencoding(phone):
    """A signature PNG keeps every pixel (and its transparency) after metadata is stripped."""
    ink = png_bytes(90, 40, seed=5)
    phone.put_blob(ink)
    kept = phone.client.get(f"/api/sync/blobs/{sha256(ink)}", headers=phone.headers()).data
    before, after = Image.open(io.BytesIO(ink)), Image.open(io.BytesIO(kept))
    assert after.mode == before.mode == "RGBA"
    assert after.tobytes() == before.tobytes()


def test_same_bytes_twice_are_one_blob(phone, app):
    """Uploading the same image again answers 200 and stores nothing new."""
    ink = png_bytes(seed=8)
    assert phone.put_blob(ink).status_code == 201
    files = stored_files(app)
    second = phone.put_blob(ink)
    assert second.status_code == 200 and second.get_json()["created"] is False
    assert db.session.query(Blob).count() == 1 and stored_files(app) == files


def test_blob_name_must_be_a_sha256(phone):
    """A blob name that is not a lowercase SHA-256 is a 400 with the error shape."""
    response = phone.put_blob(png_bytes(seed=9), name="NOT-A-HASH")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_sha256"


def test_blob_calls_need_sign_in(client):
    """HEAD, PUT and GET of blobs answer 401 JSON to a client that is not signed in."""
    ink = png_bytes(seed=10)
    name = sha256(ink)
    assert client.head(f"/api/sync/blobs/{name}").status_code == 401
    put = client.put(f"/api/sync/blobs/{name}", data=ink)
    assert put.status_code == 401 and put.get_json()["error"]["code"] == "unauthorized"
    assert client.get(f"/api/sync/blobs/{name}").status_code == 401


def test_png_text_chunks_are_dropped_losslessly(phone):
    """Text chunks leave a PNG; the compressed pixel data is kept as it was."""
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Zhang Wei, 13800000001")
    out = io.BytesIO()
    Image.open(io.BytesIO(png_bytes(seed=11))).save(out, "PNG", pnginfo=info)
    original = out.getvalue()
    phone.put_blob(original)
    kept = phone.client.get(f"/api/sync/blobs/{sha256(original)}", headers=phone.headers()).data
    assert b"13800000001" not in kept and b"tEXt" not in kept
    assert Image.open(io.BytesIO(kept)).tobytes() == Image.open(io.BytesIO(original)).tobytes()


def test_rotated_jpeg_is_stored_upright(phone):
    """A JPEG whose EXIF says 'rotate 90°' is stored turned upright, without the EXIF."""
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    original = jpeg_bytes(120, 80, seed=12, exif=exif.tobytes())
    info = phone.put_blob(original).get_json()
    assert (info["width"], info["height"]) == (80, 120)
    kept = phone.client.get(f"/api/sync/blobs/{sha256(original)}", headers=phone.headers()).data
    assert Image.open(io.BytesIO(kept)).size == (80, 120) and not Image.open(io.BytesIO(kept)).getexif()


def test_truncated_jpeg_is_refused(phone):
    """A photo cut off in transfer is a 422 and is not stored."""
    photo = jpeg_bytes(400, 300, seed=13)
    response = phone.put_blob(photo[: len(photo) * 2 // 3])
    assert response.status_code == 422 and response.get_json()["error"]["code"] == "invalid_image"
    assert db.session.query(Blob).count() == 0
