"""Opening an archive file safely and reading its sheets as a stream of raw rows.

An archive is a workbook, one CSV file named after its sheet, a zip of such files, or (from
the shell) a folder of them. Refused before any row is read: files over the size limit,
anything else, macro-enabled workbooks, zip bombs. While reading: formulas (values only are
accepted), too many rows, unknown or missing columns. Every refusal is a `Problem` the user
reads, never an exception page.

Rows are read a sheet at a time in the layout's order, whatever the order in the file, and
never held whole: a million-customer archive is read in the memory of a few rows.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

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


# A row as read: its cells, and the indexes of those that hold a formula (None: an empty
# row, which is skipped but counted).
Cells = tuple[list, Sequence[int]]


@dataclass(slots=True)
class RawRow:
    number: int  # the row number the user sees in Excel
    values: dict[str, object]


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


def _map_headers(sheet: Sheet, headers: list[object], book: ArchiveFile) -> dict[int, Column]:
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


NOT_AN_ARCHIVE = _l("The file is not an Excel workbook (.xlsx), a CSV file, or a zip of CSV files.")
SHARED_STRINGS = "xl/sharedstrings.xml"
SCALARS = (str, int, float, Decimal, bool, date, datetime, time, timedelta)
FORMULA_TRIGGERS = ("=", "＝")  # full width: Excel reads it as "=" when typed in a cell
ESCAPED = (*FORMULA_TRIGGERS, "+", "-", "@")  # what a leading apostrophe keeps as text
CSV_SUSPECT = frozenset(" \t\r\n'" + "".join(FORMULA_TRIGGERS))  # a field's first characters
# A field after the first that starts with one of them, in the row's fields joined by NUL
# (a literal first, which the regex engine finds fastest).
_SUSPECT_LATER = re.compile("\0[" + re.escape("".join(sorted(CSV_SUSPECT))) + "]")
SNIFF_BYTES = 1 << 20  # a CSV file's encoding is told from its first megabyte
CSV_ENCODINGS = ("utf-8-sig", "gb18030")  # Excel's "CSV UTF-8", then the legacy Chinese one


@dataclass(frozen=True)
class Part:
    """Where a sheet's rows are: a CSV file, opened when its turn comes, or a worksheet."""

    name: str
    size: int  # for the estimate of the rows to come: a CSV's bytes, a worksheet's rows
    open: Callable[[], BinaryIO] | None = None  # a CSV file's bytes
    worksheet: str = ""  # a workbook's sheet title


