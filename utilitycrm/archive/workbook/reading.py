"""Opening an uploaded workbook safely and reading its sheets into raw rows.

Refused before any row is read: files over the size limit, anything that is not an
.xlsx zip, a .csv or a zip of .csv files, macro-enabled workbooks, zip bombs. While reading: formulas (values
only are accepted), too many rows, unknown or missing columns. Every refusal is a
`Problem` the user reads, never an exception page.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from openpyxl import load_workbook

from utilitycrm.archive.workbook.layout import SHEETS, Column, Sheet
from utilitycrm.core.text import tidy_line


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
    max_rows: int  # rows read, empty ones included: a file of blank rows is work too
    max_uncompressed: int
    max_shared_strings: int  # bytes of xl/sharedStrings.xml, which openpyxl holds whole


@dataclass(slots=True)
class RawRow:
    number: int  # the row number the user sees in Excel
    values: dict[str, object]


PROGRESS_ROWS = 5_000  # rows between two reports of a long read, check or write


def _silent(done: int, sheet: str) -> None:
    """No one is watching this read."""


@dataclass
class RawWorkbook:
    rows: dict[str, list[RawRow]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    rows_read: int = 0
    progress: Callable[[int, str], None] = _silent  # told the rows read so far, and the sheet

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


def _too_many_rows(book: RawWorkbook, limit: int, *, sheet: str, row: int | None) -> None:
    book.refuse(
        _l("The file has more than %(limit)d rows; split it.", limit=limit), sheet=sheet, row=row
    )


def _read_rows(sheet: Sheet, rows: Iterator[tuple], book: RawWorkbook, limit: int) -> None:
    try:
        headers = next(rows)
    except StopIteration:
        return
    mapping = _map_headers(sheet, [cell for cell, _formula in headers], book)
    out = book.rows.setdefault(sheet.key, [])
    columns = list(mapping.items())
    for number, row in enumerate(rows, start=2):
        book.rows_read += 1
        if book.rows_read % PROGRESS_ROWS == 0:
            book.progress(book.rows_read, sheet.key)
        if book.rows_read > limit:
            _too_many_rows(book, limit, sheet=sheet.title, row=number)
            return
        if all(value in (None, "") for value, _formula in row):
            continue  # empty rows are skipped
        values = {}
        width = len(row)
        for index, column in columns:
            value, is_formula = row[index] if index < width else (None, False)
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


def _open_zip(data: bytes, limits: Limits, book: RawWorkbook) -> zipfile.ZipFile | None:
    """The zip of a workbook or of CSV sheets, refused when it unpacks to far more than
    its size (a zip bomb)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError):
        book.refuse(NOT_AN_ARCHIVE)
        return None
    if unpacked > limits.max_uncompressed or unpacked > 100 * max(len(data), 1):
        book.refuse(_l("The workbook unpacks to far more than its size; it is refused."))
        return None
    return archive


def _is_csv_zip(archive: zipfile.ZipFile) -> bool:
    files = [info.filename for info in archive.infolist() if not info.is_dir()]
    return bool(files) and all(name.lower().endswith(".csv") for name in files)


def _check_xlsx(archive: zipfile.ZipFile, limits: Limits, book: RawWorkbook) -> bool:
    names = archive.namelist()
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        book.refuse(NOT_AN_ARCHIVE)
        return False
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        book.refuse(_l("Macro-enabled workbooks are refused; save it as a plain .xlsx."))
        return False
    strings = next((i for i in archive.infolist() if i.filename.lower() == SHARED_STRINGS), None)
    if strings is not None and strings.file_size > limits.max_shared_strings:
        book.refuse(
            _l(
                "The workbook's texts take more than %(mb)d MB; split it into smaller files.",
                mb=limits.max_shared_strings // 2**20,
            )
        )
        return False
    return True


NOT_AN_ARCHIVE = _l("The file is not an Excel workbook (.xlsx), a CSV file, or a zip of CSV files.")
SHARED_STRINGS = "xl/sharedstrings.xml"
SCALARS = (str, int, float, Decimal, bool, date, datetime, time, timedelta)
FORMULA_TRIGGERS = ("=", "＝")  # full width: Excel reads it as "=" when typed in a cell
ESCAPED = (*FORMULA_TRIGGERS, "+", "-", "@")  # what a leading apostrophe keeps as text
CSV_SUSPECT = frozenset(" \t\r\n'" + "".join(FORMULA_TRIGGERS))  # a field's first characters


def _xlsx_cell(cell) -> tuple[object, bool]:
    """(value, is_formula): a formula of any kind (plain, array, data table) by the cell's
    type, so that a text cell that reads "=1+1" (as the export writes one) stays text."""
    value = cell.value
    if cell.data_type == "f" or not (value is None or isinstance(value, SCALARS)):
        return value if isinstance(value, str) else getattr(value, "text", ""), True
    return value, False


def _xlsx_rows(worksheet) -> Iterator[tuple]:
    for row in worksheet.iter_rows():
        yield tuple(_xlsx_cell(cell) for cell in row)


