"""Line losses as a job: a month computed from the browser, the shell, or on the 3rd of
each month for the month before, once its readings are in."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l

from utilitycrm.core import jobs
from utilitycrm.core.dates import add_months, local_today
from utilitycrm.core.errors import UtilityCRMError
from utilitycrm.core.extensions import db
from utilitycrm.network import losses

LOSSES = "network.losses"
COMPUTING = jobs.stage_name("Computing line losses")


def start(month: date, *, actor_id: int | None, here: bool = False) -> jobs.Job:
    """Queue the month's computation (refused while one is queued or running)."""
    if jobs.active_job(LOSSES) is not None:
        raise UtilityCRMError(_l("Line losses are being computed already; wait for that job."))
    losses.check_month(month, local_today())
    return jobs.enqueue(LOSSES, {"month": month.isoformat()}, actor_id=actor_id, here=here)


@jobs.register_job(LOSSES, _l("Line losses of a month"))
def losses_job(job: jobs.Job, progress: jobs.Progress) -> dict:
    today = local_today()
    month = job.params.get("month")
    month = date.fromisoformat(month) if month else add_months(today.replace(day=1), -1)
    progress(0, 1, stage=COMPUTING)
    computation = losses.compute(month, today=today, actor_id=job.actor_id)
    db.session.commit()  # the month's results replace the earlier ones at once
    return {"month": month.isoformat()[:7], **computation.counts}


jobs.register_schedule(LOSSES, "0 4 3 * *")
