"""The check of an import, a chunk of rows at a time: what each row would do, and every
problem that stops the import.

Rows are parsed, matched on their natural keys against the file and the archive (in
chunks of IN queries, never a query per row), their references resolved to ids from the
file and the archive, and each row classified: new, changed, unchanged or to delete.
Nothing is written here; of the rows checked, only their keys and ids are kept.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import Numeric, select, tuple_

from utilitycrm.archive.models import ArchiveChange, Tariff
from utilitycrm.archive.workbook.export import sheet_queries
from utilitycrm.archive.workbook.layout import EXTRA_SHEETS, MODELS, SHEETS, SHEETS_BY_KEY, Sheet
from utilitycrm.archive.workbook.network_sync import NetworkSync
from utilitycrm.archive.workbook.parsing import CellError, cell_parser
from utilitycrm.archive.workbook.plans import CHUNK, ImportPlan, RowPlan
from utilitycrm.archive.workbook.reading import RawRow
from utilitycrm.auth.models import User
from utilitycrm.core.database import IdSource
from utilitycrm.core.extensions import db

# Numbers the archive's CHECK constraints want above 0; every other whole number is 0 or
# more, and at most what an INTEGER column holds.
POSITIVE = frozenset(
    {
        "rated_kva",
        "rated_current_a",
        "multiplier",
        "contract_demand_kw",
        "generator_kw",
        "allowed_load_pct",
    }
)
MAX_INT = 2**31 - 1
# column → (sheet whose natural key it names, model attribute it sets); the archive's own
# references (a wing's sheet adds its own, ExtraSheet.references).
REFERENCES = {
    "substation_code": ("substations", "substation_id"),
    "line_code": ("lines", "line_id"),
    "from_node_code": ("nodes", "from_node_id"),
    "to_node_code": ("nodes", "to_node_id"),
    "node_code": ("nodes", "node_id"),
    "account_no": ("customers", "customer_id"),
    "supply_transformer_code": ("transformers", "supply_transformer_id"),
    "transformer_code": ("transformers", "transformer_id"),
    "source_code": ("sources", "source_id"),
    "metering_point_code": ("metering_points", "metering_point_id"),
}
DELETE_WORDS = {"delete", "删除", "del"}


def references(sheet_key: str) -> dict[str, tuple[str, str | None]]:
    """The reference columns of one sheet: column → (target sheet, model attribute)."""
    found = {
        column: target
        for column, target in REFERENCES.items()
        if not (sheet_key == "customers" and column == "account_no")  # its own key
    }
    extra = EXTRA_SHEETS.get(sheet_key)
    return {**found, **extra.references} if extra else found


@dataclass(frozen=True)
class _Bound:
    """What a column of the sheet's table takes: the least whole number, the decimals
    below a limit, the longest text."""

    header: str
    low: int
    limit: Decimal | None
    length: int | None


@cache
def _bounds(key: str) -> tuple[tuple[str, _Bound], ...]:
    """The bounds a sheet's values can break, of the columns its table stores as they are:
    whole numbers, decimals of a fixed precision, texts of a most length (by the sheet's
    key: a Sheet hashes all its columns, at every row)."""
    sheet = SHEETS_BY_KEY[key]
    table = MODELS[key].__table__
    found = []
    for column in sheet.columns:
        if column.key not in table.c:
            continue
        kind = table.c[column.key].type
        limit = length = None
        if isinstance(kind, Numeric) and kind.precision:
            limit = Decimal(10) ** (kind.precision - (kind.scale or 0))
        if column.kind in ("text", "enum"):
            length = getattr(kind, "length", None)
        if column.kind == "int" or limit is not None or length is not None:
            low = 1 if column.key in POSITIVE else 0
            found.append((column.key, _Bound(column.header, low, limit, length)))
    return tuple(found)


def _db_values(sheet: Sheet, row: tuple) -> dict[str, object]:
    """An archive row in the parsed form of the sheet's columns (for comparing)."""
    values = list(row)
    if sheet.key == "metering_points":
        ct = (values[6], values[7]) if values[6] else None
        pt = (values[8], values[9]) if values[8] else None
        values[6:10] = [ct, pt]
    columns = [c.key for c in sheet.columns if c.key != "action"]
    # An empty cell reads as None; the archive keeps some empty texts as "".
    return {
        key: (None if value == "" else value) for key, value in zip(columns, values, strict=True)
    }


