"""Documents kept with a project: the application's materials, drawings, inspection
photos and reports. Each is typed, versioned, limited in size and known by its content
(a file that is not a PDF, JPEG or PNG is refused whatever its name says); a stage whose
documents are required cannot finish while one is missing."""

from __future__ import annotations

import hashlib
from datetime import date

from flask import current_app
from flask_babel import lazy_gettext as _l

from utilitycrm.auth.models import User
from utilitycrm.core.errors import UtilityCRMError
from utilitycrm.core.extensions import db
from utilitycrm.core.files import safe_name, sniff
from utilitycrm.projects.models import Project, ProjectAttachment
from utilitycrm.projects.types import AttachmentKind as K

# The documents a stage needs before it finishes (the high-voltage chain's stages).
REQUIRED = {
    "survey": (K.ID_DOCUMENT, K.PROPERTY, K.LOAD_LIST),
    "design_review": (K.DRAWINGS,),
    "completion": (K.TEST_REPORT,),
}


def upload(
    project: Project, kind: K, *, data: bytes, filename: str, note: str, actor: User
) -> ProjectAttachment:
    if not project.can_work(actor):
        raise UtilityCRMError(_l("You may not work on this project."))
    if not data:
        raise UtilityCRMError(_l("Choose a file to upload."))
    if len(data) > current_app.config["PROJECT_ATTACHMENT_MAX_BYTES"]:
        raise UtilityCRMError(_l("The file is larger than the limit."))
    known = sniff(data)
    if known is None:
        raise UtilityCRMError(
            _l("A document is kept as a PDF, JPEG or PNG file: scan or print it to one.")
        )
    versions = [a.version for a in project.attachments if a.kind == kind.value]
    item = ProjectAttachment(
        kind=kind.value,
        version=max(versions, default=0) + 1,
        filename=safe_name(filename, known[1], kind.value),
        media_type=known[0],
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        content=data,
        note=note.strip()[:200],
        uploaded_by_id=actor.id,
    )
    project.attachments.append(item)
    db.session.flush()
    return item


def latest(project: Project) -> dict[str, ProjectAttachment]:
    """Kind -> its current version."""
    found: dict[str, ProjectAttachment] = {}
    for item in project.attachments:
        if item.kind not in found or item.version > found[item.kind].version:
            found[item.kind] = item
    return found


def missing_for(project: Project, stage_code: str) -> list[K]:
    have = latest(project)
    return [kind for kind in REQUIRED.get(stage_code, ()) if kind.value not in have]


def required_refusal(project: Project, day: date) -> object | None:
    stage = project.current_stage
    lacking = missing_for(project, stage.code) if stage is not None else []
    if lacking:
        return _l("Upload the documents this stage requires first: %(kinds)s.",
                  kinds="、".join(k.label for k in lacking))  # fmt: skip
    return None