class ArchiveFile:
    """An opened archive: which part holds which sheet, the problems found so far, and the
    rows of a sheet as a stream (`rows(sheet)`), counted against the row limit."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.parts: dict[str, Part] = {}
        self.problems: list[Problem] = []
        self.rows_read = 0
        self.workbook = None  # an .xlsx, read only
        self._zip: zipfile.ZipFile | None = None
        self._bytes_done = 0  # of the parts read to their end
        self._reading: BinaryIO | None = None

    def refuse(self, message, *, sheet: str = "", row: int | None = None, column: str = "",
               value: object = "") -> None:  # fmt: skip
        self.problems.append(Problem(sheet, row, column, str(value)[:100], str(message)))

    def rows(self, sheet: Sheet) -> Iterator[RawRow]:
        """The sheet's rows, in the file's order (none when the archive lacks the sheet)."""
        part = self.parts.get(sheet.key)
        if part is None:
            return
        if part.open is None:
            yield from self._worksheet_rows(sheet, part)
            return
        stream = _csv_stream(part, self, sheet)
        if stream is None:
            return
        self._reading = stream.buffer
        try:
            yield from _guarded(self, sheet, _csv_rows(stream))
        finally:
            stream.close()
            self._reading = None
            self._bytes_done += part.size

    def _worksheet_rows(self, sheet: Sheet, part: Part) -> Iterator[RawRow]:
        worksheet = self.workbook[part.worksheet]
        if _declared_rows(worksheet) - 1 > self.limits.max_rows - self.rows_read:
            _too_many_rows(self, self.limits.max_rows, sheet=sheet.title, row=None)
            return
        # Read what the sheet holds: openpyxl would stop at (or pad up to) the declared
        # last row, and a file that understates it would lose rows.
        worksheet.reset_dimensions()
        yield from _guarded(self, sheet, _xlsx_rows(worksheet))

    def estimated_rows(self) -> int | None:
        """The rows the whole archive likely holds, from the share of its bytes read so far
        (a workbook: from the rows its sheets declare); None before anything is read."""
        if self.workbook is not None:
            declared = [part.size for part in self.parts.values()]
            return sum(declared) if all(declared) else None
        total = sum(part.size for part in self.parts.values())
        done = self._bytes_done + (self._reading.tell() if self._reading is not None else 0)
        if not done or not total:
            return None
        return max(self.rows_read, round(self.rows_read * total / done))

    def close(self) -> None:
        if self.workbook is not None:
            self.workbook.close()
        if self._zip is not None:
            self._zip.close()

    def __enter__(self) -> ArchiveFile:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()


def _too_many_rows(book: ArchiveFile, limit: int, *, sheet: str, row: int | None) -> None:
    book.refuse(
        _l("The file has more than %(limit)d rows; split it.", limit=limit), sheet=sheet, row=row
    )


def _read_rows(sheet: Sheet, rows: Iterator[Cells | None], book: ArchiveFile) -> Iterator[RawRow]:
    try:
        headers = next(rows)
    except StopIteration:
        return
    header_cells = headers[0] if headers is not None else []
    mapping = _map_headers(sheet, list(header_cells), book)
    columns = [(index, column.key) for index, column in mapping.items()]
    width = max(mapping, default=-1) + 1
    limit = book.limits.max_rows
    for number, row in enumerate(rows, start=2):
        book.rows_read += 1
        if book.rows_read > limit:
            _too_many_rows(book, limit, sheet=sheet.title, row=number)
            return
        if row is None:
            continue  # empty rows are skipped
        cells, formulas = row
        if len(cells) < width:
            cells = [*cells, *[None] * (width - len(cells))]
        for index in formulas:
            if index in mapping:
                book.refuse(
                    _l("Formulas are not accepted; paste the values instead."),
                    sheet=sheet.title, row=number, column=mapping[index].header,
                    value=cells[index],
                )  # fmt: skip
        yield RawRow(number, {key: cells[index] for index, key in columns})


def _guarded(book: ArchiveFile, sheet: Sheet, rows: Iterator[Cells | None]) -> Iterator[RawRow]:
    """A sheet's rows; a damaged cell or CSV line is a problem naming where it is, and ends
    the sheet."""
    try:
        yield from _read_rows(sheet, rows, book)
    except csv.Error:  # a field over csv's size limit, a line break outside quotes
        book.refuse(
            _l("The CSV file cannot be read from about this line on: a field is too long or "
               "breaks a line outside quotes. Save it again from Excel as CSV (UTF-8)."),
            sheet=sheet.title, row=book.rows_read + 2,
        )  # fmt: skip
    except UnicodeDecodeError:  # its first megabyte was text, a later line is not
        book.refuse(
            _l("The CSV file is not text of one encoding from about this line on. Save it "
               "again from Excel as CSV (UTF-8)."),
            sheet=sheet.title, row=book.rows_read + 2,
        )  # fmt: skip
    except Exception:  # openpyxl raises many kinds on cells it cannot decode
        book.refuse(
            _l("The sheet cannot be read from about this row on; the file may be damaged."),
            sheet=sheet.title, row=book.rows_read + 2,
        )  # fmt: skip


def _zip_of(source: bytes | Path, size: int, limits: Limits, book: ArchiveFile):
    """The zip of a workbook or of CSV sheets, refused when it unpacks to far more than
    its size (a zip bomb)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source)
        unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError):
        book.refuse(NOT_AN_ARCHIVE)
        return None
    if unpacked > limits.max_uncompressed or unpacked > 100 * max(size, 1):
        archive.close()
        book.refuse(_l("The workbook unpacks to far more than its size; it is refused."))
        return None
    return archive


