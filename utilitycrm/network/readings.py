"""Readings for the line losses: each line's head (关口) meter and each 台区's meter and
low-voltage sales per month, from a workbook, CSV files or the API.

An import is all or nothing, like the consumption import: every row is checked first
(an unknown line or transformer, a transformer that is not public, a month twice, a month
not yet over, negative figures), and only a file without problems is written, upserted
on (line or transformer, month). The customers' own monthly energy is the consumption
import's (`accounts.consumption`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from io import BytesIO

from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from utilitycrm.archive.enums import Ownership
from utilitycrm.archive.models import FeederLine, Transformer
from utilitycrm.archive.workbook.importing import import_limits
from utilitycrm.archive.workbook.layout import Column, Sheet
from utilitycrm.archive.workbook.monthly import MONTH, monthly_rows
from utilitycrm.archive.workbook.notes import write_notes
from utilitycrm.archive.workbook.reading import Problem, open_archive
from utilitycrm.core.database import utcnow
from utilitycrm.core.extensions import db
from utilitycrm.core.spreadsheets import TableSheet, to_bytes
from utilitycrm.network.models import AreaReading, LineReading

LINE_SHEET = Sheet("line_readings", "线路关口电量", "Line head readings", (
    Column("line", "线路编号", "Line code", required=True, note="L0001"),
    MONTH,
    Column("supplied_kwh", "关口电量", "Supplied, kWh", "int", required=True),
    Column("peak_kw", "最大需量", "Peak demand, kW", "int"),
), ("line", "month"))  # fmt: skip
AREA_SHEET = Sheet("area_readings", "台区电量", "台区 readings", (
    Column("transformer", "公变编号", "Public transformer code", required=True),
    MONTH,
    Column("supplied_kwh", "台区供电量", "Supplied, kWh", "int", required=True),
    Column("sold_kwh", "低压售电量", "Sold to its customers, kWh", "int", required=True),
), ("transformer", "month"))  # fmt: skip
SHEETS = (LINE_SHEET, AREA_SHEET)
CHUNK = 900


@dataclass(frozen=True)
class Target:
    """How a sheet's rows find their line or transformer, and where they go."""

    model: type
    key_column: str  # the reference column's key
    id_column: str  # the reading's column for the referenced id
    figures: tuple[str, ...]
    unknown: object  # the message for a code no record has


TARGETS = {
    LINE_SHEET.key: Target(LineReading, "line", "line_id", ("supplied_kwh", "peak_kw"),
                           _l("No line has this code.")),
    AREA_SHEET.key: Target(AreaReading, "transformer", "transformer_id",
                           ("supplied_kwh", "sold_kwh"),
                           _l("No public transformer has this code.")),
}  # fmt: skip


@dataclass
class ReadingsImport:
    rows: dict[str, list[dict]] = field(default_factory=lambda: {s.key: [] for s in SHEETS})
    problems: list[Problem] = field(default_factory=list)
    inserted: int = 0
    updated: int = 0
    committed: bool = False

    @property
    def count(self) -> int:
        return sum(len(rows) for rows in self.rows.values())


def _ids(sheet_key: str, codes: set[str]) -> dict[str, int]:
    """Code → id of the sheet's lines, or of public transformers."""
    model = FeederLine if sheet_key == LINE_SHEET.key else Transformer
    found: dict[str, int] = {}
    ordered = sorted(codes)
    for start in range(0, len(ordered), CHUNK):
        query = select(model.code, model.id).where(model.code.in_(ordered[start : start + CHUNK]))
        if model is Transformer:
            query = query.where(Transformer.ownership == Ownership.PUBLIC)
        found.update(db.session.execute(query).all())
    return found


