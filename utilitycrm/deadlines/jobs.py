"""Alert mails as scheduled jobs: each wing declares its own with `alert_job`. Sending
again is harmless (AlertDelivery keeps what went), so a retried job mails nothing twice."""

from __future__ import annotations

from collections.abc import Sequence

from utilitycrm.core import jobs
from utilitycrm.core.dates import local_today
from utilitycrm.deadlines.alerts import open_alerts, public_urls, send


class MailFailed(RuntimeError):
    """Some mails failed: the job is retried, and sends only what is still unsent."""


def alert_job(name: str, label: object, kinds: Sequence[str], cron: str) -> None:
    @jobs.register_job(name, label, retry_delay=300)
    def run(job: jobs.Job, progress: jobs.Progress) -> dict:
        today = local_today()
        with public_urls():
            alerts = open_alerts(today, kinds=tuple(kinds))
            progress(0, len(alerts), stage=str(label))
            report = send(alerts, today)
        if report.failed:
            raise MailFailed("mail failed for " + ", ".join(report.failed))
        return {
            "alerts": report.alerts,
            "mails": report.mailed,
            "no_address": report.skipped_no_address,
        }

    jobs.register_schedule(name, cron)
