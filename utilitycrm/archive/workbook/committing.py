"""Applying a checked import plan: all of it in one transaction and one change set, or
nothing. Called only with a plan that has no problems."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from functools import cache

from sqlalchemy import String, bindparam, inspect, select, update

from utilitycrm.archive.history import (
    ChangeSource,
    current_change_set_id,
    inserted_rows,
    recording,
    updated_row,
    write_changes,
)
from utilitycrm.archive.models import Customer
from utilitycrm.archive.workbook.layout import MODELS, SHEETS, SHEETS_BY_KEY
from utilitycrm.archive.workbook.planning import CHUNK, references
from utilitycrm.archive.workbook.plans import ImportPlan, RowPlan
from utilitycrm.archive.workbook.reading import PROGRESS_ROWS
from utilitycrm.auth.models import User
from utilitycrm.core.database import allocate_ids, bulk_insert
from utilitycrm.core.extensions import db

# Customers name their public transformer, which the file may create later.
DEFERRED = {("customers", "supply_transformer_code")}


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
            if field is not None and (sheet, name) not in DEFERRED:
                wanted[target].update(
                    row.values[name] for row in rows if row.values.get(name) is not None
                )
        for target, keys in wanted.items():
            self.load(target, keys)

    def __call__(self, target: str, key) -> int:
        return self.ids[target][key]


@cache
def _not_null(sheet: str) -> tuple[frozenset[str], frozenset[str]]:
    """The NOT NULL columns of a sheet's table: (texts, others)."""
    columns = [c for c in MODELS[sheet].__table__.c if not c.nullable]
    texts = frozenset(c.key for c in columns if isinstance(c.type, String))
    return texts, frozenset(c.key for c in columns) - texts


def _model_values(
    sheet: str, row: RowPlan, columns: dict, resolve: Resolver, users: dict[str, int]
) -> dict:
    """A row's values as the model's attributes; `columns` are the sheet's references."""
    values = {}
    for name, value in row.values.items():
        if (sheet, name) in DEFERRED:
            continue
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
    texts, others = _not_null(sheet)
    for name in [n for n, v in values.items() if v is None and (n in texts or n in others)]:
        if name in texts:
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


def _insert_bulk(model: type, fresh: list[tuple[RowPlan, dict]]) -> list[dict]:
    """Insert rows in bulk under ids taken first, and write their history; the rows as
    stored (their defaults filled in), in the file's order."""
    table = model.__table__
    connection = db.session.connection()
    rows = [values for _row, values in fresh]
    for values, id_ in zip(rows, allocate_ids(connection, table, len(rows)), strict=True):
        values["id"] = id_
    bulk_insert(connection, table, rows)
    write_changes(db.session, inserted_rows(model, rows))
    return rows


def _name_supply_transformers(customers: list[tuple[dict, str]], resolve: Resolver) -> None:
    """Customers inserted in bulk name their public transformer once it is in: one Core
    batch, recorded as the ORM records the same change (a version further)."""
    if not customers:
        return
    table = Customer.__table__
    changes = [(row, resolve("transformers", code)) for row, code in customers]
    db.session.execute(
        update(table)
        .where(table.c.id == bindparam("b_id"))
        .values(supply_transformer_id=bindparam("b_transformer"), version=table.c.version + 1),
        [{"b_id": row["id"], "b_transformer": transformer} for row, transformer in changes],
    )
    write_changes(db.session, [
        updated_row(Customer, row["id"], row["version"] + 1, row["id"], "supply_transformer_id",
                    None, transformer)
        for row, transformer in changes
    ])  # fmt: skip


def _write_chunk(
    sheet: str,
    chunk: list[RowPlan],
    existing: dict[int, object],
    resolve: Resolver,
    users: dict[str, int],
    deferred: list[tuple[Customer, str]],
    written_later: list[tuple[dict, str]],
) -> None:
    """Write one chunk of a sheet's inserts and updates, and learn the ids of its new rows.
    Inserts go in by Core batches with their history, but for models whose attributes
    derive others as they are set (a line's name_sort): those, and updates, go through
    the ORM and its flush hook. Customers naming a public transformer are kept for when
    the transformers are in: ORM records in `deferred`, bulk rows in `written_later`."""
    model = MODELS[sheet]
    bulk = not inspect(model).validators
    names_later = (sheet, "supply_transformer_code") in DEFERRED
    inserted, fresh = [], []
    columns = references(sheet)
    for row in chunk:
        values = _model_values(sheet, row, columns, resolve, users)
        if bulk and row.action == "insert":
            fresh.append((row, values))
            continue
        record = existing[row.existing_id] if row.action == "update" else model()
        for name, value in values.items():
            setattr(record, name, value)
        if row.action == "insert":
            db.session.add(record)
            inserted.append((row, record))
        if names_later and "supply_transformer_code" in row.values:
            deferred.append((record, row.values["supply_transformer_code"]))
    db.session.flush()
    for row, record in inserted:
        resolve.ids[sheet][row.key[0]] = record.id
    for (row, _values), stored in zip(fresh, _insert_bulk(model, fresh), strict=True):
        resolve.ids[sheet][row.key[0]] = stored["id"]
        if names_later and row.values.get("supply_transformer_code"):
            written_later.append((stored, row.values["supply_transformer_code"]))


def apply_plan(
    plan: ImportPlan,
    *,
    actor: User | None,
    reason: str,
    progress: Callable[[int, int], None] | None = None,
) -> int | None:
    """Write the plan (the caller commits); the id of its change set, None if it changed
    nothing. `progress(rows written, rows to write)` as it goes, a chunk at a time."""
    if not plan.ok:
        raise ValueError("an import plan with problems cannot be applied")
    to_write = sum(1 for rows in plan.rows.values() for row in rows
                   if row.action in ("insert", "update", "delete"))  # fmt: skip
    written = 0
    report = progress or (lambda done, total: None)
    resolve = Resolver()
    usernames = {row.values["account_manager"] for row in plan.rows.get("customers", [])
                 if row.values.get("account_manager")}  # fmt: skip
    users = dict(db.session.execute(
        select(User.username, User.id).where(User.username.in_(usernames))
    ).all()) if usernames else {}  # fmt: skip
    deferred: list[tuple[Customer, str]] = []  # records the ORM wrote
    written_later: list[tuple[dict, str]] = []  # customers inserted in bulk
    with recording(actor, source=ChangeSource.IMPORT, reason=reason):
        for sheet in SHEETS:
            rows = [
                row for row in plan.rows.get(sheet.key, []) if row.action in ("insert", "update")
            ]
            resolve.load_references(sheet.key, rows)
            model = MODELS[sheet.key]
            existing = _load(model, [row.existing_id for row in rows if row.action == "update"])
            for start in range(0, len(rows), PROGRESS_ROWS):
                chunk = rows[start : start + PROGRESS_ROWS]
                _write_chunk(sheet.key, chunk, existing, resolve, users, deferred, written_later)
                written += len(chunk)
                report(written, to_write)
        if deferred or written_later:
            codes = {code for _c, code in deferred if code} | {c for _r, c in written_later}
            resolve.load("transformers", codes)
            for customer, code in deferred:
                customer.supply_transformer_id = resolve("transformers", code) if code else None
            _name_supply_transformers(written_later, resolve)
        for sheet in reversed(SHEETS):
            doomed = [
                row.existing_id for row in plan.rows.get(sheet.key, []) if row.action == "delete"
            ]
            for record in _load(MODELS[sheet.key], doomed).values():
                db.session.delete(record)
            db.session.flush()
            if doomed:
                written += len(doomed)
                report(written, to_write)
        return current_change_set_id()