def _is_csv_zip(archive: zipfile.ZipFile) -> bool:
    files = [info.filename for info in archive.infolist() if not info.is_dir()]
    return bool(files) and all(name.lower().endswith(".csv") for name in files)


def _check_xlsx(archive: zipfile.ZipFile, limits: Limits, book: ArchiveFile) -> bool:
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


def _xlsx_rows(worksheet) -> Iterator[Cells | None]:
    """A worksheet's rows as cells and the indexes of those holding a formula of any kind
    (plain, array, data table), told by the cell's type: a text cell that reads "=1+1"
    (as the export writes one) stays text."""
    for row in worksheet.iter_rows():
        cells, formulas = [], []
        for index, cell in enumerate(row):
            value = cell.value
            if cell.data_type == "f" or not (value is None or isinstance(value, SCALARS)):
                value = value if isinstance(value, str) else getattr(value, "text", "")
                formulas.append(index)
            cells.append(value)
        if formulas or any(value is not None and value != "" for value in cells):
            yield cells, formulas
        else:
            yield None


def _csv_value(value: str) -> tuple[str, bool]:
    """A CSV field has no type: text that Excel would evaluate is refused as a formula,
    unless escaped with a leading apostrophe (OWASP), which is then dropped."""
    if not value or value[0] not in CSV_SUSPECT:
        return value, False
    stripped = value.lstrip(" \t\r\n")
    if stripped.startswith("'") and stripped[1:2] in ESCAPED:
        return stripped[1:], False
    return value, stripped.startswith(FORMULA_TRIGGERS)


def _csv_rows(text: io.TextIOBase) -> Iterator[Cells | None]:
    """A CSV file's rows; a row is screened field by field only when one of its fields may
    start with a formula or an escape (a single search of the row says so)."""
    for row in csv.reader(text):
        if not any(row):
            yield None
        elif row[0][:1] not in CSV_SUSPECT and not _SUSPECT_LATER.search("\0".join(row)):
            yield row, ()
        else:
            screened = [_csv_value(value) for value in row]
            yield ([value for value, _f in screened],
                   [index for index, (_v, formula) in enumerate(screened) if formula])  # fmt: skip


def _encoding(head: bytes) -> str | None:
    """The encoding a CSV file's first bytes decode in (the last character may be cut)."""
    for encoding in CSV_ENCODINGS:
        try:
            codecs.getincrementaldecoder(encoding)().decode(head, final=len(head) < SNIFF_BYTES)
        except UnicodeDecodeError:
            continue
        return encoding
    return None


def _csv_stream(part: Part, book: ArchiveFile, sheet: Sheet) -> io.TextIOWrapper | None:
    """A CSV part as text, in the encoding its first megabyte is in."""
    with part.open() as raw:
        encoding = _encoding(raw.read(SNIFF_BYTES))
    if encoding is None:
        book.refuse(_l("The CSV file is neither UTF-8 nor GB18030 text."), sheet=sheet.title)
        return None
    return io.TextIOWrapper(part.open(), encoding=encoding, newline="\n")  # as Excel splits


def _declared_rows(worksheet) -> int:
    """The rows the sheet's <dimension> claims (0 when it claims none): a sheet that claims
    too many is refused unread; one that understates them is held by the rows counted."""
    try:
        return worksheet.max_row or 0
    except (ValueError, TypeError):  # a malformed dimension is read row by row instead
        return 0


