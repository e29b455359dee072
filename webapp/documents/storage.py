"""Blob storage: one small interface, a folder by default, object storage later.

How content addressing stays honest: a device names an image by the SHA-256 of the bytes it
uploads, and the server checks that hash before anything else. The server never keeps those
bytes as they are: it re-encodes the image without its metadata (EXIF, GPS, text chunks,
colour profiles). The re-encoded bytes are stored under *their own* SHA-256
(`Blob.stored_sha256`), so whatever a storage backend holds is named by what it holds and can
be checked at any time with `sha256(bytes) == key`. The `Blob` row maps the uploaded name to
the stored object. Two uploads that differ only in metadata share one stored object; the same
bytes uploaded twice are one blob.

A backend implements `put(key, data)`, `get(key)`, `exists(key)` and `delete(key)` with keys
that are lowercase SHA-256 hex. `FolderStorage` writes `<dir>/<ab>/<abcdef...>` atomically.
An S3-compatible backend only has to implement the same four methods; `storage_for(app)` picks
the backend from config (`BLOB_STORAGE_BACKEND`, default "folder").
"""
from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Protocol

from flask import Flask, current_app
from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from ..errors import DomainError

SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
CHUNK = 64 * 1024


def is_sha256(value: object) -> bool:
    """True for a lowercase SHA-256 hex digest."""
    return isinstance(value, str) and bool(SHA256_RE.match(value))


class BlobStorage(Protocol):
    """What every blob backend offers; keys are SHA-256 hex of the stored bytes."""

    def put(self, key: str, data: bytes) -> None:
        """Store bytes under a key (idempotent)."""

    def get(self, key: str) -> bytes | None:
        """The bytes under a key, or None."""

    def exists(self, key: str) -> bool:
        """True when the key is stored."""

    def delete(self, key: str) -> None:
        """Remove a key (missing keys are fine)."""


class FolderStorage:
    """Blobs as files in a folder, fanned out by the first two hex digits."""

    def __init__(self, root: str | os.PathLike):
        """Use (and create) this folder."""
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def path(self, key: str) -> Path:
        """Where a key lives on disk."""
        if not is_sha256(key):
            raise ValueError("blob keys are sha256 hex")
        return self.root / key[:2] / key

    def put(self, key: str, data: bytes) -> None:
        """Write atomically: a temporary file renamed into place."""
        target = self.path(key)
        if target.exists():
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".put-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> bytes | None:
        """Read a stored blob."""
        target = self.path(key)
        return target.read_bytes() if target.exists() else None

    def exists(self, key: str) -> bool:
        """True when the file is there."""
        return self.path(key).exists()

    def delete(self, key: str) -> None:
        """Remove the file."""
        self.path(key).unlink(missing_ok=True)

    def temp_dir(self) -> Path:
        """A folder for uploads in progress, on the same disk as the store."""
        tmp = self.root / "tmp"
        tmp.mkdir(parents=True, exist_ok=True)
        return tmp


BACKENDS = {"folder": lambda app: FolderStorage(app.config["BLOB_STORAGE_DIR"])}


def storage_for(app: Flask | None = None) -> BlobStorage:
    """The configured backend of an app (cached on the app)."""
    app = app or current_app._get_current_object()
    store = app.extensions.get("blob_storage")
    if store is None:
        backend = app.config.get("BLOB_STORAGE_BACKEND", "folder")
        store = BACKENDS[backend](app)
        app.extensions["blob_storage"] = store
    return store


def upload_temp_dir(app: Flask | None = None) -> Path:
    """Where an upload is streamed before it is checked."""
    store = storage_for(app)
    if isinstance(store, FolderStorage):
        return store.temp_dir()
    path = Path(tempfile.gettempdir()) / "blob-uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


# --- checking an uploaded image --------------------------------------------------------------


class BlobRejected(DomainError):
    """An upload that is not stored: wrong hash, not an image, too large."""

    status = 422

    def __init__(self, message: str, code: str, details: dict | None = None, status: int = 422):
        """A rejection with its HTTP status: 413 for limits, 422 for bad content."""
        super().__init__(message, code=code, details=details)
        self.status = status


@dataclass
class CleanImage:
    """An image ready to store: the re-encoded bytes and what they are."""

    data: bytes
    stored_sha256: str
    mime: str
    width: int
    height: int


@dataclass
class Spooled:
    """An upload written to a temporary file, with its hash and size."""

    path: Path
    sha256: str
    size: int


def spool_upload(stream: IO[bytes], max_bytes: int, directory: Path) -> Spooled:
    """Copy a stream to a temporary file while hashing it; 413 past max_bytes (nothing kept)."""
    digest = hashlib.sha256()
    size = 0
    fd, name = tempfile.mkstemp(dir=directory, prefix="upload-")
    path = Path(name)
    try:
        with os.fdopen(fd, "wb") as out:
            while True:
                chunk = stream.read(CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > max_bytes:
                    raise BlobRejected(
                        _("The file is larger than %(limit)s bytes.", limit=max_bytes),
                        code="blob_too_large",
                        details={"max_bytes": max_bytes},
                        status=413,
                    )
                digest.update(chunk)
                out.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return Spooled(path=path, sha256=digest.hexdigest(), size=size)


def clean_image(path: Path, max_pixels: int) -> CleanImage:
    """Check that a file is a real, complete PNG or JPEG within the pixel limit; re-encode it bare."""
    try:
        with Image.open(path) as probe:
            fmt = probe.format
            width, height = probe.size
            if fmt not in ("PNG", "JPEG", "MPO"):
                raise BlobRejected(_("Only PNG and JPEG images are accepted."), code="unsupported_image")
            if width * height > max_pixels:
                raise BlobRejected(
                    _("The image has more than %(limit)s pixels.", limit=max_pixels),
                    code="too_many_pixels",
                    details={"max_pixels": max_pixels, "width": width, "height": height},
                    status=413,
                )
            probe.verify()
        with Image.open(path) as image:
            image.load()  # decodes every pixel: a truncated file fails here
            return _reencode(image, fmt)
    except BlobRejected:
        raise
    except Image.DecompressionBombError as err:
        raise BlobRejected(
            _("The image has more than %(limit)s pixels.", limit=max_pixels),
            code="too_many_pixels",
            details={"max_pixels": max_pixels},
            status=413,
        ) from err
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as err:
        raise BlobRejected(
            _("The file is not a complete PNG or JPEG image."), code="invalid_image", details={"reason": str(err)[:200]}
        ) from err


def _reencode(image: Image.Image, fmt: str) -> CleanImage:
    """Write the pixels again without metadata (EXIF orientation applied first for JPEG)."""
    out = io.BytesIO()
    if fmt == "PNG":
        params: dict = {}
        if "transparency" in image.info:
            params["transparency"] = image.info["transparency"]
        image.save(out, "PNG", **params)
        mime = "image/png"
        result = image
    else:
        result = ImageOps.exif_transpose(image)
        if result.mode not in ("RGB", "L", "CMYK"):
            result = result.convert("RGB")
        if result is image and fmt == "JPEG":
            result.save(out, "JPEG", quality="keep", subsampling="keep")
        else:
            result.save(out, "JPEG", quality=90)
        mime = "image/jpeg"
    data = out.getvalue()
    return CleanImage(
        data=data,
        stored_sha256=hashlib.sha256(data).hexdigest(),
        mime=mime,
        width=result.width,
        height=result.height,
    )
