"""Validation runs, their findings and the rectification workflow (整改闭环)."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from utilitycrm.archive.models import Customer, FeederLine
from utilitycrm.auth.models import User
from utilitycrm.auth.roles import Permission
from utilitycrm.core.database import JSONDocument, Versioned, coded, utcnow
from utilitycrm.core.extensions import db
from utilitycrm.core.labels import LABELS, Labelled
from utilitycrm.validation.registry import RULES, Rule


class RunStatus(Labelled):
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class FindingStatus(Labelled):
    OPEN = "open"
    RECTIFYING = "rectifying"
    RESOLVED = "resolved"
    WAIVED = "waived"

    @property
    def is_closed(self) -> bool:
        return self in (FindingStatus.RESOLVED, FindingStatus.WAIVED)


class EventAction(Labelled):
    FOUND = "found"
    REOPENED = "reopened"
    AUTO_RESOLVED = "auto_resolved"
    ASSIGNED = "assigned"
    RECTIFYING = "rectifying"
    RESOLVED = "resolved"
    WAIVED = "waived"
    COMMENT = "comment"


LABELS[RunStatus] = {
    RunStatus.RUNNING: _l("Running"),
    RunStatus.DONE: _l("Finished"),
    RunStatus.FAILED: _l("Failed"),
}
LABELS[FindingStatus] = {
    FindingStatus.OPEN: _l("Open"),
    FindingStatus.RECTIFYING: _l("In rectification (整改中)"),
    FindingStatus.RESOLVED: _l("Resolved"),
    FindingStatus.WAIVED: _l("Waived"),
}
LABELS[EventAction] = {
    EventAction.FOUND: _l("Found by a run"),
    EventAction.REOPENED: _l("Found again by a run"),
    EventAction.AUTO_RESOLVED: _l("No longer found by a run"),
    EventAction.ASSIGNED: _l("Assigned"),
    EventAction.RECTIFYING: _l("Rectification started"),
    EventAction.RESOLVED: _l("Marked resolved"),
    EventAction.WAIVED: _l("Waived"),
    EventAction.COMMENT: _l("Comment"),
}


class ValidationRun(db.Model):
    __tablename__ = "validation_run"
    __table_args__ = (CheckConstraint(RunStatus.check_sql("status"), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    finished_at: Mapped[datetime | None]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    # ui, cli, save: where the run was started.
    trigger: Mapped[str] = mapped_column(String(10))
    status: Mapped[RunStatus] = mapped_column(coded(RunStatus, 10), default=RunStatus.RUNNING)
    # What was checked: {} for everything, {"line": code} or {"customers": [account_no, ...]}.
    scope: Mapped[dict] = mapped_column(JSONDocument, default=dict)
    progress: Mapped[int] = mapped_column(default=0)  # percent
    customers_checked: Mapped[int] = mapped_column(default=0)
    # {"new": n, "reopened": n, "still_open": n, "resolved": n, "error": n, ...}
    counts: Mapped[dict] = mapped_column(JSONDocument, default=dict)
    # The topology indicators of domain.md §3, for full runs.
    indicators: Mapped[dict] = mapped_column(JSONDocument, default=dict)
    thresholds_effective_on: Mapped[date | None]
    error: Mapped[str | None] = mapped_column(Text)

    actor: Mapped[User | None] = relationship()

    @property
    def is_full(self) -> bool:
        return not self.scope


class ValidationRunPart(db.Model):
    """One part of a whole-archive run spread over workers: its plan (`partitions.py`)
    and, once a worker has done it, what it found, until the run stores the findings."""

    __tablename__ = "validation_run_part"
    __table_args__ = (UniqueConstraint("run_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("validation_run.id", ondelete="CASCADE"))
    number: Mapped[int]
    plan: Mapped[dict] = mapped_column(JSONDocument)
    customers_checked: Mapped[int] = mapped_column(default=0)
    # engine.Evaluation.to_bytes(): compressed, as big as the part's findings.
    evaluation: Mapped[bytes | None] = mapped_column(LargeBinary)
    finished_at: Mapped[datetime | None]


class Finding(Versioned, db.Model):
    """One problem, kept across runs by its fingerprint (rule and objects), so that a later
    run can say it is still there, gone, or back."""

    __tablename__ = "finding"
    __table_args__ = (
        CheckConstraint(FindingStatus.check_sql("status"), name="status"),
        Index("ix_finding_status_severity", "status", "severity"),
        Index("ix_finding_assignee_status", "assignee_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    rule_id: Mapped[str] = mapped_column(String(60), index=True)
    family: Mapped[str] = mapped_column(String(20), index=True)
    severity: Mapped[str] = mapped_column(String(10))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id"), index=True)
    line_id: Mapped[int | None] = mapped_column(ForeignKey("feeder_line.id"), index=True)
    # [{"type": "transformer", "id": 7, "label": "T-7"}, ...], most specific first.
    objects: Mapped[list] = mapped_column(JSONDocument)
    message_key: Mapped[str] = mapped_column(String(30), default="default")
    params: Mapped[dict] = mapped_column(JSONDocument, default=dict)
    status: Mapped[FindingStatus] = mapped_column(
        coded(FindingStatus, 12), default=FindingStatus.OPEN
    )
    first_run_id: Mapped[int] = mapped_column(ForeignKey("validation_run.id"))
    last_run_id: Mapped[int] = mapped_column(ForeignKey("validation_run.id"), index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    due_on: Mapped[date | None] = mapped_column(index=True)
    waive_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    customer: Mapped[Customer | None] = relationship()
    line: Mapped[FeederLine | None] = relationship()
    assignee: Mapped[User | None] = relationship()
    events: Mapped[list[FindingEvent]] = relationship(
        back_populates="finding", order_by="FindingEvent.id"
    )

    @property
    def rule(self) -> Rule | None:
        return RULES.get(self.rule_id)

    @property
    def message(self) -> str:
        """What is wrong and what would be right, in the reader's language."""
        rule = self.rule
        return rule.message(self.message_key, self.params) if rule else self.rule_id

    @property
    def status_enum(self) -> FindingStatus:
        return FindingStatus(self.status)

    def is_overdue(self, today: date) -> bool:
        return self.due_on is not None and self.due_on < today and not self.status_enum.is_closed

    def can_work(self, user) -> bool:
        """Inspectors work on every finding; others on findings assigned to them."""
        return user.can(Permission.MANAGE_FINDINGS) or self.assignee_id == user.id


class FindingEvent(db.Model):
    """The finding's history: runs finding or clearing it, and people working on it."""

    __tablename__ = "finding_event"
    __table_args__ = (
        CheckConstraint(EventAction.check_sql("action"), name="action"),
        Index("ix_finding_event_run_action", "run_id", "action"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("finding.id"), index=True)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("validation_run.id"))
    action: Mapped[EventAction] = mapped_column(coded(EventAction, 15))
    note: Mapped[str] = mapped_column(Text, default="")

    finding: Mapped[Finding] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()