def check_rows(sheet: Sheet, raw_rows: Iterable[tuple[int, dict]], today: date,
               result: ReadingsImport) -> None:  # fmt: skip
    """Parse and check one sheet's rows, given as (row number, {column key: cell})."""
    target = TARGETS[sheet.key]
    rows = result.rows[sheet.key]
    for number, values in monthly_rows(
        sheet, raw_rows, today, result.problems, figures=target.figures,
        twice=lambda row: _l("The same record and month appear twice (row %(row)d).", row=row),
    ):  # fmt: skip
        rows.append({**values, "_row": number})
    known = _ids(sheet.key, {row[target.key_column] for row in rows})
    reference = next(c for c in sheet.columns if c.key == target.key_column)
    for row in rows:
        code = row[target.key_column]
        if code in known:
            row[target.id_column] = known[code]
        else:
            result.problems.append(Problem(sheet.title, row["_row"], reference.header, code,
                                           str(target.unknown)))  # fmt: skip


def _upsert(model, records: list[dict], index: list[str], figures: tuple[str, ...]) -> None:
    dialect = db.session.get_bind().dialect.name
    insert = (postgresql if dialect == "postgresql" else sqlite).insert
    for start in range(0, len(records), CHUNK // 4):
        statement = insert(model).values(records[start : start + CHUNK // 4])
        db.session.execute(statement.on_conflict_do_update(
            index_elements=index,
            set_={**{name: statement.excluded[name] for name in figures}, "updated_at": utcnow()},
        ))  # fmt: skip


def save(result: ReadingsImport) -> None:
    """Write a checked import (the caller commits), counting new and changed months."""
    if result.problems:
        raise ValueError("an import with problems is never written")
    for sheet_key, rows in result.rows.items():
        target = TARGETS[sheet_key]
        model, id_column = target.model, target.id_column
        records = [
            {id_column: row[id_column], "month": row["month"],
             **{name: row[name] for name in target.figures}}
            for row in rows
        ]  # fmt: skip
        keys = {(r[id_column], r["month"]) for r in records}
        existing = set()
        ids = sorted({r[id_column] for r in records})
        column = getattr(model, id_column)
        for start in range(0, len(ids), CHUNK):
            existing.update(db.session.execute(
                select(column, model.month).where(column.in_(ids[start : start + CHUNK]))
            ).all())  # fmt: skip
        updated = len(keys & existing)
        result.updated += updated
        result.inserted += len(records) - updated
        _upsert(model, records, [id_column, "month"], target.figures)
    result.committed = True


def import_file(source, filename: str, *, today: date, dry_run: bool) -> ReadingsImport:
    """Read, check and (unless `dry_run` or any problem) write a readings file: a workbook
    with either sheet or both, or line_readings.csv / area_readings.csv (alone or zipped)."""
    result = ReadingsImport()
    with open_archive(source, filename, import_limits(), sheets=SHEETS) as book:
        for sheet in SHEETS if not book.problems else ():
            rows = ((raw.number, raw.values) for raw in book.rows(sheet))
            check_rows(sheet, rows, today, result)
    result.problems[:0] = book.problems  # unreadable parts come first
    if not result.problems and not dry_run:
        save(result)
    return result


def check_api_rows(sheet: Sheet, rows: list[dict], today: date) -> ReadingsImport:
    """The API's rows, checked as a sheet's (row numbers count from 1)."""
    result = ReadingsImport()
    check_rows(sheet, enumerate(rows, start=1), today, result)
    return result


MATCHING = (
    "行按（线路编号或公变编号，月份）匹配：新的月份新增，已有的月份被覆盖；文件有任何问题则不写入。"
    "Rows match on (line or transformer, month): new months are added, recorded ones "
    "replaced; a file with any problem writes nothing."
)


def template_workbook() -> BytesIO:
    """The two sheets' headers and their notes, no rows: what the metering office fills."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet in SHEETS:
        TableSheet(workbook, sheet.title, [column.header for column in sheet.columns])
    write_notes(workbook, SHEETS, MATCHING)
    return to_bytes(workbook)
