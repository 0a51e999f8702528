"""Undoing a whole import batch, while nothing later has touched what it changed.

The batch's history is replayed backwards as one new change set: its inserts deleted,
its updates set back to their old values, its deletions restored with their ids.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Date, Integer, Numeric, select, tuple_, update

from utilitycrm.archive.history import ChangeSource, current_change_set_id, recording
from utilitycrm.archive.models import ArchiveChange, ImportBatch
from utilitycrm.auth.models import User
from utilitycrm.core.database import UTCDateTime, utcnow
from utilitycrm.core.errors import UtilityCRMError
from utilitycrm.core.extensions import db


class RevertRefused(UtilityCRMError):
    status_code = 409


def _models() -> dict[str, type]:
    return {mapper.class_.__tablename__: mapper.class_ for mapper in db.Model.registry.mappers}


def _typed(column, text: str | None) -> object:
    """A history value (text) back in its column's type."""
    if text is None:
        return None
    kind = column.type
    if isinstance(kind, Boolean):
        return text == "true"
    if isinstance(kind, UTCDateTime):
        return datetime.fromisoformat(text)
    if isinstance(kind, Date):
        return date.fromisoformat(text)
    if isinstance(kind, Numeric):
        return Decimal(text)
    if isinstance(kind, Integer):
        return int(text)
    return text


FLUSH_EVERY = 1000


def _preload(models: dict[str, type], changes: list[ArchiveChange]) -> list:
    """Load the records to undo in one query per table, so that the replay below finds
    them in the session instead of asking the database for each. The caller holds the
    list: the session's identity map keeps only weak references."""
    loaded: list = []
    ids: dict[str, set[int]] = {}
    for change in changes:
        ids.setdefault(change.object_type, set()).add(change.object_id)
    for table, wanted in ids.items():
        model, values = models[table], sorted(wanted)
        for start in range(0, len(values), 900):
            loaded.extend(
                db.session.scalars(select(model).where(model.id.in_(values[start : start + 900])))
            )
    return loaded


def revert_batch(batch: ImportBatch, *, actor: User) -> int | None:
    """Undo the batch (the caller commits); the id of the change set that undid it."""
    if batch.reverted_at is not None:
        raise RevertRefused(_l("This import was undone already."))
    if batch.change_set_id is None:
        raise RevertRefused(_l("This import changed nothing; there is nothing to undo."))
    changes = list(db.session.scalars(
        select(ArchiveChange).where(ArchiveChange.change_set_id == batch.change_set_id)
        .order_by(ArchiveChange.id.desc())
    ))  # fmt: skip
    touched = {(c.object_type, c.object_id) for c in changes}
    later = db.session.scalar(
        select(ArchiveChange.object_type)
        .where(
            ArchiveChange.change_set_id > batch.change_set_id,
            tuple_(ArchiveChange.object_type, ArchiveChange.object_id).in_(list(touched)),
        )
        .limit(1)
    )
    if later is not None:
        raise RevertRefused(
            _l(
                "Records of this import were changed afterwards (%(kind)s); it can no longer "
                "be undone as a whole.",
                kind=later,
            )
        )
    # Claimed first, in one statement: of two undos at the same moment one gets the row,
    # the other is told it was undone (the database orders them, not the check above).
    claimed = db.session.execute(
        update(ImportBatch)
        .where(ImportBatch.id == batch.id, ImportBatch.reverted_at.is_(None))
        .values(reverted_at=utcnow())
    ).rowcount
    if not claimed:
        raise RevertRefused(_l("This import was undone already."))
    models = _models()
    loaded = _preload(models, [c for c in changes if c.action != "delete"])
    with recording(
        actor, source=ChangeSource.IMPORT, reason=f"undo import #{batch.id} {batch.file_name}"
    ):
        for number, change in enumerate(changes):
            model = models[change.object_type]
            columns = model.__table__.c
            if change.action == "insert":
                db.session.delete(db.session.get(model, change.object_id))
            elif change.action == "update":
                record = db.session.get(model, change.object_id)
                setattr(record, change.field, _typed(columns[change.field], change.old_value))
            else:
                values = {key: _typed(columns[key], value)
                          for key, value in json.loads(change.old_value).items()}  # fmt: skip
                db.session.add(model(id=change.object_id, **values))
            if number % FLUSH_EVERY == FLUSH_EVERY - 1:
                db.session.flush()  # the unit of work orders each chunk by its references
        db.session.flush()
        revert_id = current_change_set_id()
    del loaded
    batch.revert_change_set_id = revert_id
    return revert_id
