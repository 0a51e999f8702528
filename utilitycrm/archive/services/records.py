"""Saving and deleting any archive record: version check, history, clear conflicts."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from utilitycrm.archive.history import ChangeSource, recording
from utilitycrm.archive.models import ArchiveChange, ChangeSet
from utilitycrm.auth.models import User
from utilitycrm.core.errors import StaleEditError, UtilityCRMError
from utilitycrm.core.extensions import db


class ArchiveConflict(UtilityCRMError):
    """The change contradicts another record (a taken number, an unknown reference)."""

    status_code = 409


class InvalidRecord(UtilityCRMError):
    """The record's fields, as they would be stored, contradict each other (customer
    rules); per field. 409: a partial update can conflict with the fields it leaves."""

    status_code = 409

    def __init__(self, message: str | object, fields: dict[str, list[str]]) -> None:
        super().__init__(message)
        self.fields = fields


@dataclass(frozen=True)
class ChangeSince:
    """A change someone else made: the API sends it as it is; forms read it through
    archive.history_display.stale_rows."""

    object_type: str
    object_id: int
    field: str | None
    action: str
    old_value: str | None
    new_value: str | None
    actor: str | None
    occurred_at: datetime


def changes_since(obj, version: int) -> list[ChangeSince]:
    """What others changed on `obj` after the form was loaded at `version`."""
    rows = db.session.execute(
        select(ArchiveChange, ChangeSet.occurred_at, User.display_name)
        .join(ChangeSet, ArchiveChange.change_set_id == ChangeSet.id)
        .outerjoin(User, ChangeSet.actor_id == User.id)
        .where(
            ArchiveChange.object_type == type(obj).__tablename__,
            ArchiveChange.object_id == obj.id,
            ArchiveChange.object_version > version,
        )
        .order_by(ArchiveChange.id)
    )
    return [
        ChangeSince(
            change.object_type, change.object_id, change.field, change.action,
            change.old_value, change.new_value, actor, occurred_at,
        )
        for change, occurred_at, actor in rows
    ]  # fmt: skip


STALE_MESSAGE = _l(
    "Someone saved this record after you opened the form, so nothing of yours "
    "was saved. Review their changes below."
)


MISSING_VERSION = _l(
    "The form was sent without the version of the record it was loaded with, so nothing "
    "was saved. Reload the page and enter the change again."
)


class VersionCheck(Enum):
    # A change the system makes on its own account (a project's cancellation, an import
    # checked as a whole): no user saw a version, so none is compared.
    SYSTEM = "system"


def check_version(obj, expected_version: int | VersionCheck | None) -> None:
    """A user's change of a stored record names the version it was loaded at; a missing
    one is refused like a stale one, never taken as "overwrite whatever is there"."""
    if expected_version is VersionCheck.SYSTEM:
        return
    if not isinstance(expected_version, int) or isinstance(expected_version, bool):
        raise StaleEditError(MISSING_VERSION)
    if obj.version != expected_version:
        raise StaleEditError(STALE_MESSAGE, changes=changes_since(obj, expected_version))


def ensure_unique(model, column: str, value: object, obj, message) -> None:
    """Refuse with `message` when another record of `model` has this value already."""
    if value is None:
        return
    query = select(model.id).where(getattr(model, column) == value)
    if obj.id is not None:
        query = query.where(model.id != obj.id)
    if db.session.scalar(query.limit(1)) is not None:
        raise ArchiveConflict(message)


Check = Callable[[object], None]


@contextmanager
def stale_refused() -> Iterator[None]:
    """A record another transaction saved in the meantime (two saves racing past the
    version check; any flush, autoflush included, can find it) is a stale edit."""
    try:
        yield
    except StaleDataError as error:
        db.session.rollback()
        raise StaleEditError(STALE_MESSAGE) from error


def flush_or_conflict() -> None:
    try:
        db.session.flush()
    except IntegrityError as error:
        db.session.rollback()
        raise ArchiveConflict(
            _l(
                "The change conflicts with another record and was not saved (%(detail)s).",
                detail=str(error.orig).splitlines()[0][:200],
            )
        ) from error


def save_record(
    obj,
    data: dict[str, object],
    *,
    actor: User | None,
    reason: str = "",
    expected_version: int | VersionCheck | None = None,
    checks: Iterable[Check] = (),
    source: ChangeSource = ChangeSource.FORM,
):
    """Apply `data` to `obj` (new or loaded) and flush it with its history; a loaded record
    needs the version the user saw (check_version)."""
    with stale_refused(), recording(actor, source=source, reason=reason):
        if obj.id is not None:
            check_version(obj, expected_version)
        for key, value in data.items():
            setattr(obj, key, value)
        with db.session.no_autoflush:  # a check's query must not write the change it checks
            for check in checks:
                check(obj)
        db.session.add(obj)
        flush_or_conflict()
    return obj


def delete_record(
    obj,
    *,
    actor: User | None,
    reason: str = "",
    expected_version: int | VersionCheck | None = None,
    source: ChangeSource = ChangeSource.FORM,
) -> None:
    with stale_refused(), recording(actor, source=source, reason=reason):
        check_version(obj, expected_version)
        db.session.delete(obj)
        flush_or_conflict()
