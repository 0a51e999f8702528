"""One chronological view of a customer: visits, complaints, projects, contracts,
findings and archive changes. A bounded query per kind, merged in time order."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from flask import current_app, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select

from utilitycrm.accounts.models import Complaint, Visit
from utilitycrm.archive import history_display
from utilitycrm.archive.models import ArchiveChange, ChangeSet
from utilitycrm.contracts.models import Contract, ContractEvent
from utilitycrm.contracts.types import ContractEventKind
from utilitycrm.core.extensions import db
from utilitycrm.projects.models import Project
from utilitycrm.validation.models import Finding


@dataclass(frozen=True)
class Event:
    at: datetime
    kind: str  # visit, complaint, project, contract, finding, change
    title: str
    url: str | None = None


def _moment(day: date) -> datetime:
    return datetime.combine(day, time(12), ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"]))


def customer_timeline(customer_id: int, account_no: str, *, limit: int = 30) -> list[Event]:
    events: list[Event] = []
    for visit in db.session.scalars(
        select(Visit).where(Visit.customer_id == customer_id)
        .order_by(Visit.visited_on.desc()).limit(limit)
    ):  # fmt: skip
        events.append(Event(_moment(visit.visited_on), "visit",
                            _("Visit: %(topics)s", topics=visit.topics),
                            url_for("accounts.account", account_no=account_no)))  # fmt: skip
    for complaint in db.session.scalars(
        select(Complaint).where(Complaint.customer_id == customer_id)
        .order_by(Complaint.received_at.desc()).limit(limit)
    ):  # fmt: skip
        events.append(Event(complaint.received_at, "complaint",
                            f"{complaint.number} {complaint.summary[:60]}",
                            url_for("accounts.complaint", number=complaint.number)))  # fmt: skip
    for project in db.session.scalars(
        select(Project).where(Project.customer_id == customer_id)
        .order_by(Project.accepted_on.desc()).limit(limit)
    ):  # fmt: skip
        events.append(Event(_moment(project.accepted_on), "project",
                            f"{project.number} {project.type_enum.label}",
                            url_for("projects.project", number=project.number)))  # fmt: skip
    for event, number in db.session.execute(
        select(ContractEvent, Contract.number)
        .join(Contract, ContractEvent.contract_id == Contract.id)
        .where(Contract.customer_id == customer_id)
        .order_by(ContractEvent.id.desc()).limit(limit)
    ):  # fmt: skip
        events.append(Event(event.at, "contract",
                            f"{number} {ContractEventKind(event.kind).label}",
                            url_for("contracts.contract", number=number)))  # fmt: skip
    for finding in db.session.scalars(
        select(Finding).where(Finding.customer_id == customer_id)
        .order_by(Finding.id.desc()).limit(limit)
    ):  # fmt: skip
        events.append(Event(finding.created_at, "finding", finding.message,
                            url_for("validation.finding", finding_id=finding.id)))  # fmt: skip
    for change_set, count in db.session.execute(
        select(ChangeSet, func.count())
        .join(ArchiveChange, ArchiveChange.change_set_id == ChangeSet.id)
        .where(ArchiveChange.customer_id == customer_id)
        .group_by(ChangeSet.id).order_by(ChangeSet.id.desc()).limit(limit)
    ):  # fmt: skip
        summary = ngettext(
            "Archive changed (%(num)d change, %(source)s)",
            "Archive changed (%(num)d changes, %(source)s)",
            count,
            source=history_display.source_label(change_set.source),
        )
        reason = history_display.reason_text(change_set.reason)
        events.append(Event(change_set.occurred_at, "change", f"{summary} {reason}".strip(),
                            url_for("archive.customer_history", account_no=account_no)))  # fmt: skip
    events.sort(key=lambda e: e.at, reverse=True)
    return events[:limit]
