"""The month's losses as a workbook (a sheet of lines and one of 台区, furthest outside
their band first) and as a PDF report, in the reader's language."""

from __future__ import annotations

from datetime import date
from io import BytesIO

from flask_babel import gettext as _
from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from utilitycrm.archive.models import FeederLine
from utilitycrm.core.extensions import db
from utilitycrm.core.pdf import render_pdf
from utilitycrm.core.spreadsheets import TableSheet, to_bytes
from utilitycrm.network.models import LossResult
from utilitycrm.network.types import Band, LossKind


def _percent(rate: float | None) -> float | None:
    return None if rate is None else round(100 * rate, 2)


def losses_workbook(month: date) -> BytesIO:
    workbook = Workbook()
    workbook.remove(workbook.active)
    figures = [_("Supplied, kWh"), _("Sold, kWh"), _("Loss, kWh"), _("Loss rate, %"), _("Band")]
    sheets = {
        LossKind.LINE: TableSheet(workbook, _("Lines"), [
            _("Line code"), _("Line"), _("Substation"), *figures,
            _("Customers and 台区 counted")]),
        LossKind.AREA: TableSheet(workbook, _("台区"), [
            _("Transformer"), _("Name"), _("Line"), *figures, _("Customers on it")]),
    }  # fmt: skip
    rows = db.session.scalars(
        select(LossResult)
        .options(
            joinedload(LossResult.line).joinedload(FeederLine.substation),
            joinedload(LossResult.transformer),
        )
        .where(LossResult.month == month)
        .order_by(LossResult.kind, LossResult.excess.desc(), LossResult.rate.desc(), LossResult.id)
        .execution_options(yield_per=2000)
    )
    for row in rows:
        if row.kind is LossKind.LINE:
            head = [row.line.code, row.line.name, row.line.substation.name]
        else:
            head = [row.transformer.code, row.transformer.name, row.line.name if row.line else ""]
        sheets[row.kind].append([*head, row.supplied_kwh, row.sold_kwh, row.loss_kwh,
                                 _percent(row.rate), row.band.label, row.counted])  # fmt: skip
    return to_bytes(workbook)


REPORT_ROWS = 200  # of each kind outside its band, the worst first


def losses_report(month: date, computation) -> bytes:
    """The month's counts by band and the lines and 台区 furthest outside their band."""
    abnormal = [Band.NEGATIVE, Band.HIGH]
    sections = []
    for kind, title in ((LossKind.LINE, _("Lines outside their band")),
                        (LossKind.AREA, _("台区 outside their band"))):  # fmt: skip
        rows = db.session.scalars(
            select(LossResult)
            .options(joinedload(LossResult.line), joinedload(LossResult.transformer))
            .where(LossResult.month == month, LossResult.kind == kind,
                   LossResult.band.in_(abnormal))
            .order_by(LossResult.excess.desc(), LossResult.id)
            .limit(REPORT_ROWS)
        ).all()  # fmt: skip
        sections.append((title, rows))
    return render_pdf("pdf/line_losses.html", month=month, computation=computation,
                      sections=sections)  # fmt: skip
