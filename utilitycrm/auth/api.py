"""Jobs under /api/v1: one job's progress for whoever may read the archive (a script
polls the validation run it started), every job for the queue's operators."""

from __future__ import annotations

from marshmallow import Schema, fields

from utilitycrm.auth.access import requires
from utilitycrm.auth.forms import JobFilterForm
from utilitycrm.auth.roles import Permission
from utilitycrm.core import jobs
from utilitycrm.core.api.blueprints import Blueprint
from utilitycrm.core.api.filters import filter_schema
from utilitycrm.core.api.paging import PageSchema, page_document, row_limit
from utilitycrm.core.extensions import db
from utilitycrm.core.jobs import Job, JobStatus

blp = Blueprint("api_jobs", __name__, url_prefix="/api/v1", description="Background jobs")


class JobSchema(Schema):
    id = fields.Int()
    kind = fields.Str()
    label = fields.Str()
    status = fields.Function(lambda job: job.status.value)
    stage = fields.Str()
    part = fields.Str(metadata={"description": "The part of the stage: an import's sheet key"})
    done = fields.Int()
    total = fields.Int(allow_none=True)
    percent = fields.Int(allow_none=True)
    seconds_left = fields.Int(allow_none=True)
    summary = fields.Str()
    attempts = fields.Int()
    max_attempts = fields.Int()
    error = fields.Str()
    result = fields.Dict(allow_none=True)
    actor_id = fields.Int(allow_none=True)
    created_at = fields.DateTime()
    started_at = fields.DateTime(allow_none=True)
    finished_at = fields.DateTime(allow_none=True)


class JobPageSchema(PageSchema):
    items = fields.List(fields.Nested(JobSchema))


@blp.route("/jobs")
@blp.arguments(filter_schema(JobFilterForm), location="query", as_kwargs=True)
@blp.response(200, JobPageSchema)
@requires(Permission.MANAGE_JOBS)
def list_jobs(page: int, per_page: int, status: str | None):
    """Jobs, newest first."""
    result = jobs.job_page(
        JobStatus(status) if status else None, page=page, per_page=per_page, limit=row_limit()
    )
    return page_document(result, "api_jobs.list_jobs", {"status": status})


@blp.route("/jobs/<int:job_id>")
@blp.response(200, JobSchema)
@requires(Permission.VIEW_ARCHIVE)
def get_job(job_id: int):
    """A job's status, progress (done of total, time left) and outcome."""
    return db.get_or_404(Job, job_id)