def _existing(sheet: Sheet, keys: list[tuple]) -> dict[tuple, tuple[int, dict]]:
    """{natural key: (id, values)} of the archive records the file names, read with the
    export's own query, so that both sides compare in the same form."""
    model = MODELS[sheet.key]
    if not keys or db.session.scalar(select(model.id).limit(1)) is None:
        return {}  # a first import into an empty archive
    rows = sheet_queries(None, None)[sheet.key].add_columns(model.id).subquery()
    # Natural keys are the sheet's first columns, in the query as in the layout.
    key_columns = list(rows.c)[: len(sheet.natural_key)]
    found = {}
    for start in range(0, len(keys), CHUNK):
        chunk = keys[start : start + CHUNK]
        condition = (key_columns[0].in_([k[0] for k in chunk]) if len(key_columns) == 1
                     else tuple_(*key_columns).in_(chunk))  # fmt: skip
        for row in db.session.execute(select(rows).where(condition)):
            values = _db_values(sheet, tuple(row)[:-1])
            found[tuple(values[name] for name in sheet.natural_key)] = (row[-1], values)
    return found


def _archive_ids(target: str, values: set) -> dict[object, int]:
    """{natural key: id} of the archive records of a sheet with these (one-column) keys."""
    model = MODELS[target]
    column = getattr(model, SHEETS_BY_KEY[target].natural_key[0])
    found, values = {}, list(values)
    for start in range(0, len(values), CHUNK):
        chunk = values[start : start + CHUNK]
        found.update((key, id_) for id_, key in db.session.execute(
            select(model.id, column).where(column.in_(chunk))
        ))  # fmt: skip
    return found


def _key_of(sheet: Sheet, key: tuple):
    """How a natural key is kept: its one value, or the tuple of a key of several columns."""
    return key[0] if len(key) == 1 else key


