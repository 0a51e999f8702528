"""Writing workbooks that are safe to open: every text is a text cell, never a formula.

openpyxl makes any string that starts with "=" a live formula, and "#N/A" an error. A
customer named `=HYPERLINK(...)` would run in the inspector's Excel (OWASP: CSV/formula
injection). Every export appends its rows through `append_row`, which types each string
as text: Excel shows `=1+1` as those four characters, and the workbook re-imports
unchanged, since the import tells a formula from a text by the cell's type.
"""

from __future__ import annotations

from collections.abc import Iterable
from io import BytesIO

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def text_cell(sheet: Worksheet, value: object) -> Cell | object:
    """`value` as openpyxl should store it: a string as a text cell (without the control
    characters a cell cannot hold), anything else as it is."""
    if not isinstance(value, str):
        return value
    cell = Cell(sheet, row=1, column=1)  # placed by append
    cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell.data_type = "s"  # after the value: assigning "=…" would make it "f"
    return cell


def append_row(sheet: Worksheet, values: Iterable[object]) -> None:
    """One row of an export (normal or write-only sheet) with every string kept as text."""
    sheet.append([text_cell(sheet, value) for value in values])


class TableSheet:
    """A sheet holding one table, as office users expect of an export: the header row
    stays in view while scrolling and every column has a filter."""

    def __init__(self, workbook: Workbook, title: str, headers: list[object]) -> None:
        self.sheet = workbook.create_sheet(title)
        self.sheet.freeze_panes = "A2"
        self._last_column = get_column_letter(max(len(headers), 1))
        self._rows = 0
        self.append(headers)

    def append(self, values: Iterable[object]) -> None:
        append_row(self.sheet, values)
        self._rows += 1
        # Written when the workbook is saved, so it covers every row appended by then.
        self.sheet.auto_filter.ref = f"A1:{self._last_column}{self._rows}"


def to_bytes(workbook: Workbook) -> BytesIO:
    """A workbook saved into a buffer ready to be sent."""
    buffer = BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer
