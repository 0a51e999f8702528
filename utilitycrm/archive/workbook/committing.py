"""Applying a checked import plan: all of it in one transaction and one change set, or
nothing. Called only with a plan that has no problems."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from functools import cache

from sqlalchemy import String, inspect, select

from utilitycrm.archive.history import (
    ChangeSource,
    current_change_set_id,
    inserted_rows,
    recording,
    write_changes,
)
from utilitycrm.archive.workbook.layout import MODELS, SHEETS, SHEETS_BY_KEY
from utilitycrm.archive.workbook.planning import CHUNK, references
from utilitycrm.archive.workbook.plans import ImportPlan, RowPlan
from utilitycrm.archive.workbook.reading import PROGRESS_ROWS
from utilitycrm.auth.models import User
from utilitycrm.core.database import allocate_ids, bulk_insert, deferred_foreign_keys
from utilitycrm.core.extensions import db

# Customers name their public transformer, which the file may create later: each row goes
# in already naming the other's id, the key checked once the import's writes are done.
DEFERRED = ("fk_customer_supply_transformer_id_transformer",)


class Resolver:
    """Natural keys → ids, from the archive in bulk, and from rows this import inserts."""

    def __init__(self) -> None:
        self.ids: dict[str, dict[object, int]] = defaultdict(dict)

    def load(self, target: str, keys: set) -> None:
        missing = [key for key in keys if key not in self.ids[target]]
        model = MODELS[target]
        column = getattr(model, SHEETS_BY_KEY[target].natural_key[0])
        for start in range(0, len(missing), CHUNK):
            for id_, key in db.session.execute(
                select(model.id, column).where(column.in_(missing[start : start + CHUNK]))
            ):
                self.ids[target][key] = id_

    def load_references(self, sheet: str, rows: list[RowPlan]) -> None:
        """The ids of what a sheet's rows refer to, a query per target sheet."""
        wanted = defaultdict(set)
        for name, (target, field) in references(sheet).items():
            if field is not None:
                wanted[target].update(
                    row.values[name] for row in rows if row.values.get(name) is not None
                )
        for target, keys in wanted.items():
            self.load(target, keys)

    def __call__(self, target: str, key) -> int:
        return self.ids[target][key]


@cache
def _not_null(sheet: str) -> dict[str, bool]:
    """The NOT NULL columns of a sheet's table: name → whether it holds text."""
    return {c.key: isinstance(c.type, String) for c in MODELS[sheet].__table__.c
            if not c.nullable}  # fmt: skip


def _model_values(
    sheet: str, row: RowPlan, columns: dict, resolve: Resolver, users: dict[str, int]
) -> dict:
    """A row's values as the model's attributes; `columns` are the sheet's references."""
    values = {}
    for name, value in row.values.items():
        if name in columns and columns[name][1] is not None:
            target, field = columns[name]
            values[field] = None if value is None else resolve(target, value)
        elif name == "account_manager":
            values["account_manager_id"] = None if value is None else users[value]
        elif name in ("ct_ratio", "pt_ratio"):
            prefix, units = ("ct", "a") if name == "ct_ratio" else ("pt", "v")
            primary, secondary = value or (None, None)
            values[f"{prefix}_primary_{units}"] = primary
            values[f"{prefix}_secondary_{units}"] = secondary
        else:
            values[name] = value
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


def _insert_bulk(model: type, rows: list[dict]) -> None:
    """Insert rows (their ids given) in bulk and write their history; each row is then
    as stored, its defaults filled in."""
    bulk_insert(db.session.connection(), model.__table__, rows)
    write_changes(db.session, inserted_rows(model, rows))


def _allocate_ids(plan: ImportPlan, resolve: Resolver) -> None:
    """Ids for every record the plan inserts, taken before any is written: a row can name
    one the file creates later (a customer its public transformer), and rows go in by
    bulk batches, which return no ids in order."""
    connection = db.session.connection()
    for sheet in SHEETS:
        rows = [row for row in plan.rows.get(sheet.key, []) if row.action == "insert"]
        for row, id_ in zip(rows, allocate_ids(connection, MODELS[sheet.key].__table__,
                                                len(rows)), strict=True):  # fmt: skip
            row.new_id = resolve.ids[sheet.key][row.key[0]] = id_


def _write_chunk(
    sheet: str,
    chunk: list[RowPlan],
    existing: dict[int, object],
    resolve: Resolver,
    users: dict[str, int],
) -> None:
    """Write one chunk of a sheet's inserts and updates. Inserts go in by bulk batches with
    their history, but for models whose attributes derive others as they are set (a
    line's name_sort): those, and updates, go through the ORM and its flush hook."""
    model = MODELS[sheet]
    bulk = not inspect(model).validators
    fresh = []
    columns = references(sheet)
    for row in chunk:
        values = _model_values(sheet, row, columns, resolve, users)
        if row.action == "insert":
            values["id"] = row.new_id
            if bulk:
                fresh.append(values)
                continue
        record = existing[row.existing_id] if row.action == "update" else model()
        for name, value in values.items():
            setattr(record, name, value)
        if row.action == "insert":
            db.session.add(record)
    db.session.flush()
    _insert_bulk(model, fresh)


def apply_plan(
    plan: ImportPlan,
    *,
    actor: User | None,
    reason: str,
    progress: Callable[[int, int, str], None] | None = None,
) -> int | None:
    """Write the plan (the caller commits); the id of its change set, None if it changed
    nothing. `progress(rows written, rows to write, sheet)` as it goes, a chunk at a time."""
    if not plan.ok:
        raise ValueError("an import plan with problems cannot be applied")
    to_write = sum(1 for rows in plan.rows.values() for row in rows
                   if row.action in ("insert", "update", "delete"))  # fmt: skip
    written = 0
    report = progress or (lambda done, total, sheet: None)
    resolve = Resolver()
    usernames = {row.values["account_manager"] for row in plan.rows.get("customers", [])
                 if row.values.get("account_manager")}  # fmt: skip
    users = dict(db.session.execute(
        select(User.username, User.id).where(User.username.in_(usernames))
    ).all()) if usernames else {}  # fmt: skip
    with (
        recording(actor, source=ChangeSource.IMPORT, reason=reason),
        deferred_foreign_keys(db.session.connection(), *DEFERRED),
    ):
        _allocate_ids(plan, resolve)
        for sheet in SHEETS:
            rows = [
                row for row in plan.rows.get(sheet.key, []) if row.action in ("insert", "update")
            ]
            resolve.load_references(sheet.key, rows)
            model = MODELS[sheet.key]
            existing = _load(model, [row.existing_id for row in rows if row.action == "update"])
            for start in range(0, len(rows), PROGRESS_ROWS):
                chunk = rows[start : start + PROGRESS_ROWS]
                _write_chunk(sheet.key, chunk, existing, resolve, users)
                written += len(chunk)
                report(written, to_write, sheet.key)
        for sheet in reversed(SHEETS):
            doomed = [
                row.existing_id for row in plan.rows.get(sheet.key, []) if row.action == "delete"
            ]
            for record in _load(MODELS[sheet.key], doomed).values():
                db.session.delete(record)
            db.session.flush()
            if doomed:
                written += len(doomed)
                report(written, to_write, sheet.key)
        return current_change_set_id()
