"""Readings, line losses and open capacity under /api/v1/network: readings written all
or nothing with the import's checks, the month's losses read back, a line's capacity."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

from flask import current_app
from sqlalchemy import select

from utilitycrm.archive.models import FeederLine
from utilitycrm.archive.workbook.monthly import MonthsRefused
from utilitycrm.auth.access import requires
from utilitycrm.auth.roles import Permission
from utilitycrm.core.api.blueprints import Blueprint
from utilitycrm.core.dates import local_today
from utilitycrm.core.extensions import db
from utilitycrm.network import capacity, losses, readings
from utilitycrm.network.schemas import (
    AreaReadingsWriteSchema,
    CapacitySchema,
    LineReadingsWriteSchema,
    LossPageSchema,
    LossQuerySchema,
    ReadingsResultSchema,
)
from utilitycrm.network.types import LossKind

blp = Blueprint("api_network", __name__, url_prefix="/api/v1/network", description="Network")


def _put(sheet, rows: list[dict]) -> dict:
    """Rows checked as the sheet's (numbered from 1); any bad one refuses them all (409,
    every problem named)."""
    result = readings.ReadingsImport()
    readings.check_rows(sheet, enumerate(rows, start=1), local_today(), result)
    if result.problems:
        raise MonthsRefused(result.problems)
    readings.save(result)
    db.session.commit()
    return {"inserted": result.inserted, "updated": result.updated}


@blp.route("/line-readings", methods=["PUT"])
@blp.arguments(LineReadingsWriteSchema)
@blp.response(200, ReadingsResultSchema)
@requires(Permission.EDIT_ARCHIVE)
def put_line_readings(data):
    """Add or replace months of lines' head (关口) readings, all or nothing."""
    return _put(readings.LINE_SHEET, data["readings"])


@blp.route("/area-readings", methods=["PUT"])
@blp.arguments(AreaReadingsWriteSchema)
@blp.response(200, ReadingsResultSchema)
@requires(Permission.EDIT_ARCHIVE)
def put_area_readings(data):
    """Add or replace months of 台区 readings (meter and low-voltage sales), all or nothing."""
    return _put(readings.AREA_SHEET, data["readings"])


@blp.route("/losses")
@blp.arguments(LossQuerySchema, location="query", as_kwargs=True)
@blp.response(200, LossPageSchema)
@requires(Permission.VIEW_ARCHIVE)
def get_losses(month: str, kind: str, abnormal: bool, page: int):
    """The month's lines or 台区, furthest outside their band first, a page at a time."""
    first = date.fromisoformat(f"{month}-01")
    found = losses.ranked(
        first, losses.LossFilter(kind=LossKind(kind), abnormal=abnormal), page=page,
        per_page=current_app.config["PAGE_SIZE"], limit=current_app.config["LIST_ROW_LIMIT"],
    )  # fmt: skip
    return {"month": month, "page": found.page, "total": found.total, "results": found.items}


@blp.route("/lines/<code>/capacity")
@blp.response(200, CapacitySchema)
@requires(Permission.VIEW_ARCHIVE)
def get_capacity(code: str):
    """The line's open capacity (可开放容量) and where its figures come from."""
    line = db.first_or_404(select(FeederLine).where(FeederLine.code == code))
    found = capacity.capacities([line], local_today())[line.id]
    return {**asdict(found), "line": line.code, "allowable_kva": found.allowable_kva,
            "open_kva": found.open_kva}  # fmt: skip
