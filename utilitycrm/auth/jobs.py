"""The operator's view of the job queue (/admin/jobs, retry) and the progress that every
page which starts a job polls (/jobs/<id>/progress)."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from utilitycrm.auth.access import requires
from utilitycrm.auth.forms import JobFilterForm
from utilitycrm.auth.models import User
from utilitycrm.auth.roles import Permission
from utilitycrm.core import jobs
from utilitycrm.core.errors import UtilityCRMError
from utilitycrm.core.extensions import db
from utilitycrm.core.jobs import Job, JobStatus
from utilitycrm.core.views import forbid_unless, list_settings, refuse

bp = Blueprint("jobs", __name__)


def actors(page_items: list[Job]) -> dict[int, User]:
    ids = {job.actor_id for job in page_items if job.actor_id}
    return {user.id: user for user in db.session.scalars(select(User).where(User.id.in_(ids)))}


@bp.route("/admin/jobs")
@requires(Permission.MANAGE_JOBS)
def job_list():
    form = JobFilterForm(request.args)
    form.validate()
    status = form.value("status")
    page = jobs.job_page(
        JobStatus(status) if status else None, page=form.page_number, **list_settings()
    )
    return render_template(
        "admin/jobs.html",
        page=page,
        form=form,
        status=status,
        actors=actors(page.items),
        waiting=jobs.unfinished_counts(),
        statuses=list(JobStatus),
    )


@bp.route("/admin/jobs/<int:job_id>/retry", methods=["POST"])
@requires(Permission.MANAGE_JOBS)
def retry(job_id: int):
    db.get_or_404(Job, job_id)
    try:
        jobs.retry(job_id)
    except UtilityCRMError as error:
        refuse(error)
    else:
        flash(_("Job %(id)s is queued again.", id=job_id), "success")
    return redirect(request.referrer or url_for("jobs.job_list"))


def _own_job(job_id: int) -> Job:
    """A job's page and file are its starter's, and the operators'."""
    job = db.get_or_404(Job, job_id)
    forbid_unless(job.actor_id == current_user.id or current_user.can(Permission.MANAGE_JOBS))
    return job


@bp.route("/jobs/<int:job_id>")
@requires(Permission.VIEW_ARCHIVE)
def job_detail(job_id: int):
    """A job someone started and waits for (a large report): progress, then its file."""
    job = _own_job(job_id)
    return render_template("jobs/job.html", job=job, file=jobs.kept_file(job))


@bp.route("/jobs/<int:job_id>/file")
@requires(Permission.VIEW_ARCHIVE)
def download(job_id: int):
    job = _own_job(job_id)
    path = jobs.kept_file(job)
    if path is None:
        abort(404)
    return send_file(
        path, mimetype=job.result["mimetype"], as_attachment=True,
        download_name=job.result["download_name"],
    )  # fmt: skip


@bp.route("/jobs/<int:job_id>/progress")
@requires(Permission.VIEW_ARCHIVE)
def progress(job_id: int):
    """Polled by the progress bar of the page that started the job."""
    return jsonify(db.get_or_404(Job, job_id).progress_document())
