"""The archive's JSON API (/api/v1): customers, their sources, transformers and metering,
and lines with their topology.

Views stay thin: arguments are validated by the schemas, work is done by the same
services as the web forms, with the same permissions.
"""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from utilitycrm.archive import queries
from utilitycrm.archive.forms.search import CustomerSearchForm, LineSearchForm
from utilitycrm.archive.kinds import CUSTOMER_KINDS
from utilitycrm.archive.models import FeederLine
from utilitycrm.archive.schemas import (
    UPDATE_PARTIAL,
    CustomerDetailSchema,
    CustomerPageSchema,
    CustomerUpdateSchema,
    CustomerWriteSchema,
    LinePageSchema,
    LineTopologySchema,
    MeteringPointCreateSchema,
    MeteringPointSchema,
    SourceCreateSchema,
    SourceSchema,
    TransformerCreateSchema,
    TransformerSchema,
)
from utilitycrm.archive.services import customers as customer_service
from utilitycrm.archive.services.kind_records import save_kind_record
from utilitycrm.archive.topology import line_diagram
from utilitycrm.auth.access import requires
from utilitycrm.auth.roles import Permission
from utilitycrm.core.api.blueprints import Blueprint
from utilitycrm.core.api.filters import filter_schema
from utilitycrm.core.api.paging import page_document, row_limit
from utilitycrm.core.extensions import db

blp = Blueprint("api_archive", __name__, url_prefix="/api/v1", description="Customer archive")


def _customer(account_no: str):
    return db.first_or_404(queries.customer_page_query(account_no))


@blp.route("/customers")
@blp.arguments(filter_schema(CustomerSearchForm), location="query", as_kwargs=True)
@blp.response(200, CustomerPageSchema)
@requires(Permission.VIEW_ARCHIVE)
def list_customers(page: int, per_page: int, **filters):
    """Customers, with the filters of the customer list."""
    result = queries.customer_page(
        CustomerSearchForm.filter_values(queries.CustomerFilters, filters),
        page=page,
        per_page=per_page,
        limit=row_limit(),
    )
    return page_document(result, "api_archive.list_customers", filters)


@blp.route("/customers", methods=["POST"])
@blp.arguments(CustomerWriteSchema)
@blp.response(201, CustomerDetailSchema)
@requires(Permission.EDIT_ARCHIVE)
def create_customer(data):
    """Create a customer."""
    customer = customer_service.create_customer(data, actor=current_user, reason="API")
    db.session.commit()
    return _customer(customer.account_no)


@blp.route("/customers/<account_no>")
@blp.response(200, CustomerDetailSchema)
@requires(Permission.VIEW_ARCHIVE)
def get_customer(account_no: str):
    """A customer with its sources, transformers and metering."""
    return _customer(account_no)


@blp.route("/customers/<account_no>", methods=["PATCH"])
@blp.arguments(CustomerUpdateSchema(partial=UPDATE_PARTIAL))
@blp.response(200, CustomerDetailSchema)
@requires(Permission.EDIT_ARCHIVE)
def update_customer(data, account_no: str):
    """Change fields of a customer; `version` is the one read. A stale version gets 409
    with what changed since, and nothing is written."""
    customer = _customer(account_no)
    version, reason = data.pop("version"), data.pop("reason")
    customer_service.update_customer(
        customer, data, actor=current_user, expected_version=version, reason=reason or "API"
    )
    db.session.commit()
    return _customer(account_no)


def _add(kind: str, account_no: str, data: dict):
    """Add a record of a kind (kinds.py) to a customer, through the forms' own service."""
    record = save_kind_record(
        CUSTOMER_KINDS[kind], _customer(account_no), None, data, actor=current_user, reason="API"
    )
    db.session.commit()
    return record


@blp.route("/customers/<account_no>/sources", methods=["POST"])
@blp.arguments(SourceCreateSchema)
@blp.response(201, SourceSchema)
@requires(Permission.EDIT_ARCHIVE)
def create_source(data, account_no: str):
    """Add a power source to a customer."""
    return _add("sources", account_no, data)


@blp.route("/customers/<account_no>/transformers", methods=["POST"])
@blp.arguments(TransformerCreateSchema)
@blp.response(201, TransformerSchema)
@requires(Permission.EDIT_ARCHIVE)
def create_transformer(data, account_no: str):
    """Add a transformer or HV motor; `node_code` names the network node it hangs on."""
    return _add("transformers", account_no, data)


@blp.route("/customers/<account_no>/metering-points", methods=["POST"])
@blp.arguments(MeteringPointCreateSchema)
@blp.response(201, MeteringPointSchema)
@requires(Permission.EDIT_ARCHIVE)
def create_metering_point(data, account_no: str):
    """Add a metering point; ratios are written as 300/5."""
    return _add("metering-points", account_no, data)


@blp.route("/lines")
@blp.arguments(filter_schema(LineSearchForm), location="query", as_kwargs=True)
@blp.response(200, LinePageSchema)
@requires(Permission.VIEW_ARCHIVE)
def list_lines(page: int, per_page: int, **filters):
    """10 kV lines with their ratings."""
    result = queries.line_page(
        LineSearchForm.filter_values(queries.LineFilters, filters),
        page=page,
        per_page=per_page,
        limit=row_limit(),
    )
    return page_document(result, "api_archive.list_lines", filters)


@blp.route("/lines/<code>")
@blp.response(200, LineTopologySchema)
@requires(Permission.VIEW_ARCHIVE)
def get_line(code: str):
    """A line's topology traced from its substation bay, and its loading."""
    line = db.session.scalar(db.select(FeederLine).where(FeederLine.code == code))
    if line is None:
        abort(404)
    return line_diagram(line)
