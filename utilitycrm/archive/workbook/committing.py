"""Applying a checked import plan: all of it in one transaction and one change set, or
nothing. Called only with a plan that has no problems."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from sqlalchemy import String, select

from utilitycrm.archive.history import ChangeSource, current_change_set_id, recording
from utilitycrm.archive.models import Customer
from utilitycrm.archive.workbook.layout import MODELS, SHEETS, SHEETS_BY_KEY
from utilitycrm.archive.workbook.planning import CHUNK, references
from utilitycrm.archive.workbook.plans import ImportPlan, RowPlan
from utilitycrm.archive.workbook.reading import PROGRESS_ROWS
from utilitycrm.auth.models import User
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

    def __call__(self, target: str, key) -> int:
        return self.ids[target][key]


def _model_values(sheet: str, row: RowPlan, resolve: Resolver, users: dict[str, int]) -> dict:
    values = {}
    columns = references(sheet)
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
    table = MODELS[sheet].__table__
    for name in [n for n, v in values.items() if v is None and n in table.c]:
        if not table.c[name].nullable:
            if isinstance(table.c[name].type, String):
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
    deferred: list[tuple[Customer, str]] = []
    with recording(actor, source=ChangeSource.IMPORT, reason=reason):
        for sheet in SHEETS:
            rows = [
                row for row in plan.rows.get(sheet.key, []) if row.action in ("insert", "update")
            ]
            wanted = defaultdict(set)
            columns = references(sheet.key)
            for row in rows:
                for name, (target, field) in columns.items():
                    if (
                        row.values.get(name) is not None
                        and field is not None
                        and (sheet.key, name) not in DEFERRED
                    ):
                        wanted[target].add(row.values[name])
            for target, keys in wanted.items():
                resolve.load(target, keys)
            model = MODELS[sheet.key]
            existing = _load(model, [row.existing_id for row in rows if row.action == "update"])
            for start in range(0, len(rows), PROGRESS_ROWS):
                inserted = []
                for row in rows[start : start + PROGRESS_ROWS]:
                    values = _model_values(sheet.key, row, resolve, users)
                    record = existing[row.existing_id] if row.action == "update" else model()
                    for name, value in values.items():
                        setattr(record, name, value)
                    if row.action == "insert":
                        db.session.add(record)
                        inserted.append((row, record))
                    if (
                        sheet.key,
                        "supply_transformer_code",
                    ) in DEFERRED and "supply_transformer_code" in row.values:
                        deferred.append((record, row.values["supply_transformer_code"]))
                db.session.flush()
                for row, record in inserted:
                    resolve.ids[sheet.key][row.key[0]] = record.id
                written += len(rows[start : start + PROGRESS_ROWS])
                report(written, to_write)
        if deferred:
            resolve.load("transformers", {code for _c, code in deferred if code})
            for customer, code in deferred:
                customer.supply_transformer_id = resolve("transformers", code) if code else None
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
