"""Monthly consumption under /api/v1: read a customer's months, write them (upserts,
all or nothing, the import's own checks)."""

from __future__ import annotations

from utilitycrm.accounts import consumption
from utilitycrm.accounts.schemas import (
    ConsumptionQuerySchema,
    ConsumptionSchema,
    ConsumptionWriteSchema,
)
from utilitycrm.archive.queries import customer_page_query
from utilitycrm.archive.workbook.monthly import MonthsRefused
from utilitycrm.auth.access import requires
from utilitycrm.auth.roles import Permission
from utilitycrm.core.api.blueprints import Blueprint
from utilitycrm.core.dates import local_today
from utilitycrm.core.extensions import db

blp = Blueprint("api_accounts", __name__, url_prefix="/api/v1", description="Key accounts")


def _customer(account_no: str):
    return db.first_or_404(customer_page_query(account_no))


def _document(customer, count: int) -> dict:
    return {
        "account_no": customer.account_no,
        "months": consumption.months_of(customer.id, local_today(), count),
    }


@blp.route("/customers/<account_no>/consumption")
@blp.arguments(ConsumptionQuerySchema, location="query", as_kwargs=True)
@blp.response(200, ConsumptionSchema)
@requires(Permission.VIEW_ARCHIVE)
def get_consumption(account_no: str, months: int):
    """The customer's last months that are over (24 by default), oldest first."""
    return _document(_customer(account_no), months)


@blp.route("/customers/<account_no>/consumption", methods=["PUT"])
@blp.arguments(ConsumptionWriteSchema)
@blp.response(200, ConsumptionSchema)
@requires(Permission.EDIT_ARCHIVE)
def put_consumption(data, account_no: str):
    """Add or replace months of the customer; any bad month refuses them all (409)."""
    customer = _customer(account_no)
    rows = [
        (number, {"account_no": account_no, **item})
        for number, item in enumerate(data["months"], start=1)
    ]
    result = consumption.check_rows(rows, local_today())
    if result.problems:
        raise MonthsRefused(result.problems)
    consumption.save(result)
    db.session.commit()
    return _document(customer, 120)
