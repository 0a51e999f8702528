"""Workbook imports and their undo as jobs: a whole archive takes minutes, which no web
request should hold. One at a time: an import or undo is refused while another is queued
or running, since each plans against the archive as the other is changing it. Both are
one transaction, so a worker killed in the middle leaves nothing half-written, and a
retry of a job whose work committed finds it done (the batch, the undo)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from utilitycrm.archive.models import ImportBatch
from utilitycrm.archive.reverting import revert_batch
from utilitycrm.archive.workbook import uploads
from utilitycrm.archive.workbook.importing import import_workbook
from utilitycrm.archive.workbook.layout import sheet_label
from utilitycrm.auth.models import User
from utilitycrm.core import jobs
from utilitycrm.core.database import refresh_statistics
from utilitycrm.core.errors import UtilityCRMError
from utilitycrm.core.extensions import db

IMPORT = "archive.import"
UNDO = "archive.undo"
STATISTICS = jobs.stage_name("Refreshing the database's statistics")
BULK_ROWS = 10_000  # an import this large refreshes the planner's statistics


def refuse_if_busy() -> None:
    """One change of the archive by workbook at a time, from the browser or the shell."""
    for kind in (IMPORT, UNDO):
        if (other := jobs.active_job(kind)) is not None:
            raise jobs.JobRefused(
                _l("Job %(id)s is still changing the archive; wait for it.", id=other.id)
            )


def start_import(
    sha256: str, filename: str, *, network_sync: bool, checked_at_mark: int | None, actor: User
) -> jobs.Job:
    refuse_if_busy()
    params = {"sha256": sha256, "filename": filename, "network_sync": network_sync,
              "checked_at_mark": checked_at_mark}  # fmt: skip
    return jobs.enqueue(IMPORT, params, actor_id=actor.id)


def start_undo(batch: ImportBatch, *, actor: User) -> jobs.Job:
    refuse_if_busy()
    return jobs.enqueue(UNDO, {"batch_id": batch.id}, actor_id=actor.id)


def _actor(job: jobs.Job) -> User | None:
    return db.session.get(User, job.actor_id) if job.actor_id else None


def _batch_document(batch: ImportBatch) -> dict:
    return {"batch_id": batch.id, "file": batch.file_name, "counts": batch.counts}


def refresh_if_bulk(batch: ImportBatch, starting=lambda: None) -> bool:
    """After a bulk import, the database's statistics, so that its planner knows the new
    sizes (without them it picks nested loops over a million rows); whether it did."""
    if sum(n for sheet in batch.counts.values() for n in sheet.values()) < BULK_ROWS:
        return False
    starting()
    refresh_statistics(db.session.connection())
    return True


@jobs.register_job(IMPORT, _l("Workbook import"), unit=_l("rows"), part_label=sheet_label)
def run_import(job: jobs.Job, progress: jobs.Progress) -> dict:
    params = job.params
    done = db.session.scalar(select(ImportBatch).where(ImportBatch.job_id == job.id))
    if done is not None:  # an earlier attempt committed
        return _batch_document(done)
    data = uploads.load(params["sha256"])
    if data is None:
        raise UtilityCRMError(_l("The checked file is no longer available; upload it again."))
    result = import_workbook(
        data, params["filename"], actor=_actor(job),
        dry_run=False, network_sync=params["network_sync"],
        checked_at_mark=params["checked_at_mark"], progress=progress,
    )  # fmt: skip
    if not result.committed:
        db.session.rollback()
        reasons = "; ".join(problem.message for problem in result.problems[:5])
        said = (
            _l("The archive changed since the check; nothing was imported.")
            if result.stale
            else _l("The archive refused the import; nothing was imported. See the problems.")
        )
        raise UtilityCRMError(f"{said} {reasons}")
    result.batch.job_id = job.id
    db.session.commit()  # the import stands; its statistics are the planner's, not its own
    refresh_if_bulk(result.batch, lambda: progress(0, stage=STATISTICS))
    return _batch_document(result.batch)


@jobs.register_job(UNDO, _l("Undo of an import"))
def run_undo(job: jobs.Job, progress: jobs.Progress) -> dict:
    batch = db.session.get(ImportBatch, job.params["batch_id"])
    if batch is None:
        raise UtilityCRMError(_l("There is no import %(id)s.", id=job.params["batch_id"]))
    if batch.undo_job_id == job.id:  # an earlier attempt committed
        return {"batch_id": batch.id}
    revert_batch(batch, actor=_actor(job))
    batch.undo_job_id = job.id
    return {"batch_id": batch.id}
