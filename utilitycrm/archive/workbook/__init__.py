"""The archive as a workbook: one layout for the template, the export and the import."""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def to_bytes(workbook: Workbook) -> BytesIO:
    """A workbook saved into a buffer ready to be sent."""
    buffer = BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer
