"""Files kept with a project (施工审批申请单, contracts, drawings, designs, the bill of materials).

Stored through the blob storage interface (`documents.storage.storage_for`) under the SHA-256 of
their bytes, as they are (an office file is not an image to re-encode); size-limited
(`PROJECT_ATTACHMENT_MAX_BYTES`) and type-checked by name *and* by their first bytes: PDF, PNG,
JPEG, Word / Excel / PowerPoint (the zip-based 2007 formats and the older OLE ones). Backups copy
them with the other blobs.
"""
from __future__ import annotations

import hashlib
from pathlib import PurePath

from flask import current_app
from flask_babel import gettext as _

from ..auth.models import User
from ..documents.storage import storage_for
from ..errors import DomainError, Forbidden
from ..extensions import db
from . import rules
from .models import ATTACHMENT_KINDS, CANCELLED, Attachment, Project

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
ZIP, OLE = b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# extension -> (mime, the first bytes the file must start with)
TYPES = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (ZIP,)),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (ZIP,)),
    ".pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", (ZIP,)),
    ".doc": ("application/msword", (OLE,)),
    ".xls": ("application/vnd.ms-excel", (OLE,)),
    ".ppt": ("application/vnd.ms-powerpoint", (OLE,)),
}


class AttachmentType(DomainError):
    """Not a PDF, an image or an office file."""

    code = "attachment_type"
    status = 415


class AttachmentTooLarge(DomainError):
    """Over the size limit."""

    code = "attachment_too_large"
    status = 413


def max_bytes() -> int:
    """The size limit of one attachment."""
    return int(current_app.config.get("PROJECT_ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def can_attach(user: User, project: Project) -> bool:
    """Marketing, the head, the office and the team keep the project's files."""
    return user.has_role(*rules.OPEN_ROLES, *rules.OFFICE_ROLES) or rules.is_member(user, project)


def file_type(filename: str, data: bytes) -> str:
    """The file's MIME type, when its name and its first bytes agree on an accepted type."""
    suffix = PurePath(filename).suffix.lower()
    accepted = TYPES.get(suffix)
    if accepted is None or not any(data.startswith(magic) for magic in accepted[1]):
        raise AttachmentType(_("Attach a PDF, an image (PNG, JPEG) or an office file (Word, Excel, PowerPoint)."),
                             errors={"file": [_("This type of file is not accepted.")]},
                             details={"filename": filename[:200]})
    return accepted[0]


def add_attachment(user: User, project: Project, kind: str, filename: str, data: bytes) -> Attachment:
    """Keep a file with the project: checked, stored in blob storage, listed with who and when."""
    if not can_attach(user, project):
        raise Forbidden(_("Your role does not keep this project's files."))
    if project.status == CANCELLED:
        rules.require_status(project, rules.ACTIVE)
    if kind not in ATTACHMENT_KINDS:
        raise DomainError(_("Please correct the marked fields."), code="invalid", errors={"kind": [_("Not a valid choice.")]})
    name = PurePath((filename or "").replace("\\", "/")).name.strip()[:200]
    if not name or not data:
        raise DomainError(_("Please correct the marked fields."), code="invalid", errors={"file": [_("Choose a file.")]})
    limit = max_bytes()
    if len(data) > limit:
        raise AttachmentTooLarge(_("The file is larger than %(mb)d MB.", mb=limit // (1024 * 1024) or 1),
                                 errors={"file": [_("The file is too large.")]}, details={"max_bytes": limit})
    mime = file_type(name, data)
    digest = hashlib.sha256(data).hexdigest()
    storage_for().put(digest, data)
    attachment = Attachment(project_id=project.id, customer_id=project.customer_id, kind=kind, filename=name,
                            mime=mime, size=len(data), sha256=digest, author_id=user.id)
    db.session.add(attachment)
    return attachment


def read_attachment(attachment: Attachment) -> bytes | None:
    """The stored bytes of an attachment."""
    return storage_for().get(attachment.sha256)
