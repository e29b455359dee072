"""Blob storage: one small interface, a folder by default, object storage later.

How content addressing stays honest: a device names an image by the SHA-256 of the bytes it
uploads, and the server checks that hash before anything else. The server never keeps those
bytes as they are: it removes the image's metadata (EXIF, GPS, XMP, text chunks, colour
profiles) -- losslessly, by dropping those JPEG segments / PNG chunks around the untouched
compressed pixels, or by re-encoding a JPEG whose EXIF says it is rotated, so it stays upright. The re-encoded bytes are stored under *their own* SHA-256
(`Blob.stored_sha256`), so whatever a storage backend holds is named by what it holds and can
be checked at any time with `sha256(bytes) == key`. The `Blob` row maps the uploaded name to
the stored object. Two uploads that differ only in metadata share one stored object; the same
bytes uploaded twice are one blob.

A backend implements `put(key, data)`, `get(key)`, `exists(key)` and `delete(key)` with keys
that are lowercase SHA-256 hex. `FolderStorage` writes `<dir>/<ab>/<abcdef...>` atomically.
`object_storage.S3Storage` implements the same four methods over an S3-compatible bucket, for
several app servers; `storage_for(app)` and `filing.document_storage(app)` pick the backend from
config (`STORAGE_BACKEND`: "folder", the default, or "s3").
"""
from __future__ import annotations

import hashlib
import io
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Protocol

from flask import Flask, current_app
from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from ..errors import DomainError
from .keys import is_sha256
from .object_storage import s3_store

__all__ = ["is_sha256"]  # the key rule is keys.is_sha256; many callers import it from here

CHUNK = 64 * 1024


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


# What each backend makes of a store's folder setting and object-store prefix.
BACKENDS = {
    "folder": lambda app, folder_setting, prefix: FolderStorage(app.config[folder_setting]),
    "s3": lambda app, folder_setting, prefix: s3_store(app, prefix),
}


def configured_store(app: Flask, name: str, folder_setting: str, prefix: str) -> BlobStorage:
    """The store `name` of an app, made once by the configured backend (STORAGE_BACKEND)."""
    store = app.extensions.get(name)
    if store is None:
        backend = app.config.get("STORAGE_BACKEND", "folder")
        if backend not in BACKENDS:
            raise RuntimeError(f"STORAGE_BACKEND must be one of {sorted(BACKENDS)}, not {backend!r}")
        store = BACKENDS[backend](app, folder_setting, prefix)
        app.extensions[name] = store
    return store


def storage_for(app: Flask | None = None) -> BlobStorage:
    """Where uploaded photos and signatures live (cached on the app)."""
    return configured_store(app or current_app._get_current_object(), "blob_storage", "BLOB_STORAGE_DIR", "blobs/")


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
    """Check that a file is a real, complete PNG or JPEG within the pixel limit; store it bare."""
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
            orientation = image.getexif().get(0x0112, 1) if fmt != "PNG" else 1
            if fmt != "PNG" and orientation == 1:
                # Decode every scan at 1/8 scale: all entropy-coded data is still read (so a
                # truncated file fails), at a fraction of the cost; the pixels are not re-encoded.
                image.draft(image.mode, (max(1, width // 8), max(1, height // 8)))
            image.load()  # decodes the pixel data: a truncated file fails here
            data = path.read_bytes()
            stripped = strip_png(data) if fmt == "PNG" else (strip_jpeg(data) if orientation == 1 else None)
            if stripped is not None and _same_geometry(stripped, (width, height)):
                return _clean(stripped, "image/png" if fmt == "PNG" else "image/jpeg", (width, height))
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


def _clean(data: bytes, mime: str, size: tuple[int, int]) -> CleanImage:
    """Describe bytes ready to store."""
    return CleanImage(data=data, stored_sha256=hashlib.sha256(data).hexdigest(), mime=mime, width=size[0], height=size[1])


def _same_geometry(data: bytes, size: tuple[int, int]) -> bool:
    """A stripped file still opens as an image of the same size (a guard on the parsers below)."""
    try:
        with Image.open(io.BytesIO(data)) as check:
            return check.size == size
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return False


# PNG chunks that only say how to render the pixels; everything else (text, EXIF, time,
# colour profiles, private and animation chunks) is metadata and goes.
PNG_KEEP = {b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"sBIT", b"pHYs", b"bKGD"}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def strip_png(data: bytes) -> bytes | None:
    """The PNG without metadata chunks, pixels untouched (same IDAT); None if it cannot be parsed."""
    if not data.startswith(PNG_SIGNATURE):
        return None
    out = [PNG_SIGNATURE]
    pos = len(PNG_SIGNATURE)
    while pos + 12 <= len(data):
        length = int.from_bytes(data[pos:pos + 4], "big")
        kind = data[pos + 4:pos + 8]
        end = pos + 12 + length
        if end > len(data):
            return None
        if kind in PNG_KEEP:
            out.append(data[pos:end])
        pos = end
        if kind == b"IEND":
            return b"".join(out)
    return None


def strip_jpeg(data: bytes) -> bytes | None:
    """The JPEG without APP1-APP13/APP15 (EXIF, XMP, ICC, MPF...) and comments, entropy data untouched.

    APP0 (JFIF) and APP14 (Adobe colour transform) stay; anything after the first image's EOI
    (an MPO's second picture, appended junk) goes. None if the file cannot be parsed.
    """
    if not data.startswith(b"\xff\xd8"):
        return None
    out = [b"\xff\xd8"]
    pos = 2
    while pos < len(data):
        if data[pos] != 0xFF:
            return None
        while pos < len(data) and data[pos] == 0xFF:
            pos += 1
        if pos >= len(data):
            return None
        marker = data[pos]
        pos += 1
        if marker == 0xDA:  # start of scan: copy scans through the end of the image
            end = data.find(b"\xff\xd9", pos)
            if end < 0:
                return None
            out.append(b"\xff\xda" + data[pos:end + 2])
            return b"".join(out)
        if marker == 0xD9:
            return None
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:
            out.append(bytes((0xFF, marker)))
            continue
        if pos + 2 > len(data):
            return None
        length = int.from_bytes(data[pos:pos + 2], "big")
        segment = data[pos:pos + length]
        pos += length
        if (0xE1 <= marker <= 0xEF and marker != 0xEE) or marker == 0xFE:
            continue
        out.append(bytes((0xFF, marker)) + segment)
    return None


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
        result.save(out, "JPEG", quality=90)
        mime = "image/jpeg"
    return _clean(out.getvalue(), mime, result.size)
