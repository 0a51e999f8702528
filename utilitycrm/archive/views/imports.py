"""Importing a workbook from the browser: upload, preview (the dry run), then the commit
or an undo as a job whose page follows it."""

from __future__ import annotations

from flask import (
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.utils import secure_filename

from utilitycrm.archive import jobs, queries
from utilitycrm.archive.forms.imports import CommitForm, UploadForm
from utilitycrm.archive.models import ImportBatch
from utilitycrm.archive.views import bp
from utilitycrm.archive.workbook import uploads
from utilitycrm.archive.workbook.export import problems_workbook
from utilitycrm.archive.workbook.importing import archive_mark, import_workbook
from utilitycrm.archive.workbook.layout import SHEETS
from utilitycrm.auth.access import requires
from utilitycrm.auth.roles import Permission
from utilitycrm.core.dates import local_today
from utilitycrm.core.errors import UtilityCRMError
from utilitycrm.core.extensions import db
from utilitycrm.core.jobs import Job
from utilitycrm.core.spreadsheets import XLSX_MIMETYPE
from utilitycrm.core.uploads import upload_limit
from utilitycrm.core.views import list_settings, refuse


@bp.context_processor
def _sheet_titles() -> dict[str, object]:
    return {
        "sheet_titles": {sheet.key: sheet.title for sheet in SHEETS},
        "plan_actions": {
            "insert": _l("new"),
            "update": _l("changed"),
            "unchanged": _l("unchanged"),
            "delete": _l("deleted"),
        },
    }


def _display_name(filename: str) -> str:
    """A name to show and record: the original's, without any path."""
    return filename.replace("\\", "/").rsplit("/", 1)[-1][:200] or "upload"


@bp.route("/import", methods=["GET", "POST"])
@requires(Permission.EDIT_ARCHIVE)
@upload_limit("IMPORT_MAX_BYTES")  # a whole archive is larger than other forms
def import_upload():
    form = UploadForm()
    if form.validate_on_submit():
        data = form.workbook.data.read()
        filename = _display_name(form.workbook.data.filename or "")
        digest = uploads.keep(data, secure_filename(filename) or filename)
        sync = form.network_sync.data
        mark = archive_mark()  # before the plan reads the archive
        result = import_workbook(
            data, filename, actor=current_user, dry_run=True, network_sync=sync
        )
        commit_form = CommitForm(
            formdata=None, sha256=digest, filename=filename, network_sync="1" if sync else "",
            checked_at_mark=mark,
        )  # fmt: skip
        return render_template(
            "archive/import_preview.html", result=result, filename=filename, commit_form=commit_form
        )
    return render_template("archive/import_upload.html", form=form)


@bp.route("/import/commit", methods=["POST"])
@requires(Permission.EDIT_ARCHIVE)
def import_commit():
    form = CommitForm()
    data = uploads.load(form.sha256.data or "") if form.validate_on_submit() else None
    if data is None:
        flash(_("The checked file is no longer available; upload it again."), "danger")
        return redirect(url_for("archive.import_upload"))
    try:
        job = jobs.start_import(
            form.sha256.data, form.filename.data, network_sync=form.network_sync.data == "1",
            checked_at_mark=form.checked_at_mark.data, actor=current_user,
        )  # fmt: skip
    except UtilityCRMError as error:
        refuse(error)
        return redirect(url_for("archive.import_upload"))
    return redirect(url_for("archive.import_job", job_id=job.id))


@bp.route("/import/jobs/<int:job_id>")
@requires(Permission.EDIT_ARCHIVE)
def import_job(job_id: int):
    """An import or undo going on, then its outcome; the page follows its progress."""
    job = db.get_or_404(Job, job_id)
    if job.kind not in (jobs.IMPORT, jobs.UNDO):
        abort(404)
    return render_template("archive/import_job.html", job=job)


@bp.route("/import/<sha256>/problems.xlsx")
@requires(Permission.EDIT_ARCHIVE)
def import_problems(sha256: str):
    data = uploads.load(sha256)
    if data is None:
        abort(404)
    result = import_workbook(data, "upload", actor=current_user, dry_run=True)
    return send_file(
        problems_workbook(result.problems), as_attachment=True,
        download_name=f"import-problems-{local_today().isoformat()}.xlsx", mimetype=XLSX_MIMETYPE,
    )  # fmt: skip


@bp.route("/imports")
@requires(Permission.VIEW_ARCHIVE)
def import_batches():
    page = queries.import_batches(page=request.args.get("page", 1, type=int), **list_settings())
    return render_template(
        "archive/import_batches.html", page=page,
        can_undo=current_user.can(Permission.EDIT_ARCHIVE),
    )  # fmt: skip


@bp.route("/imports/<int:batch_id>/undo", methods=["POST"])
@requires(Permission.EDIT_ARCHIVE)
def undo_import(batch_id: int):
    batch = db.get_or_404(ImportBatch, batch_id)
    try:
        job = jobs.start_undo(batch, actor=current_user)
    except UtilityCRMError as error:
        refuse(error)
        return redirect(url_for("archive.import_batches"))
    return redirect(url_for("archive.import_job", job_id=job.id))
