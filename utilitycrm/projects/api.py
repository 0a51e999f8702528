"""Read access to expansion projects under /api/v1 (the pages' permissions)."""

from __future__ import annotations

from utilitycrm.auth.access import requires
from utilitycrm.auth.roles import Permission
from utilitycrm.core.api.blueprints import Blueprint
from utilitycrm.core.api.filters import filter_schema
from utilitycrm.core.api.paging import page_document, row_limit
from utilitycrm.core.extensions import db
from utilitycrm.projects import queries
from utilitycrm.projects.forms import ProjectFilterForm
from utilitycrm.projects.schemas import ProjectDetailSchema, ProjectPageSchema

blp = Blueprint("api_projects", __name__, url_prefix="/api/v1", description="Expansion projects")


@blp.route("/projects")
@blp.arguments(filter_schema(ProjectFilterForm), location="query", as_kwargs=True)
@blp.response(200, ProjectPageSchema)
@requires(Permission.VIEW_ARCHIVE)
def list_projects(page: int, per_page: int, **filters):
    """Projects, newest first."""
    result = queries.project_page(
        ProjectFilterForm.filter_values(queries.ProjectFilters, filters),
        page=page,
        per_page=per_page,
        limit=row_limit(),
    )
    return page_document(result, "api_projects.list_projects", filters)


@blp.route("/projects/<number>")
@blp.response(200, ProjectDetailSchema)
@requires(Permission.VIEW_ARCHIVE)
def get_project(number: str):
    """A project with its stages and its working-day clocks."""
    return db.first_or_404(queries.numbered(number))
