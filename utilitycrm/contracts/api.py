"""Read access to the contract register under /api/v1 (the pages' permissions)."""

from __future__ import annotations

from utilitycrm.auth.access import requires
from utilitycrm.auth.roles import Permission
from utilitycrm.contracts import queries
from utilitycrm.contracts.forms import RegisterFilterForm
from utilitycrm.contracts.schemas import ContractDetailSchema, ContractPageSchema
from utilitycrm.core.api.blueprints import Blueprint
from utilitycrm.core.api.filters import filter_schema
from utilitycrm.core.api.paging import page_document, row_limit
from utilitycrm.core.dates import local_today
from utilitycrm.core.extensions import db

blp = Blueprint("api_contracts", __name__, url_prefix="/api/v1", description="Supply contracts")


@blp.route("/contracts")
@blp.arguments(filter_schema(RegisterFilterForm), location="query", as_kwargs=True)
@blp.response(200, ContractPageSchema)
@requires(Permission.VIEW_ARCHIVE)
def list_contracts(page: int, per_page: int, **filters):
    """The register, newest number first."""
    result = queries.register_page(
        RegisterFilterForm.filter_values(queries.RegisterFilters, filters), local_today(), page=page, per_page=per_page,
        limit=row_limit(),
    )  # fmt: skip
    return page_document(result, "api_contracts.list_contracts", filters)


@blp.route("/contracts/<number>")
@blp.response(200, ContractDetailSchema)
@requires(Permission.VIEW_ARCHIVE)
def get_contract(number: str):
    """A contract with its frozen data, files and the terms the archive has changed."""
    return db.first_or_404(queries.numbered(number))
