"""Opening an uploaded workbook safely and reading its sheets into raw rows.

Refused before any row is read: files over the size limit, anything that is not an
.xlsx zip or a .csv, macro-enabled workbooks, zip bombs. While reading: formulas (values
only are accepted), too many rows, unknown or missing columns. Every refusal is a
`Problem` the user reads, never an exception page.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from openpyxl import load_workbook

from utilitycrm.archive.workbook.layout import SHEETS, Column, Sheet
from utilitycrm.forms import tidy_line


@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int | None
    column: str
    value: str
    message: str


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_rows: int
    max_uncompressed: int


@dataclass
class RawRow:
    number: int  # the row number the user sees in Excel
    values: dict[str, object]


@dataclass
class RawWorkbook:
    rows: dict[str, list[RawRow]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def refuse(self, message, *, sheet: str = "", row: int | None = None, column: str = "",
               value: object = "") -> None:  # fmt: skip
        self.problems.append(Problem(sheet, row, column, str(value)[:100], str(message)))


def _normal_header(text: object) -> str:
    return str(tidy_line(str(text or ""))).replace(" ", "").replace("\n", "").lower()


def _header_names(column: Column) -> set[str]:
    return {_normal_header(name) for name in (column.key, column.zh, column.en, column.header)}


def _match_sheet(title: str, sheets: Sequence[Sheet]) -> Sheet | None:
    cleaned = tidy_line(title).lower()
    for sheet in sheets:
        if cleaned in {sheet.key, sheet.zh, sheet.en.lower(), sheet.title.lower()}:
            return sheet
    return None


def _map_headers(sheet: Sheet, headers: list[object], book: RawWorkbook) -> dict[int, Column]:
    by_name = {name: column for column in sheet.columns for name in _header_names(column)}
    mapping: dict[int, Column] = {}
    for index, header in enumerate(headers):
        text = _normal_header(header)
        if not text:
            continue
        column = by_name.get(text)
        if column is None:
            book.refuse(
                _l("Unknown column; the template's notes list the columns."),
                sheet=sheet.title,
                row=1,
                column=str(header),
                value=header,
            )
        elif column in mapping.values():
            book.refuse(
                _l("The column appears twice."),
                sheet=sheet.title,
                row=1,
                column=str(header),
                value=header,
            )
        else:
            mapping[index] = column
    present = set(mapping.values())
    for column in sheet.columns:
        if column.required and column not in present:
            book.refuse(
                _l("A required column is missing."), sheet=sheet.title, row=1, column=column.header
            )
    return mapping


def _read_rows(sheet: Sheet, rows: Iterator[tuple], book: RawWorkbook, limit: int) -> None:
    try:
        headers = next(rows)
    except StopIteration:
        return
    mapping = _map_headers(sheet, [cell for cell, _formula in headers], book)
    out = book.rows.setdefault(sheet.key, [])
    for number, row in enumerate(rows, start=2):
        if all(value in (None, "") for value, _formula in row):
            continue  # empty rows are skipped
        if sum(len(r) for r in book.rows.values()) >= limit:
            book.refuse(
                _l("The file has more than %(limit)d rows; split it.", limit=limit),
                sheet=sheet.title,
                row=number,
            )
            return
        values = {}
        for index, column in mapping.items():
            value, is_formula = row[index] if index < len(row) else (None, False)
            if is_formula:
                book.refuse(
                    _l("Formulas are not accepted; paste the values instead."),
                    sheet=sheet.title,
                    row=number,
                    column=column.header,
                    value=value,
                )
            values[column.key] = value
        out.append(RawRow(number, values))


def _check_zip(data: bytes, limits: Limits, book: RawWorkbook) -> bool:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = archive.namelist()
        unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError):
        book.refuse(_l("The file is not an Excel workbook (.xlsx) or a CSV file."))
        return False
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        book.refuse(_l("The file is not an Excel workbook (.xlsx) or a CSV file."))
        return False
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        book.refuse(_l("Macro-enabled workbooks are refused; save it as a plain .xlsx."))
        return False
    if unpacked > limits.max_uncompressed or unpacked > 100 * max(len(data), 1):
        book.refuse(_l("The workbook unpacks to far more than its size; it is refused."))
        return False
    return True


def _xlsx_rows(worksheet) -> Iterator[tuple]:
    # Values only (cell objects cost twice the time); opened with data_only=False, a
    # formula reads as its text, "=...", which is how it is recognised.
    for row in worksheet.iter_rows(values_only=True):
        yield tuple((value, isinstance(value, str) and value.startswith("=")) for value in row)


def _csv_rows(text: str) -> Iterator[tuple]:
    for row in csv.reader(io.StringIO(text)):
        yield tuple((value, False) for value in row)


def read_workbook(
    data: bytes, filename: str, limits: Limits, sheets: Sequence[Sheet] = SHEETS
) -> RawWorkbook:
    """The rows of the sheets a workbook (or a CSV named after its sheet) holds, or the
    problems that stop it being read; `sheets` is the layout (the archive's by default)."""
    book = RawWorkbook()
    if len(data) > limits.max_bytes:
        book.refuse(_l("The file is larger than %(mb)d MB.", mb=limits.max_bytes // 2**20))
        return book
    if filename.lower().endswith(".csv"):
        stem = filename.rsplit("/", 1)[-1][:-4]
        sheet = _match_sheet(stem, sheets)
        if sheet is None:
            book.refuse(_l("Name a CSV file after its sheet, e.g. customers.csv."), value=stem)
            return book
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("gb18030")
            except UnicodeDecodeError:
                book.refuse(_l("The CSV file is neither UTF-8 nor GB18030 text."))
                return book
        _read_rows(sheet, _csv_rows(text), book, limits.max_rows)
        return book
    if not _check_zip(data, limits, book):
        return book
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds on damaged files
        book.refuse(_l("The workbook cannot be read; it may be damaged."))
        return book
    try:
        for worksheet in workbook.worksheets:
            sheet = _match_sheet(worksheet.title, sheets)
            if sheet is not None:
                _read_rows(sheet, _xlsx_rows(worksheet), book, limits.max_rows)
            elif not worksheet.title.startswith("说明"):
                book.refuse(_l("Unknown sheet; it was not read."), sheet=worksheet.title)
    finally:
        workbook.close()
    if not book.rows and not book.problems:
        book.refuse(_l("The workbook has none of the sheets of its template."))
    return book