def _add_csv(book: ArchiveFile, part: Part, sheets: Sequence[Sheet]) -> None:
    """A CSV file, named after its sheet (customers.csv, 客户.csv)."""
    stem = part.name.rsplit("/", 1)[-1][:-4]
    sheet = _match_sheet(stem, sheets)
    if sheet is None:
        book.refuse(_l("Name a CSV file after its sheet, e.g. customers.csv."), value=stem)
    elif sheet.key in book.parts:
        book.refuse(_l("Two files hold this sheet; keep one."), sheet=sheet.title, value=part.name)
    else:
        book.parts[sheet.key] = part


def _add_worksheets(book: ArchiveFile, source: bytes | Path, sheets: Sequence[Sheet]) -> None:
    try:
        book.workbook = load_workbook(
            io.BytesIO(source) if isinstance(source, bytes) else source,
            read_only=True, data_only=False,
        )  # fmt: skip
    except Exception:  # openpyxl raises many kinds on damaged files
        book.refuse(_l("The workbook cannot be read; it may be damaged."))
        return
    for worksheet in book.workbook.worksheets:
        sheet = _match_sheet(worksheet.title, sheets)
        if sheet is None:
            if not worksheet.title.startswith("说明"):
                book.refuse(_l("Unknown sheet; it was not read."), sheet=worksheet.title)
        elif sheet.key not in book.parts:
            rows = max(_declared_rows(worksheet) - 1, 0)  # below its header
            book.parts[sheet.key] = Part(worksheet.title, rows, worksheet=worksheet.title)


def _folder_parts(folder: Path) -> list[Part]:
    return [Part(file.name, file.stat().st_size, open=lambda file=file: file.open("rb"))
            for file in sorted(folder.glob("*.csv"))]  # fmt: skip


def _size(source: bytes | Path) -> int:
    if isinstance(source, bytes):
        return len(source)
    if source.is_dir():
        return sum(file.stat().st_size for file in source.glob("*.csv"))
    return source.stat().st_size


def open_archive(
    source: bytes | Path,
    filename: str,
    limits: Limits,
    sheets: Sequence[Sheet] = SHEETS,
) -> ArchiveFile:
    """An archive to read: the bytes of an upload, or (from the shell) the path of a file
    or of a folder of CSV files. `sheets` is the layout (the archive's by default). Nothing
    but the parts' names is read here; the problems that stop it already are in
    `problems`."""
    book = ArchiveFile(limits)
    size = _size(source)
    if size > limits.max_bytes:
        book.refuse(_l("The file is larger than %(mb)d MB.", mb=limits.max_bytes // 2**20))
        return book
    if isinstance(source, Path) and source.is_dir():
        for part in _folder_parts(source):
            _add_csv(book, part, sheets)
    elif filename.lower().endswith(".csv"):
        opener = ((lambda: io.BytesIO(source)) if isinstance(source, bytes)
                  else lambda: source.open("rb"))  # fmt: skip
        _add_csv(book, Part(filename, size, open=opener), sheets)
    else:
        archive = book._zip = _zip_of(source, size, limits, book)
        if archive is None:
            return book
        if _is_csv_zip(archive):
            for info in sorted(archive.infolist(), key=lambda i: i.filename):
                if not info.is_dir():
                    opener = lambda info=info: archive.open(info)  # noqa: E731
                    _add_csv(book, Part(info.filename, info.file_size, open=opener), sheets)
        elif _check_xlsx(archive, limits, book):
            _add_worksheets(book, source, sheets)
    if not book.parts and not book.problems:
        book.refuse(_l("The workbook has none of the sheets of its template."))
    return book


def digest_of(source: bytes | Path) -> str:
    """The SHA-256 of what is imported (a folder: of its CSV files, in name order), read a
    megabyte at a time."""
    digest = hashlib.sha256()
    if isinstance(source, bytes):
        digest.update(source)
        return digest.hexdigest()
    for file in sorted(source.glob("*.csv")) if source.is_dir() else [source]:
        with file.open("rb") as stream:
            while chunk := stream.read(1 << 20):
                digest.update(chunk)
    return digest.hexdigest()
