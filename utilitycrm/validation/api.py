"""Read access to validation runs and findings under /api/v1 (the pages' permissions)."""

from __future__ import annotations

from utilitycrm.auth.access import requires
from utilitycrm.auth.roles import Permission
from utilitycrm.core.api.blueprints import Blueprint
from utilitycrm.core.api.filters import filter_schema
from utilitycrm.core.api.paging import page_document, row_limit
from utilitycrm.core.extensions import db
from utilitycrm.validation import queries
from utilitycrm.validation.forms import FindingSearchForm, RunFilterForm
from utilitycrm.validation.models import Finding, ValidationRun
from utilitycrm.validation.schemas import (
    FindingPageSchema,
    FindingSchema,
    RunPageSchema,
    RunSchema,
)

blp = Blueprint("api_validation", __name__, url_prefix="/api/v1", description="Validation")


@blp.route("/validation-runs")
@blp.arguments(filter_schema(RunFilterForm), location="query", as_kwargs=True)
@blp.response(200, RunPageSchema)
@requires(Permission.VIEW_ARCHIVE)
def list_runs(page: int, per_page: int, include_saves: bool):
    """Validation runs, newest first."""
    result = queries.run_page(
        page=page, per_page=per_page, limit=row_limit(), include_saves=include_saves
    )
    return page_document(result, "api_validation.list_runs", {"include_saves": include_saves})


@blp.route("/validation-runs/<int:run_id>")
@blp.response(200, RunSchema)
@requires(Permission.VIEW_ARCHIVE)
def get_run(run_id: int):
    """A run with its counts and the topology indicators."""
    return db.get_or_404(ValidationRun, run_id)


@blp.route("/findings")
@blp.arguments(filter_schema(FindingSearchForm), location="query", as_kwargs=True)
@blp.response(200, FindingPageSchema)
@requires(Permission.VIEW_ARCHIVE)
def list_findings(page: int, per_page: int, **filters):
    """Findings, by default those still open or in rectification."""
    query_filters = FindingSearchForm.filter_values(queries.FindingFilters, filters)
    result = queries.finding_page(query_filters, page=page, per_page=per_page, limit=row_limit())
    return page_document(result, "api_validation.list_findings", filters)


@blp.route("/findings/<int:finding_id>")
@blp.response(200, FindingSchema)
@requires(Permission.VIEW_ARCHIVE)
def get_finding(finding_id: int):
    """A finding with the objects it points at."""
    return db.get_or_404(Finding, finding_id)
