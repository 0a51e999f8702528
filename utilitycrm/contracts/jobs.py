"""The contracts' scheduled jobs: the daily expiry and reminders, the renewal alerts."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from utilitycrm.contracts import services
from utilitycrm.core import jobs
from utilitycrm.core.dates import local_today
from utilitycrm.deadlines.jobs import alert_job

DAILY = "contracts.daily"


@jobs.register_job(DAILY, _l("Contracts: expiry and renewal reminders"))
def daily(job: jobs.Job, progress: jobs.Progress) -> dict:
    return services.run_daily(local_today())


jobs.register_schedule(DAILY, "5 0 * * *")
alert_job(
    "contracts.alerts", _l("Contracts: renewal alert mails"), (services.KIND,), "20 7 * * 1-5"
)
