"""Panels that wings add to another wing's page: the customer page (客户 360) shows the
projects, contracts, relationship and findings of wings the archive never imports.

A wing registers a `Panel` for a page; the page's view asks `page_panels(page, record)`
and its template includes each panel's template with the panel's own variables in
`panel.data`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app

_KEY = "utilitycrm.panels"


@dataclass(frozen=True)
class Panel:
    template: str
    load: Callable[[Any], dict[str, object]]  # the page's record -> the panel's variables
    slot: str = "side"  # where on the page: each page names its slots
    order: int = 100


@dataclass(frozen=True)
class ShownPanel:
    template: str
    data: dict[str, object]


def register_panel(app: Flask, page: str, panel: Panel) -> None:
    panels = app.extensions.setdefault(_KEY, {}).setdefault(page, [])
    panels.append(panel)
    panels.sort(key=lambda entry: entry.order)


def page_panels(page: str, record) -> dict[str, list[ShownPanel]]:
    """The page's panels by slot, each loaded for `record`, in their order."""
    shown: dict[str, list[ShownPanel]] = {}
    for panel in current_app.extensions.get(_KEY, {}).get(page, []):
        shown.setdefault(panel.slot, []).append(ShownPanel(panel.template, panel.load(record)))
    return shown


@dataclass(frozen=True)
class ListColumn:
    """A column a wing adds to another wing's list: `load(records)` gives each record's
    cell (by the record's id) for the whole page at once, never a query per row."""

    header: object  # lazy text
    load: Callable[[list], dict[int, object]]
    order: int = 100


_COLUMNS = "utilitycrm.list_columns"


def register_list_column(app: Flask, page: str, column: ListColumn) -> None:
    columns = app.extensions.setdefault(_COLUMNS, {}).setdefault(page, [])
    columns.append(column)
    columns.sort(key=lambda entry: entry.order)


def list_columns(page: str, records: list) -> list[tuple[object, dict[int, object]]]:
    """The page's added columns: (header, cell by record id) each, in their order."""
    return [
        (column.header, column.load(records))
        for column in current_app.extensions.get(_COLUMNS, {}).get(page, [])
    ]
