"""The archive, or a filtered part of it, written in the workbook layout.

Each sheet is one streamed query whose columns follow the layout, references replaced by
natural keys; rows are ordered by natural key, so the same archive always gives the same
workbook.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from io import BytesIO
from typing import BinaryIO

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from sqlalchemy import Select, select
from sqlalchemy.orm import aliased

from utilitycrm.archive.models import (
    Contact,
    Customer,
    FeederLine,
    Meter,
    MeteringPoint,
    NetworkEdge,
    NetworkNode,
    PowerSource,
    QualificationDocument,
    Substation,
    Tariff,
    Transformer,
)
from utilitycrm.archive.workbook.layout import EXTRA_SHEETS, SHEETS, SHEETS_BY_KEY, Sheet
from utilitycrm.archive.workbook.notes import write_notes
from utilitycrm.archive.workbook.reading import ESCAPED
from utilitycrm.auth.models import User
from utilitycrm.core.extensions import db
from utilitycrm.core.spreadsheets import TableSheet, to_bytes

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def _ratio(primary, secondary) -> str | None:
    return f"{primary}/{secondary}" if primary else None


def sheet_queries(customer_ids: Select | None, line_ids: Select | None) -> dict[str, Select]:
    """Per sheet, the rows to write; limited to some customers or lines when asked."""
    line, station = aliased(FeederLine), aliased(Substation)
    from_node, to_node = aliased(NetworkNode), aliased(NetworkNode)
    node, source, supply = aliased(NetworkNode), aliased(PowerSource), aliased(Transformer)
    owner = aliased(Customer)
    queries = {
        "tariffs": select(Tariff.code, Tariff.name, Tariff.category, Tariff.voltage_kv,
                          Tariff.structure, Tariff.is_time_of_use).order_by(Tariff.code),
        "substations": select(Substation.code, Substation.name, Substation.voltage_kv)
        .order_by(Substation.code),
        "lines": select(FeederLine.code, FeederLine.name, station.code, FeederLine.voltage_kv,
                        FeederLine.rated_current_a, FeederLine.allowed_load_pct)
        .join(station, FeederLine.substation_id == station.id).order_by(FeederLine.code),
        "nodes": select(NetworkNode.code, NetworkNode.name, NetworkNode.kind, line.code)
        .outerjoin(line, NetworkNode.line_id == line.id).order_by(NetworkNode.code),
        "edges": select(NetworkEdge.code, NetworkEdge.kind, line.code, from_node.code,
                        to_node.code, NetworkEdge.is_closed, NetworkEdge.conductor,
                        NetworkEdge.length_m)
        .outerjoin(line, NetworkEdge.line_id == line.id)
        .join(from_node, NetworkEdge.from_node_id == from_node.id)
        .join(to_node, NetworkEdge.to_node_id == to_node.id).order_by(NetworkEdge.code),
        "customers": select(
            Customer.account_no, Customer.name, Customer.address, Customer.id_type,
            Customer.id_number, Customer.contact_name, Customer.phone, Customer.category,
            Customer.industry_code, Customer.voltage_kv, Customer.contract_capacity_kva,
            Customer.operating_capacity_kva, Customer.tariff_code, Customer.tariff_structure,
            Customer.basic_charge_basis, Customer.contract_demand_kw, Customer.pf_standard,
            Customer.is_time_of_use, Customer.importance, Customer.value_class, Customer.status,
            User.username, supply.code, Customer.relationship_notes)
        .outerjoin(User, Customer.account_manager_id == User.id)
        .outerjoin(supply, Customer.supply_transformer_id == supply.id)
        .order_by(Customer.account_no),
        "sources": select(PowerSource.code, owner.account_no, PowerSource.kind, station.code,
                          line.code, PowerSource.line_name, PowerSource.pole_or_bay,
                          PowerSource.connection, PowerSource.property_boundary,
                          PowerSource.has_generator, PowerSource.generator_kw)
        .join(owner, PowerSource.customer_id == owner.id)
        .outerjoin(station, PowerSource.substation_id == station.id)
        .outerjoin(line, PowerSource.line_id == line.id).order_by(PowerSource.code),
        "transformers": select(Transformer.code, Transformer.name, Transformer.kind,
                               Transformer.ownership, owner.account_no, Transformer.model,
                               Transformer.rated_kva, Transformer.voltage_ratio, Transformer.state,
                               node.code, source.code, Transformer.commissioned_on,
                               Transformer.no_load_loss_kw, Transformer.load_loss_kw)
        .outerjoin(owner, Transformer.customer_id == owner.id)
        .outerjoin(node, Transformer.node_id == node.id)
        .outerjoin(source, Transformer.source_id == source.id).order_by(Transformer.code),
        "metering_points": select(MeteringPoint.code, owner.account_no, MeteringPoint.name,
                                  MeteringPoint.method, MeteringPoint.wiring,
                                  MeteringPoint.metering_class, MeteringPoint.ct_primary_a,
                                  MeteringPoint.ct_secondary_a, MeteringPoint.pt_primary_v,
                                  MeteringPoint.pt_secondary_v, supply.code,
                                  MeteringPoint.adds_transformer_loss,
                                  MeteringPoint.has_voltage_loss_recorder)
        .join(owner, MeteringPoint.customer_id == owner.id)
        .outerjoin(supply, MeteringPoint.transformer_id == supply.id)
        .order_by(MeteringPoint.code),
        "meters": select(Meter.asset_no, MeteringPoint.code, Meter.model, Meter.accuracy,
                         Meter.multiplier, Meter.installed_on, Meter.verified_on)
        .join(MeteringPoint, Meter.metering_point_id == MeteringPoint.id)
        .order_by(Meter.asset_no),
        "contacts": select(owner.account_no, Contact.name, Contact.title, Contact.phone,
                           Contact.email, Contact.is_primary)
        .join(owner, Contact.customer_id == owner.id).order_by(owner.account_no, Contact.name),
        "documents": select(owner.account_no, QualificationDocument.kind,
                            QualificationDocument.number, QualificationDocument.issued_on,
                            QualificationDocument.expires_on, QualificationDocument.note)
        .join(owner, QualificationDocument.customer_id == owner.id)
        .order_by(owner.account_no, QualificationDocument.kind, QualificationDocument.number),
    }  # fmt: skip
    for key, extra in EXTRA_SHEETS.items():
        queries[key] = extra.query(owner)
        if customer_ids is not None:
            queries[key] = queries[key].where(extra.customer_column.in_(customer_ids))
    if customer_ids is not None:
        queries["customers"] = queries["customers"].where(Customer.id.in_(customer_ids))
        for key, column in (("sources", PowerSource.customer_id),
                            ("metering_points", MeteringPoint.customer_id),
                            ("contacts", Contact.customer_id),
                            ("documents", QualificationDocument.customer_id)):  # fmt: skip
            queries[key] = queries[key].where(column.in_(customer_ids))
        queries["transformers"] = queries["transformers"].where(
            Transformer.customer_id.in_(customer_ids)
        )
        queries["meters"] = queries["meters"].where(MeteringPoint.customer_id.in_(customer_ids))
    if line_ids is not None:
        queries["lines"] = queries["lines"].where(FeederLine.id.in_(line_ids))
        queries["nodes"] = queries["nodes"].where(NetworkNode.line_id.in_(line_ids))
        queries["edges"] = queries["edges"].where(NetworkEdge.line_id.in_(line_ids))
        queries["substations"] = queries["substations"].where(
            Substation.id.in_(select(FeederLine.substation_id).where(FeederLine.id.in_(line_ids)))
        )
    return queries


def _labels(sheet: Sheet) -> list[dict[str, str] | None]:
    """Per column, its codes' labels in the reader's language (the import takes labels in
    either language, and codes), looked up once per export rather than once per cell."""
    return [
        {member.value: member.label for member in column.enum} if column.enum else None
        for column in sheet.columns
    ]


def _cells(sheet: Sheet, row: tuple, labels: list, yes_no: tuple[str, str]) -> list[object]:
    """One database row as the sheet's cells: codes as labels, ratios joined, the action
    column empty."""
    values = list(row)
    if sheet.key == "metering_points":
        values[6:10] = [_ratio(values[6], values[7]), _ratio(values[8], values[9])]
    cells = []
    for value, coded in zip(values, labels, strict=False):
        if isinstance(value, bool):
            value = yes_no[0] if value else yes_no[1]
        elif isinstance(value, Decimal):
            value = float(value)
        elif isinstance(value, str):
            value = coded.get(value, value) if coded else value
            value = ILLEGAL_CHARACTERS_RE.sub("", value)  # a cell cannot hold them
        cells.append(value)
    return [*cells, None]  # the action column


def _write_sheet(workbook: Workbook, sheet: Sheet, rows: Iterable[tuple]) -> None:
    table = TableSheet(workbook, sheet.title, sheet.headers)
    labels, yes_no = _labels(sheet), (_("Yes"), _("No"))
    for row in rows:
        table.append(_cells(sheet, row, labels, yes_no))


def _style_headers(workbook: Workbook) -> None:
    for worksheet in workbook.worksheets:
        for cell in worksheet[1]:
            cell.font = Font(bold=True)
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for column in worksheet.columns:
            width = max(len(str(cell.value or "")) for cell in column[:50])
            worksheet.column_dimensions[column[0].column_letter].width = min(max(width, 8), 40)


def _stream(query: Select) -> Iterator[tuple]:
    yield from db.session.execute(query.execution_options(yield_per=5000))


def _build(rows_by_sheet: dict[str, Iterable[tuple]], *, styled: bool) -> BytesIO:
    # Streaming (write-only) keeps a million customers out of memory; styling needs the
    # normal mode, so only small workbooks (filtered exports, the template) are styled.
    workbook = Workbook(write_only=not styled)
    if styled:
        workbook.remove(workbook.active)
    for sheet in SHEETS:
        _write_sheet(workbook, sheet, rows_by_sheet.get(sheet.key, ()))
    write_notes(workbook)
    if styled:
        _style_headers(workbook)
    return to_bytes(workbook)


def _exported(customer_ids: Select | None, line_ids: Select | None) -> dict[str, Select]:
    queries = sheet_queries(customer_ids, line_ids)
    if customer_ids is not None and line_ids is None:
        for key in ("tariffs", "substations", "lines", "nodes", "edges"):
            queries.pop(key)  # a customer list carries no network
    return queries


def export_workbook(
    *, customer_ids: Select | None = None, line_ids: Select | None = None, styled: bool = False
) -> BytesIO:
    """The whole archive, or the customers / lines of the given id queries."""
    queries = _exported(customer_ids, line_ids)
    return _build({key: _stream(query) for key, query in queries.items()}, styled=styled)


def _csv_cell(value: object) -> object:
    """A text that Excel would evaluate gets the apostrophe the import drops (OWASP); the
    archive keeps no leading blanks, so none are lost."""
    if isinstance(value, str):
        stripped = value.lstrip(" \t\r\n")
        if stripped.startswith(ESCAPED):
            return "'" + stripped
    return value


def export_csv(
    open_sheet: Callable[[str], BinaryIO],
    *,
    customer_ids: Select | None = None,
    line_ids: Select | None = None,
) -> None:
    """The archive as one CSV file a sheet, named after its key (customers.csv), in UTF-8
    with the BOM Excel looks for; `open_sheet(name)` gives the file to write (in a folder
    or a zip). A whole archive streams through, a sheet at a time."""
    for key, query in _exported(customer_ids, line_ids).items():
        sheet = SHEETS_BY_KEY[key]
        labels, yes_no = _labels(sheet), (_("Yes"), _("No"))
        with open_sheet(f"{key}.csv") as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
            writer = csv.writer(text)
            writer.writerow(sheet.headers)
            for row in _stream(query):
                writer.writerow([_csv_cell(v) for v in _cells(sheet, row, labels, yes_no)])
            text.flush()
            text.detach()


def problems_workbook(problems) -> BytesIO:
    """An import's problems, one a row, for the user to work through."""
    workbook = Workbook(write_only=True)
    table = TableSheet(
        workbook, _("Problems"), [_("Sheet"), _("Row"), _("Column"), _("Value"), _("Problem")]
    )
    for problem in problems:
        table.append([problem.sheet, problem.row, problem.column, problem.value, problem.message])
    return to_bytes(workbook)


def template_workbook() -> BytesIO:
    """Headers and notes, no rows: what a utility fills in to bring its archive in."""
    return _build({}, styled=True)
