"""Evidence files and update photos: checked by extension, content signature and size before
anything is saved; written to disk only after the database commit succeeds."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l

from collab.core.after_commit import on_commit
from collab.core.errors import ValidationFailed
from collab.extensions import db

SIGNATURES = {"pdf": (b"%PDF-",), "jpg": (b"\xff\xd8\xff",), "jpeg": (b"\xff\xd8\xff",), "png": (b"\x89PNG\r\n\x1a\n",)}
IMAGES = {"jpg", "jpeg", "png"}


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes


def folder() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"]) / "programmes"


def accept_upload(upload: Upload | None, field: str, *, images_only: bool = False) -> str | None:
    """Check the file and queue it for saving after the commit; returns the stored name.
    Refuses other types (by extension and by content) and files above UPLOAD_MAX_BYTES."""
    if upload is None or not upload.data:
        return None
    ext = upload.filename.rsplit(".", 1)[-1].lower() if "." in upload.filename else ""
    allowed = IMAGES if images_only else set(SIGNATURES)
    if ext not in allowed or not upload.data.startswith(SIGNATURES[ext]):
        message = (_l("Upload a photo as JPG or PNG.") if images_only
                   else _l("Upload the evidence as PDF, JPG or PNG."))
        raise ValidationFailed(message, errors={field: [message]})
    limit = current_app.config["UPLOAD_MAX_BYTES"]
    if len(upload.data) > limit:
        message = _l("The file is too large (at most %(mb)d MB).", mb=limit // (1024 * 1024))
        raise ValidationFailed(message, errors={field: [message]})
    name = f"{secrets.token_hex(16)}.{'jpg' if ext == 'jpeg' else ext}"
    target = folder()
    data = upload.data

    def _write():
        target.mkdir(parents=True, exist_ok=True)
        (target / name).write_bytes(data)
    on_commit(db.session, _write)
    return name
