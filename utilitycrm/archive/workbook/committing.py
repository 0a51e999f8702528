"""Writing an import's checked rows, a chunk at a time, in the one transaction and change
set of the import: inserts in bulk with their history, updates and deletes through the ORM
and its flush hook (which writes theirs)."""

from __future__ import annotations

from functools import cache

from sqlalchemy import String, inspect, select

from utilitycrm.archive.history import inserted_rows, write_changes
from utilitycrm.archive.workbook.layout import MODELS, SHEETS, SHEETS_BY_KEY
from utilitycrm.archive.workbook.planning import references
from utilitycrm.archive.workbook.plans import CHUNK, RowPlan
from utilitycrm.core.database import bulk_insert
from utilitycrm.core.extensions import db

# Customers name their public transformer, which the file may create later: each row goes
# in already naming the other's id, the key checked once the import's writes are done.
DEFERRED = ("fk_customer_supply_transformer_id_transformer",)


@cache
def _not_null(sheet: str) -> dict[str, bool]:
    """The NOT NULL columns of a sheet's table: name → whether it holds text."""
    return {c.key: isinstance(c.type, String) for c in MODELS[sheet].__table__.c
            if not c.nullable}  # fmt: skip


@cache
def _unstored_columns(sheet: str) -> tuple[str, ...]:
    """The sheet's columns that its table does not store as they are (a reference, a user
    name, a ratio)."""
    special = {name for name, (_t, field) in references(sheet).items() if field is not None}
    stored = set(MODELS[sheet].__table__.c.keys()) - special - {"id"}
    return tuple(c.key for c in SHEETS_BY_KEY[sheet].columns if c.key not in stored)


def _model_values(sheet: str, row: RowPlan) -> dict:
    """A row's values as the model's attributes, its references as the ids they name."""
    values = row.values.copy()
    for name in _unstored_columns(sheet):
        values.pop(name, None)
    values.update(row.refs)
    for name, prefix, units in (("ct_ratio", "ct", "a"), ("pt_ratio", "pt", "v")):
        if name in row.values:
            primary, secondary = row.values[name] or (None, None)
            values[f"{prefix}_primary_{units}"] = primary
            values[f"{prefix}_secondary_{units}"] = secondary
    not_null = _not_null(sheet)
    for name in [n for n, v in values.items() if v is None and n in not_null]:
        if not_null[name]:
            values[name] = ""  # texts the archive keeps as "" rather than NULL
        else:
            del values[name]  # an empty cell leaves the number as it is (or its default)
    return values


def _load(model, ids: list[int]) -> dict[int, object]:
    loaded = {}
    for start in range(0, len(ids), CHUNK):
        for record in db.session.scalars(
            select(model).where(model.id.in_(ids[start : start + CHUNK]))
        ):
            loaded[record.id] = record
    return loaded


def write_rows(sheet: str, rows: list[RowPlan]) -> int:
    """Write a chunk of a sheet's checked rows (its deletes wait for the end); the rows
    written. Inserts go in by bulk batches with their history, but for models whose
    attributes derive others as they are set (a line's name_sort): those, and updates, go
    through the ORM and its flush hook."""
    model = MODELS[sheet]
    bulk = not inspect(model).validators
    fresh, written = [], 0
    existing = _load(model, [row.existing_id for row in rows if row.action == "update"])
    for row in rows:
        if row.action not in ("insert", "update"):
            continue
        written += 1
        values = _model_values(sheet, row)
        if row.action == "insert":
            values["id"] = row.id
            if bulk:
                fresh.append(values)
                continue
        record = existing[row.existing_id] if row.action == "update" else model()
        for name, value in values.items():
            setattr(record, name, value)
        if row.action == "insert":
            db.session.add(record)
    db.session.flush()
    if fresh:
        bulk_insert(db.session.connection(), model.__table__, fresh)
        write_changes(db.session, inserted_rows(model, fresh))
    return written


def delete_rows(deleted: dict[str, dict]) -> int:
    """Delete what the file deletes, dependents first; the records deleted."""
    count = 0
    for sheet in reversed(SHEETS):
        ids = list(deleted.get(sheet.key, {}).values())
        for start in range(0, len(ids), CHUNK):
            for record in _load(MODELS[sheet.key], ids[start : start + CHUNK]).values():
                db.session.delete(record)
                count += 1
            db.session.flush()
    return count
