"""Serving this feature's stored files: the papers (attendance sheets, minutes) and the handouts."""
from __future__ import annotations

import io

from flask import request, send_file
from flask_babel import gettext as _

from ..errors import NotFound


def file_response(data: bytes | None, mime: str, name: str, sha256: str | None):
    """A stored file, inline unless ?download=1; NotFound when its bytes are missing."""
    if data is None:
        raise NotFound(_("The file is missing."))
    return send_file(io.BytesIO(data), mimetype=mime, download_name=name, etag=sha256, max_age=0,
                     as_attachment=request.args.get("download") == "1")