class Planner:
    """Checks an archive's rows a chunk at a time, in the layout's order of sheets, and keeps
    of them what later rows need: {key: id} of each sheet, the keys the file deletes, the
    references to a sheet still to come. `ids` takes the ids of new records while the
    import is clean (afterwards nothing will be written, and ids are 0)."""

    def __init__(
        self,
        plan: ImportPlan,
        ids: IdSource,
        *,
        network: NetworkSync | None = None,
        checked_at_mark: int | None = None,
    ) -> None:
        self.plan = plan
        self.id_source = ids
        self.network = network
        self.ids: dict[str, dict] = defaultdict(dict)  # sheet → {key: id} of its kept rows
        self.deleted: dict[str, dict] = defaultdict(dict)  # sheet → {key: id} it deletes
        # Ids taken for records a row names before the file creates them (a customer's
        # public transformer), and the rows that name each: checked when the file is done.
        self.reserved: dict[str, dict] = defaultdict(dict)
        self.forward: dict[tuple[str, str, str], dict[object, list[int]]] = defaultdict(
            lambda: defaultdict(list)
        )
        self.order = {sheet.key: index for index, sheet in enumerate(SHEETS)}
        # Which tables were empty before the import: nothing of the file is looked up there.
        self.empty = {sheet.key: db.session.scalar(select(MODELS[sheet.key].id).limit(1)) is None
                      for sheet in SHEETS}  # fmt: skip
        self.pattern = re.compile(current_app.config["ARCHIVE_ACCOUNT_NO_PATTERN"])
        self.users = dict(db.session.execute(
            select(User.username, User.id).where(User.is_active.is_(True))
        ).all())  # fmt: skip
        self.archive_tariffs = set(db.session.scalars(select(Tariff.code)))
        # The records changed since the preview the user confirmed, and those of the file.
        self.changed_later = set() if checked_at_mark is None else set(db.session.execute(
            select(ArchiveChange.object_type, ArchiveChange.object_id)
            .where(ArchiveChange.change_set_id > checked_at_mark).distinct()
        ))  # fmt: skip
        self.stale: list[str] = []
        self.named_customers: set[int] = set()  # archive customers rows of other sheets name

    def problem(self, sheet: Sheet, number: int | None, column: str, value, message) -> None:
        self.plan.refuse(sheet, number, column, value, message)

    def _take(self, sheet: str, count: int) -> list[int]:
        if not self.plan.ok:
            return [0] * count
        return self.id_source.take(MODELS[sheet].__table__, count)

    def check(self, sheet: Sheet, raws: list[RawRow]) -> list[RowPlan]:
        """The plans of a chunk of a sheet's rows (those with a problem left out)."""
        rows = self._classify(sheet, self._parse(sheet, raws))
        self._resolve(sheet, rows)
        if sheet.key in EXTRA_SHEETS:
            headers = {column.key: column.header for column in sheet.columns}
            for row, column, message in EXTRA_SHEETS[sheet.key].check_plan(rows):
                self.problem(sheet, row.number, headers[column], row.key[0], message)
        if self.changed_later:
            table = MODELS[sheet.key].__tablename__
            self.stale.extend(
                str(row.key[0])
                for row in rows
                if row.existing_id and (table, row.existing_id) in self.changed_later
            )
        counts = self.plan.counts[sheet.key]
        for row in rows:
            counts[row.action] += 1
        if self.network is not None:
            self.network.saw(sheet.key, rows)
        return rows

    def sheet_done(self, sheet: Sheet) -> None:
        """A network extract's nodes and edges are all read: what the archive has on their
        lines and the file lacks is to be deleted."""
        if self.network is not None and sheet.key == "edges":
            for key, found in self.network.removed(self.ids, self.deleted).items():
                self.deleted[key].update(found)
                self.plan.counts[key]["delete"] += len(found)

    def finish(self) -> None:
        """The checks that wait for the whole file: references to records of a later sheet,
        and (a network extract) what still hangs on a removed node."""
        for (sheet_key, column, target), named in self.forward.items():
            sheet = SHEETS_BY_KEY[sheet_key]
            header = next(c.header for c in sheet.columns if c.key == column)
            for value, numbers in named.items():
                if value in self.deleted[target]:
                    message = _l("The row refers to a record the file deletes.")
                elif value in self.reserved[target]:
                    message = _l("No such record in the file or the archive.")
                else:
                    continue
                for number in numbers:
                    self.problem(sheet, number, header, value, message)
        if self.network is not None:
            for problem in self.network.check_removed_nodes(self.deleted):
                self.plan.problems.append(problem)

    def customer_ids(self) -> list[int]:
        """The customers the file's rows are of: its own, and the archive's it names."""
        return sorted(set(self.ids["customers"].values()) | self.named_customers)

    def _parse(self, sheet: Sheet, raws: list[RawRow]) -> list[tuple[int, dict, bool]]:
        out = []
        columns = {column.key: column for column in sheet.columns}
        required = [column.key for column in sheet.columns if column.required]
        parsers = {column.key: cell_parser(column) for column in sheet.columns}
        kept, deleted = self.ids[sheet.key], self.deleted[sheet.key]
        seen = set()  # the chunk's keys, before they are kept
        for raw in raws:
            values, deleting, unreadable = {}, False, set()
            for key, cell in raw.values.items():
                if key == "action":
                    word = parsers[key](cell)
                    if word and word.lower() not in DELETE_WORDS:
                        self.problem(
                            sheet,
                            raw.number,
                            columns[key].header,
                            cell,
                            _l("Leave the action empty, or write delete (删除)."),
                        )
                    deleting = bool(word) and word.lower() in DELETE_WORDS
                    continue
                if cell is None or cell == "":
                    values[key] = None  # an empty cell, the most common: no parser called
                    continue
                try:
                    values[key] = parsers[key](cell)
                except CellError as error:
                    unreadable.add(key)
                    self.problem(sheet, raw.number, columns[key].header, cell, error.args[0])
            key = tuple(values.get(name) for name in sheet.natural_key)
            if any(part is None for part in key):
                self.problem(
                    sheet,
                    raw.number,
                    columns[sheet.natural_key[0]].header,
                    "",
                    _l("The row has no key: this column names the record."),
                )
                continue
            for name in () if deleting else required:
                if name in raw.values and name not in unreadable and values.get(name) is None:
                    self.problem(
                        sheet, raw.number, columns[name].header, "", _l("This column is required.")
                    )
            self._check_row(sheet, raw.number, values)
            kept_key = _key_of(sheet, key)
            if kept_key in seen or kept_key in kept or kept_key in deleted:
                self.problem(
                    sheet,
                    raw.number,
                    columns[sheet.natural_key[0]].header,
                    key[0],
                    _l("The same key appears twice in the file."),
                )
                continue
            seen.add(kept_key)
            out.append((raw.number, values, deleting))
        return out

    def _check_row(self, sheet: Sheet, number: int, values: dict) -> None:
        """The checks of the web forms that a single row can fail and no validation rule
        reports: a legacy archive's consistency errors (a two-part tariff without its
        basis, 高供高计 without a PT, …) go in as they are and come back as findings."""
        if sheet.key in EXTRA_SHEETS:
            headers = {column.key: column.header for column in sheet.columns}
            for column, value, message in EXTRA_SHEETS[sheet.key].check_row(values):
                self.problem(sheet, number, headers[column], value, message)
        if sheet.key == "customers":
            account_no = values.get("account_no")
            if account_no and not self.pattern.fullmatch(account_no):
                self.problem(
                    sheet,
                    number,
                    "户号 / Account no.",
                    account_no,
                    _l(
                        "The account number (户号) must match the utility's format %(pattern)s.",
                        pattern=self.pattern.pattern,
                    ),
                )
        self._check_ranges(sheet, number, values)
        if (
            sheet.key == "transformers"
            and values.get("ownership") == "dedicated"
            and not values.get("account_no")
        ):
            self.problem(
                sheet,
                number,
                "户号 / Account no.",
                "",
                _l("A dedicated transformer names its customer (户号)."),
            )

    def _check_ranges(self, sheet: Sheet, number: int, values: dict) -> None:
        """What the database would refuse at the commit, refused now by cell: numbers its
        checks or integer type do not take, decimals with too many digits, texts longer
        than their column (PostgreSQL refuses them; SQLite would keep them)."""
        for name, bound in _bounds(sheet.key):
            value = values.get(name)
            if value is None:
                continue
            message = None
            if isinstance(value, int):
                if not bound.low <= value <= MAX_INT:
                    message = _l("Expected a whole number from %(low)d to %(high)d.",
                                 low=bound.low, high=MAX_INT)  # fmt: skip
            elif isinstance(value, Decimal) and bound.limit is not None:
                if not 0 <= value < bound.limit:
                    message = _l("Expected a number from 0 to below %(limit)s.",
                                 limit=bound.limit)  # fmt: skip
            elif isinstance(value, str) and bound.length is not None and len(value) > bound.length:
                message = _l("At most %(count)d characters.", count=bound.length)
            if message is not None:
                self.problem(sheet, number, bound.header, value, message)

    def _classify(self, sheet: Sheet, rows: list[tuple[int, dict, bool]]) -> list[RowPlan]:
        natural = sheet.natural_key
        keys = [tuple(values[n] for n in natural) for _n, values, _d in rows]
        existing = {} if self.empty[sheet.key] else _existing(sheet, keys)
        planned = []
        for (number, values, deleting), key in zip(rows, keys, strict=True):
            found = existing.get(key)
            if deleting:
                if found is None:
                    self.problem(
                        sheet,
                        number,
                        sheet.columns[0].header,
                        key[0],
                        _l("The row asks to delete a record the archive does not have."),
                    )
                    continue
                planned.append(RowPlan(sheet.key, number, "delete", key, values, found[0]))
                self.deleted[sheet.key][_key_of(sheet, key)] = found[0]
            elif found is None:
                planned.append(RowPlan(sheet.key, number, "insert", key, values))
            else:
                changed = tuple(n for n, v in values.items() if found[1].get(n) != v)
                planned.append(RowPlan(sheet.key, number, "update" if changed else "unchanged",
                                       key, values, found[0], changed, found[0]))  # fmt: skip
        self._give_ids(sheet, planned)
        return planned

    def _give_ids(self, sheet: Sheet, rows: list[RowPlan]) -> None:
        """Each kept row's id: the archive's, the one a row before it took, or a new one."""
        reserved = self.reserved[sheet.key]
        fresh = []
        for row in rows:
            if row.action == "insert":
                row.id = reserved.pop(_key_of(sheet, row.key), 0)
                if not row.id:
                    fresh.append(row)
        for row, id_ in zip(fresh, self._take(sheet.key, len(fresh)), strict=True):
            row.id = id_
        kept = self.ids[sheet.key]
        for row in rows:
            if row.action != "delete":
                kept[_key_of(sheet, row.key)] = row.id

    def _resolve(self, sheet: Sheet, rows: list[RowPlan]) -> None:
        """Each reference of the rows to the id it names: in the file, in the archive (a
        query per target sheet and chunk), or taken now for a record of a later sheet."""
        headers = {column.key: column.header for column in sheet.columns}
        columns = references(sheet.key)
        pending: list[tuple[RowPlan, str, str, str | None, object]] = []
        for row in rows:
            if row.action == "delete":
                continue
            for column, (target, field_) in columns.items():
                value = row.values.get(column)
                if value is None:
                    if field_ is not None and column in row.values:
                        row.refs[field_] = None
                    continue
                if value in self.deleted[target]:
                    self.problem(sheet, row.number, headers[column], value,
                                 _l("The row refers to a record the file deletes."))  # fmt: skip
                    continue
                id_ = self._known_id(target, value)
                if id_ is None:
                    pending.append((row, column, target, field_, value))
                elif field_ is not None:
                    row.refs[field_] = id_
                if self.order[target] > self.order[sheet.key]:
                    self.forward[(sheet.key, column, target)][value].append(row.number)
            self._check_named(sheet, row, headers)
        self._resolve_pending(sheet, pending, headers)

    def _known_id(self, target: str, value) -> int | None:
        """The id of a record the file has kept or named already (0 once nothing will be
        written), None if the file has not."""
        for found in (self.ids[target], self.reserved[target]):
            if value in found:
                return found[value]
        return None

    def _resolve_pending(self, sheet: Sheet, pending: list, headers: dict) -> None:
        wanted: dict[str, set] = defaultdict(set)
        for _row, _column, target, _field, value in pending:
            wanted[target].add(value)
        for target, values in wanted.items():
            found = {} if self.empty[target] else _archive_ids(target, values)
            if self.order[target] > self.order[sheet.key]:  # a later sheet may create them
                missing = sorted(values - found.keys(), key=str)
                found.update(zip(missing, self._take(target, len(missing)), strict=True))
                self.reserved[target].update((value, found[value]) for value in missing)
            wanted[target] = found
        self.named_customers.update(wanted.get("customers", {}).values())
        for row, column, target, field_, value in pending:
            id_ = wanted[target].get(value)
            if id_ is None:
                self.problem(sheet, row.number, headers[column], value,
                             _l("No such record in the file or the archive."))  # fmt: skip
            elif field_ is not None:
                row.refs[field_] = id_

    def _check_named(self, sheet: Sheet, row: RowPlan, headers: dict) -> None:
        """A row's account manager (an active user) and tariff (of the file or the archive)."""
        manager = row.values.get("account_manager")
        if manager is not None:
            row.refs["account_manager_id"] = self.users.get(manager)
            if manager not in self.users:
                self.problem(sheet, row.number, headers["account_manager"], manager,
                             _l("No active user has this user name."))  # fmt: skip
        elif "account_manager" in row.values:
            row.refs["account_manager_id"] = None
        code = row.values.get("tariff_code")
        if code and sheet.key == "customers" and not self._known_tariff(code):
            self.problem(sheet, row.number, headers["tariff_code"], code,
                         _l("Unknown tariff code %(code)s.", code=code))  # fmt: skip

    def _known_tariff(self, code: str) -> bool:
        if code in self.ids["tariffs"]:
            return True
        return code in self.archive_tariffs and code not in self.deleted["tariffs"]