def _csv_value(value: str) -> tuple[object, bool]:
    """A CSV field has no type: text that Excel would evaluate is refused as a formula,
    unless escaped with a leading apostrophe (OWASP), which is then dropped."""
    if not value or value[0] not in CSV_SUSPECT:
        return value, False
    stripped = value.lstrip(" \t\r\n")
    if stripped.startswith("'") and stripped[1:2] in ESCAPED:
        return stripped[1:], False
    return value, stripped.startswith(FORMULA_TRIGGERS)


def _csv_rows(text: str) -> Iterator[tuple]:
    for row in csv.reader(io.StringIO(text)):
        yield [_csv_value(value) for value in row]


def _declared_rows(worksheet) -> int:
    """The rows the sheet's <dimension> claims (0 when it claims none): a sheet that claims
    too many is refused unread; one that understates them is held by the rows counted."""
    try:
        return worksheet.max_row or 0
    except (ValueError, TypeError):  # a malformed dimension is read row by row instead
        return 0


def _read_guarded(book: RawWorkbook, sheet: Sheet, rows: Iterator[tuple], limits: Limits) -> None:
    """Read a sheet's rows; a damaged cell or CSV line is a problem naming where it is."""
    try:
        _read_rows(sheet, rows, book, limits.max_rows)
    except csv.Error:  # a field over csv's size limit, a line break outside quotes
        book.refuse(
            _l("The CSV file cannot be read from about this line on: a field is too long or "
               "breaks a line outside quotes. Save it again from Excel as CSV (UTF-8)."),
            sheet=sheet.title, row=book.rows_read + 2,
        )  # fmt: skip
    except Exception:  # openpyxl raises many kinds on cells it cannot decode
        book.refuse(
            _l("The sheet cannot be read from about this row on; the file may be damaged."),
            sheet=sheet.title, row=book.rows_read + 2,
        )  # fmt: skip


def _read_csv(
    book: RawWorkbook, filename: str, data: bytes, limits: Limits, sheets: Sequence[Sheet]
) -> None:
    """One CSV file, named after its sheet (customers.csv, 客户.csv)."""
    stem = filename.rsplit("/", 1)[-1][:-4]
    sheet = _match_sheet(stem, sheets)
    if sheet is None:
        book.refuse(_l("Name a CSV file after its sheet, e.g. customers.csv."), value=stem)
        return
    if sheet.key in book.rows:
        book.refuse(_l("Two files hold this sheet; keep one."), sheet=sheet.title, value=filename)
        return
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            book.refuse(_l("The CSV file is neither UTF-8 nor GB18030 text."), sheet=sheet.title)
            return
    book.rows[sheet.key] = []
    _read_guarded(book, sheet, _csv_rows(text), limits)


def _read_xlsx(book: RawWorkbook, data: bytes, limits: Limits, sheets: Sequence[Sheet]) -> None:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds on damaged files
        book.refuse(_l("The workbook cannot be read; it may be damaged."))
        return
    try:
        for worksheet in workbook.worksheets:
            sheet = _match_sheet(worksheet.title, sheets)
            if sheet is None:
                if not worksheet.title.startswith("说明"):
                    book.refuse(_l("Unknown sheet; it was not read."), sheet=worksheet.title)
            elif _declared_rows(worksheet) - 1 > limits.max_rows - book.rows_read:
                _too_many_rows(book, limits.max_rows, sheet=sheet.title, row=None)
            else:
                # Read what the sheet holds: openpyxl would stop at (or pad up to) the
                # declared last row, and a file that understates it would lose rows.
                worksheet.reset_dimensions()
                _read_guarded(book, sheet, _xlsx_rows(worksheet), limits)
    finally:
        workbook.close()


def read_workbook(
    data: bytes,
    filename: str,
    limits: Limits,
    sheets: Sequence[Sheet] = SHEETS,
    progress: Callable[[int, str], None] = _silent,
) -> RawWorkbook:
    """The rows of the sheets an archive holds, or the problems that stop it being read:
    a workbook, one CSV named after its sheet, or a zip of such CSV files (a folder of
    them, zipped by the shell command). `sheets` is the layout (the archive's by default);
    `progress` is told the rows read as the reading goes, and the sheet it is in."""
    book = RawWorkbook(progress=progress)
    if len(data) > limits.max_bytes:
        book.refuse(_l("The file is larger than %(mb)d MB.", mb=limits.max_bytes // 2**20))
        return book
    if filename.lower().endswith(".csv"):
        _read_csv(book, filename, data, limits, sheets)
        return book
    archive = _open_zip(data, limits, book)
    if archive is None:
        return book
    if _is_csv_zip(archive):
        for info in sorted(archive.infolist(), key=lambda i: i.filename):
            if not info.is_dir():
                _read_csv(book, info.filename, archive.read(info), limits, sheets)
    elif _check_xlsx(archive, limits, book):
        _read_xlsx(book, data, limits, sheets)
    if not book.rows and not book.problems:
        book.refuse(_l("The workbook has none of the sheets of its template."))
    return book
