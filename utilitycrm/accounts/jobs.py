"""Key-account work on the schedule: classification, the daily plan, the alert mails."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from utilitycrm.accounts import complaints, daily, documents, visits
from utilitycrm.core import jobs
from utilitycrm.core.dates import local_now, local_today
from utilitycrm.deadlines.jobs import alert_job

CLASSIFY = "accounts.classify"
DAILY = "accounts.daily"


@jobs.register_job(CLASSIFY, _l("Key accounts: value classification"))
def classify(job: jobs.Job, progress: jobs.Progress) -> dict:
    changes, counts = daily.run_classification(local_today())
    return {"changes": len(changes), **counts}


@jobs.register_job(DAILY, _l("Key accounts: visit plans, reminders, escalation"))
def daily_plan(job: jobs.Job, progress: jobs.Progress) -> dict:
    return daily.run_daily(local_today(), local_now())


jobs.register_schedule(CLASSIFY, "0 3 1 * *")
jobs.register_schedule(DAILY, "10 0 * * *")
alert_job(
    "accounts.alerts",
    _l("Key accounts: visit, complaint and document alert mails"),
    (visits.VISIT, visits.FOLLOW_UP, complaints.KIND, documents.KIND),
    "30 7 * * *",
)
