"""Cell values as utilities type them, turned into the archive's types.

Text is tidied (full-width to ASCII, outer spaces); numbers may come as numbers or text;
dates as Excel dates or text (2024-05-01, 2024/5/1, 2024年5月1日, 20240501); yes/no in
Chinese or English; coded values as codes or their labels in either language.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import suppress
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache, partial

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from utilitycrm.archive.workbook.layout import Column
from utilitycrm.core.text import tidy_line

TRUE = {"是", "yes", "y", "true", "1", "√", "✓"}
FALSE = {"否", "no", "n", "false", "0"}
DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
MONTH_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")
RATIO = re.compile(r"^(\d{1,6})\s*/\s*(\d{1,6})$")


class CellError(ValueError):
    """A cell that cannot be read as its column's type; the message says what is expected."""


def _text(value: object) -> str:
    """A cell as text; parse_cell has tidied a text cell already."""
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # 3100000001 typed into a number cell
    return str(tidy_line(str(value)))


def _int(value: object) -> int:
    if isinstance(value, bool):
        raise CellError(_l("Expected a whole number."))
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = _text(value).replace(",", "")
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    raise CellError(_l("Expected a whole number."))


def _decimal(value: object) -> Decimal:
    try:
        return Decimal(_text(value).replace(",", ""))
    except InvalidOperation:
        raise CellError(_l("Expected a number.")) from None


def _date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    match = DATE_TEXT.match(text) or re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text)
    with suppress(ValueError):  # a day that does not exist, e.g. 2024-02-30
        if match:
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    raise CellError(_l("Expected a date such as 2024-05-01."))


def _bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise CellError(_l("Expected 是/否 (yes/no)."))


_ENUM_LOOKUP: dict[type, dict[str, str]] = {}


def _enum_lookup(enum) -> dict[str, str]:
    """Codes and labels (both languages, case-insensitive) → code; built once per enum."""
    if enum not in _ENUM_LOOKUP:
        lookup = {}
        for member in enum:
            lookup[member.value.lower()] = member.value
            for locale in ("zh_CN", "en"):
                with force_locale(locale):
                    lookup[tidy_line(str(member.label)).lower()] = member.value  # as a cell reads
        _ENUM_LOOKUP[enum] = lookup
    return _ENUM_LOOKUP[enum]


def _numeric_code(text: str, enum) -> str | None:
    """0.9 typed for the code 0.90, 10.0 for 10: numbers compare as numbers."""
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    for member in enum:
        try:
            if Decimal(member.value) == number:
                return member.value
        except InvalidOperation:
            continue
    return None


def _enum(value: object, enum) -> str:
    text = _text(value)
    code = _enum_lookup(enum).get(text.lower()) or _numeric_code(text, enum)
    if code is None:
        raise CellError(
            _l("Not an allowed value; allowed: %(codes)s.", codes=", ".join(m.value for m in enum))
        )
    return code


def _month(value: object) -> date:
    """A month as its first day: 2026-10, 2026/10, 2026年10月, or any date in it."""
    match = MONTH_TEXT.match(_text(value)) if not isinstance(value, date) else None
    if match:
        with suppress(ValueError):
            return date(int(match.group(1)), int(match.group(2)), 1)
        raise CellError(_l("Expected a month such as 2026-10."))
    try:
        return _date(value).replace(day=1)
    except CellError:
        raise CellError(_l("Expected a month such as 2026-10.")) from None


def _ratio(value: object) -> tuple[int, int]:
    match = RATIO.match(_text(value))
    if not match or int(match.group(1)) == 0 or int(match.group(2)) == 0:
        raise CellError(_l("Write the ratio as primary/secondary, e.g. 300/5."))
    return int(match.group(1)), int(match.group(2))


_CONVERTERS = {
    "int": _int, "decimal": _decimal, "date": _date, "month": _month, "bool": _bool,
    "ratio": _ratio, "text": _text,
}  # fmt: skip


# Codes, dates and numbers repeat down a column: each parser remembers this many texts.
MEMO_SIZE = 4096


@cache
def cell_parser(column: Column) -> Callable[[object], object]:
    """The parser of a column's cells, made once: a sheet's million cells each pay for
    their own conversion only, and a text seen before (a code, a date) not even that."""
    convert = (
        partial(_enum, enum=column.enum) if column.kind == "enum" else _CONVERTERS[column.kind]
    )
    is_text = column.kind == "text"
    memo: dict[str, object] = {}  # typed values are immutable: one may serve many cells

    def parse(value: object) -> object:
        if isinstance(value, str):
            value = tidy_line(value) if value else value
            if not value:
                return None
            if is_text:
                return value
            known = memo.get(value)
            if known is None:
                known = convert(value)
                if len(memo) < MEMO_SIZE:
                    memo[value] = known
            return known
        if value is None:
            return None
        return convert(value)

    return parse


def parse_cell(column: Column, value: object) -> object:
    """The typed value of a cell, None when it is empty; CellError when unreadable."""
    return cell_parser(column)(value)
