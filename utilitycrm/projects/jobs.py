"""The expansion projects' scheduled job: due-soon and overdue stage alerts by mail."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from utilitycrm.deadlines.jobs import alert_job
from utilitycrm.projects.workflow import KIND

alert_job("projects.alerts", _l("Projects: stage alert mails"), (KIND,), "15 7 * * 1-5")
