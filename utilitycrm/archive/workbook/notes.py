"""The notes sheet: every column of every sheet explained, with the codes it accepts."""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import force_locale
from openpyxl import Workbook

from utilitycrm.archive.workbook.layout import SHEETS, Column, Sheet
from utilitycrm.core.spreadsheets import append_row

KINDS = {
    "text": "文本 text",
    "int": "整数 whole number",
    "decimal": "数值 number",
    "date": "日期 date (2024-05-01)",
    "month": "月份 month (2024-05)",
    "bool": "是/否 yes/no",
    "enum": "代码 code",
    "ratio": "变比 ratio (300/5)",
}


def allowed_values(column: Column) -> str:
    if column.enum is None:
        return ""
    parts = []
    for member in column.enum:
        with force_locale("zh_CN"):
            chinese = member.label
        with force_locale("en"):
            english = member.label
        parts.append(f"{member.value} = {chinese} / {english}")
    return "; ".join(parts)


ARCHIVE_MATCHING = (
    "行按自然键匹配（户号、线路编号、设备编号、资产编号…）：新键新增，已有键更新；"
    "只有操作列写明 delete/删除 才删除。Rows match on natural keys: new keys are "
    "created, existing ones updated; nothing is deleted unless the action column says delete."
)


def write_notes(
    workbook: Workbook, sheets: Sequence[Sheet] = SHEETS, matching: str = ARCHIVE_MATCHING
) -> None:
    """The notes sheet of `sheets` (the archive's by default) and how rows match."""
    sheet = workbook.create_sheet("说明 notes")
    append_row(sheet, ["工作表 / Sheet", "列 / Column", "必填 / Required", "类型 / Type",
                  "允许的值 / Allowed values", "说明 / Notes"])  # fmt: skip
    for layout in sheets:
        for column in layout.columns:
            append_row(sheet, [
                layout.title, column.header, "是 yes" if column.required else "",
                KINDS[column.kind], allowed_values(column), column.note,
            ])  # fmt: skip
    append_row(sheet, [])
    append_row(sheet, ["", "匹配 / Matching", "", "", "", matching])
