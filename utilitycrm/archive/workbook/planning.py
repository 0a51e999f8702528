"""The dry run: what an import would do, row by row, and every problem that stops it.

Rows are parsed, matched on their natural keys against the file and the archive (in
chunks of IN queries, never a query per row), references checked against both, and each
row classified: new, changed, unchanged or to delete. Nothing is written here.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import Numeric, select, tuple_

from utilitycrm.archive.models import (
    Tariff,
)
from utilitycrm.archive.workbook.export import sheet_queries
from utilitycrm.archive.workbook.layout import EXTRA_SHEETS, MODELS, SHEETS, SHEETS_BY_KEY, Sheet
from utilitycrm.archive.workbook.network_sync import replace_network_of_lines
from utilitycrm.archive.workbook.parsing import CellError, cell_parser
from utilitycrm.archive.workbook.plans import ImportPlan, RowPlan
from utilitycrm.archive.workbook.reading import PROGRESS_ROWS, RawWorkbook
from utilitycrm.auth.models import User
from utilitycrm.core.extensions import db

# Numbers the archive's CHECK constraints want above 0; every other whole number is 0 or
# more, and at most what an INTEGER column holds.
POSITIVE = frozenset(
    {"rated_kva", "rated_current_a", "multiplier", "contract_demand_kw", "generator_kw"}
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
CHUNK = 900  # below SQLite's bound-parameter limit


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
def _bounds(sheet: Sheet) -> dict[str, _Bound]:
    """The bounds of a sheet's columns that its table stores as they are."""
    table = MODELS[sheet.key].__table__
    found = {}
    for column in sheet.columns:
        if column.key not in table.c:
            continue
        kind = table.c[column.key].type
        limit = None
        if isinstance(kind, Numeric) and kind.precision:
            limit = Decimal(10) ** (kind.precision - (kind.scale or 0))
        found[column.key] = _Bound(
            column.header, 1 if column.key in POSITIVE else 0, limit, getattr(kind, "length", None)
        )
    return found


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


def _known_keys(sheet_key: str, keys: set) -> set:
    """Which of these natural keys the archive has (single-column keys only)."""
    if not keys:
        return set()
    sheet = next(s for s in SHEETS if s.key == sheet_key)
    column = getattr(MODELS[sheet_key], sheet.natural_key[0])
    known = set()
    values = list(keys)
    for start in range(0, len(values), CHUNK):
        known.update(
            db.session.scalars(select(column).where(column.in_(values[start : start + CHUNK])))
        )
    return known


class Planner:
    def __init__(
        self,
        raw: RawWorkbook,
        *,
        network_sync: bool = False,
        progress: Callable[[int, int, str], None] | None = None,
    ) -> None:
        self.raw = raw
        self.network_sync = network_sync
        self.progress = progress or (lambda done, total, sheet: None)
        self.rows_total = sum(len(rows) for rows in raw.rows.values())
        self.rows_checked = 0
        self.plan = ImportPlan(problems=list(raw.problems))
        self.file_keys: dict[str, dict[tuple, str]] = defaultdict(dict)  # key → action
        self.pattern = re.compile(current_app.config["ARCHIVE_ACCOUNT_NO_PATTERN"])

    def problem(self, sheet: Sheet, number: int | None, column: str, value, message) -> None:
        self.plan.refuse(sheet, number, column, value, message)

    def build(self) -> ImportPlan:
        parsed = {sheet.key: self._parse(sheet) for sheet in SHEETS}
        self.progress(self.rows_checked, self.rows_total, "")
        for sheet in SHEETS:
            self._classify(sheet, parsed[sheet.key])
        if self.network_sync:
            replace_network_of_lines(self.plan, self.file_keys)
        for sheet in SHEETS:
            self._check_references(sheet)
        self._check_extra_plans()
        return self.plan

    def _parse(self, sheet: Sheet) -> list[tuple[int, dict, bool]]:
        out = []
        columns = {column.key: column for column in sheet.columns}
        required = [column.key for column in sheet.columns if column.required]
        parsers = {column.key: cell_parser(column) for column in sheet.columns}
        # Each sheet's raw rows go once parsed: the archive is held once, not twice.
        for raw in self.raw.rows.pop(sheet.key, []):
            self.rows_checked += 1
            if self.rows_checked % PROGRESS_ROWS == 0:
                self.progress(self.rows_checked, self.rows_total, sheet.key)
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
            if key in self.file_keys[sheet.key]:
                self.problem(
                    sheet,
                    raw.number,
                    columns[sheet.natural_key[0]].header,
                    key[0],
                    _l("The same key appears twice in the file."),
                )
                continue
            self.file_keys[sheet.key][key] = "delete" if deleting else "keep"
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
        bounds = _bounds(sheet)
        for name, value in values.items():
            bound = bounds.get(name)
            if bound is None or value is None or isinstance(value, bool):
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

    def _check_extra_plans(self) -> None:
        """The wings' checks of their sheets' planned rows against the archive."""
        for key, extra in EXTRA_SHEETS.items():
            sheet = SHEETS_BY_KEY[key]
            headers = {column.key: column.header for column in sheet.columns}
            for row, column, message in extra.check_plan(self.plan.rows.get(key, [])):
                self.problem(sheet, row.number, headers[column], row.key[0], message)

    def _classify(self, sheet: Sheet, rows: list[tuple[int, dict, bool]]) -> None:
        existing = _existing(
            sheet, [tuple(values[n] for n in sheet.natural_key) for _n, values, _d in rows]
        )
        planned = self.plan.rows.setdefault(sheet.key, [])
        for number, values, deleting in rows:
            key = tuple(values[name] for name in sheet.natural_key)
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
            elif found is None:
                planned.append(RowPlan(sheet.key, number, "insert", key, values))
            else:
                changed = tuple(n for n, v in values.items() if found[1].get(n) != v)
                planned.append(RowPlan(sheet.key, number, "update" if changed else "unchanged",
                                       key, values, found[0], changed))  # fmt: skip

    def _check_references(self, sheet: Sheet) -> None:
        headers = {column.key: column.header for column in sheet.columns}
        columns = references(sheet.key)
        wanted: dict[str, set] = defaultdict(set)
        for row in self.plan.rows.get(sheet.key, []):
            if row.action != "delete":
                for column, (target, _field) in columns.items():
                    value = row.values.get(column)
                    if value is not None and (value,) not in self.file_keys[target]:
                        wanted[target].add(value)  # to look for in the archive
        known = {target: _known_keys(target, keys) for target, keys in wanted.items()}
        managers = self._usernames(sheet)
        tariffs = self._tariffs(sheet)
        for row in self.plan.rows.get(sheet.key, []):
            if row.action == "delete":
                continue
            for column, (target, _field) in columns.items():
                value = row.values.get(column)
                if value is None:
                    continue
                in_file = self.file_keys[target].get((value,))
                if in_file == "delete":
                    self.problem(
                        sheet,
                        row.number,
                        headers[column],
                        value,
                        _l("The row refers to a record the file deletes."),
                    )
                elif in_file is None and value not in known[target]:
                    self.problem(
                        sheet,
                        row.number,
                        headers[column],
                        value,
                        _l("No such record in the file or the archive."),
                    )
            if row.values.get("account_manager") and row.values["account_manager"] not in managers:
                self.problem(
                    sheet,
                    row.number,
                    headers["account_manager"],
                    row.values["account_manager"],
                    _l("No active user has this user name."),
                )
            if row.values.get("tariff_code") and row.values["tariff_code"] not in tariffs:
                self.problem(
                    sheet,
                    row.number,
                    headers["tariff_code"],
                    row.values["tariff_code"],
                    _l("Unknown tariff code %(code)s.", code=row.values["tariff_code"]),
                )

    def _usernames(self, sheet: Sheet) -> set[str]:
        if sheet.key != "customers":
            return set()
        return set(db.session.scalars(select(User.username).where(User.is_active.is_(True))))

    def _tariffs(self, sheet: Sheet) -> set[str]:
        if sheet.key != "customers":
            return set()
        in_file = {key[0] for key, action in self.file_keys["tariffs"].items() if action == "keep"}
        return set(db.session.scalars(select(Tariff.code))) | in_file


def plan_import(
    raw: RawWorkbook,
    *,
    network_sync: bool = False,
    progress: Callable[[int, int, str], None] | None = None,
) -> ImportPlan:
    """The checked plan of an import; `progress(rows checked, rows, sheet)` as the check
    goes."""
    return Planner(raw, network_sync=network_sync, progress=progress).build()
