"""Every insert, update and delete of archive records is written to the history.

Services open a `recording(actor, source=..., reason=...)` block; an after-flush hook
writes what the flush changed into one change set. A flush that changes an audited record
outside such a block fails, so nothing reaches the archive unrecorded.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from functools import cache

import orjson
from sqlalchemy import String, event, insert, inspect
from sqlalchemy.orm import Mapper, Session

from utilitycrm.archive.models.history import ArchiveChange, Audited, ChangeSet
from utilitycrm.core.database import bulk_insert, utcnow


class ChangeSource(StrEnum):
    FORM = "form"
    IMPORT = "import"
    API = "api"
    PROJECT = "project"
    CONTRACT = "contract"
    SYSTEM = "system"


class Action(StrEnum):
    INSERT = "insert"
    UPDATE = "update"
    DELETE = "delete"


class UnrecordedChangeError(RuntimeError):
    """An audited record was written outside a recording() block: a programming error."""


@dataclass
class _Recording:
    actor_id: int | None
    source: ChangeSource
    reason: str
    change_set_id: int | None = None


_current: ContextVar[_Recording | None] = ContextVar("archive_recording", default=None)

# Bookkeeping columns that change with every save and say nothing to a reader.
UNAUDITED_COLUMNS = frozenset({"id", "version", "created_at", "updated_at", "name_sort"})


@contextmanager
def recording(actor, *, source: ChangeSource, reason: str = "") -> Iterator[None]:
    token = _current.set(
        _Recording(actor_id=actor.id if actor else None, source=source, reason=reason[:500])
    )
    try:
        yield
    finally:
        _current.reset(token)


def current_change_set_id() -> int | None:
    active = _current.get()
    return active.change_set_id if active else None


def format_value(value: object) -> str | None:
    if value is None or type(value) is str:  # most values, first: a bulk import's history
        return value
    if type(value) is int:
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dict | list):  # a JSON document column
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _columns(obj: Audited) -> list[str]:
    return [key for key, _column in audited_columns(type(obj))]


def snapshot_text(values: dict[str, str | None]) -> str:
    """A record's snapshot as stored: JSON, its texts as written (not \\u-escaped). orjson
    writes it six times faster than the json module, which a bulk import's millions of
    snapshots notice; any JSON reader reads both."""
    return orjson.dumps(values).decode()


def _snapshot(obj: Audited) -> str:
    return snapshot_text({key: format_value(getattr(obj, key)) for key in _columns(obj)})


def _row(obj: Audited, action: Action, **values: object) -> dict[str, object]:
    return {
        "object_type": type(obj).__tablename__,
        "object_id": obj.id,
        "object_version": getattr(obj, "version", None),
        "customer_id": obj.audit_customer_id(),
        "action": action.value,
        "field": None,
        "old_value": None,
        "new_value": None,
        **values,
    }


def _update_rows(obj: Audited) -> list[dict[str, object]]:
    state = inspect(obj)
    rows = []
    for key in _columns(obj):
        history = state.attrs[key].history
        if not history.has_changes():
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else None
        if (format_value(old) or None) != (format_value(new) or None):  # "" is no value too
            rows.append(
                _row(
                    obj,
                    Action.UPDATE,
                    field=key,
                    old_value=format_value(old),
                    new_value=format_value(new),
                )
            )
    return rows


def _changed_rows(session: Session) -> list[dict[str, object]]:
    rows = []
    for obj in session.new:
        if isinstance(obj, Audited):
            rows.append(_row(obj, Action.INSERT, new_value=_snapshot(obj)))
    for obj in session.dirty:
        if isinstance(obj, Audited) and session.is_modified(obj, include_collections=False):
            rows.extend(_update_rows(obj))
    for obj in session.deleted:
        if isinstance(obj, Audited):
            rows.append(_row(obj, Action.DELETE, old_value=_snapshot(obj)))
    return rows


def _keep_old_value(target, value, oldvalue, initiator):
    return value


@event.listens_for(Mapper, "mapper_configured")
def _load_old_values(mapper: Mapper, class_: type) -> None:
    """An expired attribute set without being read would lose its old value; with active
    history SQLAlchemy loads it first, so the history always has both."""
    if issubclass(class_, Audited):
        for attr in mapper.column_attrs:
            if attr.key not in UNAUDITED_COLUMNS:
                event.listen(
                    getattr(class_, attr.key),
                    "set",
                    _keep_old_value,
                    active_history=True,
                    retval=True,
                )


def audited_columns(model: type) -> list[tuple[str, str]]:
    """(attribute, table column) of the audited fields, in the order a snapshot lists them."""
    return [
        (attr.key, attr.columns[0].key)
        for attr in inspect(model).column_attrs
        if attr.key not in UNAUDITED_COLUMNS
    ]


def inserted_rows(model: type, written: list) -> list[dict[str, object]]:
    """The history of records inserted in bulk (each a mapping of its table's columns as
    stored), the same rows the flush hook writes for records inserted one by one."""
    columns = _snapshot_columns(model)
    customers = model.audit_customer_ids(written)
    encode = snapshot_text
    return [
        {
            "object_type": model.__tablename__,
            "object_id": row["id"],
            "object_version": row.get("version"),
            "customer_id": customer_id,
            "action": Action.INSERT.value,
            "field": None,
            "old_value": None,
            "new_value": encode(
                {
                    key: row[column] if text else format_value(row[column])
                    for key, column, text in columns
                }
            ),
        }
        for row, customer_id in zip(written, customers, strict=True)
    ]


@cache
def _snapshot_columns(model: type) -> list[tuple[str, str, bool]]:
    """audited_columns with whether the column holds text, which a snapshot keeps as it is
    (format_value's first case, without its call for each of a bulk import's cells)."""
    table = model.__table__
    return [(key, column, isinstance(table.c[column].type, String))
            for key, column in audited_columns(model)]  # fmt: skip


def updated_row(
    model: type, record_id: int, version: int | None, customer_id: int | None, field: str,
    old: object, new: object,
) -> dict[str, object]:  # fmt: skip
    """The history of one field of a record updated in bulk."""
    return {
        "object_type": model.__tablename__, "object_id": record_id, "object_version": version,
        "customer_id": customer_id, "action": Action.UPDATE.value, "field": field,
        "old_value": format_value(old), "new_value": format_value(new),
    }  # fmt: skip


def write_changes(session: Session, rows: list[dict[str, object]]) -> None:
    """Record changes in the current change set (opened by the first of them): the flush
    hook's rows, or those of a bulk write that bypasses the flush."""
    if not rows:
        return
    active = _current.get()
    if active is None:
        raise UnrecordedChangeError("archive records changed outside a recording() block")
    connection = session.connection()
    if active.change_set_id is None:
        active.change_set_id = connection.execute(
            insert(ChangeSet.__table__)
            .values(
                occurred_at=utcnow(),
                actor_id=active.actor_id,
                source=active.source.value,
                reason=active.reason,
            )
            .returning(ChangeSet.__table__.c.id)
        ).scalar_one()
    for row in rows:
        row["change_set_id"] = active.change_set_id
    bulk_insert(connection, ArchiveChange.__table__, rows)


@event.listens_for(Session, "after_flush")
def _record_flush(session: Session, flush_context) -> None:
    write_changes(session, _changed_rows(session))


@event.listens_for(Session, "after_soft_rollback")
def _forget_rolled_back_change_set(session: Session, previous_transaction) -> None:
    """A rolled-back change set no longer exists; the next flush starts a new one."""
    active = _current.get()
    if active is not None:
        active.change_set_id = None
