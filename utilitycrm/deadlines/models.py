"""The calendar's overrides, and deadlines with their pauses and the alerts sent for them.

A deadline belongs to something another package keeps (an expansion project's clock, a
complaint, a visit plan, a document) named by `kind` and `subject_id`; it carries its
dates computed, so that due-soon and overdue lists are one indexed query at any scale.
"""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from utilitycrm.auth.models import User
from utilitycrm.core.database import Versioned, utcnow
from utilitycrm.core.extensions import db
from utilitycrm.core.labels import LABELS, Labelled


class CalendarDay(db.Model):
    """An administrator's override: a holiday (not a working day) or a make-up working day."""

    __tablename__ = "calendar_day"

    day: Mapped[date] = mapped_column(primary_key=True)
    is_workday: Mapped[bool]
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))

    created_by: Mapped[User | None] = relationship()


class CalendarYear(db.Model):
    """A year the package does not know, confirmed complete by an administrator."""

    __tablename__ = "calendar_year"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    note: Mapped[str] = mapped_column(String(200), default="")
    confirmed_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))

    confirmed_by: Mapped[User | None] = relationship()


class AlertLevel(Labelled):
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"


LABELS[AlertLevel] = {AlertLevel.DUE_SOON: _l("Due soon"), AlertLevel.OVERDUE: _l("Overdue")}


class Deadline(Versioned, db.Model):
    __tablename__ = "deadline"
    __table_args__ = (
        UniqueConstraint("kind", "subject_id", "key"),
        CheckConstraint("limit_workdays IS NULL OR limit_workdays >= 0", name="limit"),
        # Alert lists: the open deadlines of one owner, or all, by the day they warn or fall due.
        Index("ix_deadline_open_warn", "finished_on", "warn_on"),
        Index("ix_deadline_open_due", "finished_on", "due_on"),
        Index("ix_deadline_owner_open_warn", "owner_id", "finished_on", "warn_on"),
        # The inbox's customer filter: a customer's open deadlines, whoever owns them.
        Index("ix_deadline_customer_open", "customer_id", "finished_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    subject_id: Mapped[int]
    # Which of the subject's deadlines, e.g. a project's "plan" clock.
    key: Mapped[str] = mapped_column(String(30), default="")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    # The customer the deadline is about (None when it concerns no one customer).
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id"))
    starts_on: Mapped[date]
    # A limit in working days (the clock counts and pauses), or None for a calendar date.
    limit_workdays: Mapped[int | None]
    warn_share: Mapped[float] = mapped_column(default=0.8)
    warn_on: Mapped[date | None]
    due_on: Mapped[date | None]
    finished_on: Mapped[date | None]
    used_workdays: Mapped[int | None]  # when finished: the utility's working days
    is_paused: Mapped[bool] = mapped_column(default=False)
    # The dates run through a year the calendar does not know: shown with a warning.
    is_uncertain: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    owner: Mapped[User | None] = relationship()
    pauses: Mapped[list[DeadlinePause]] = relationship(
        back_populates="deadline", order_by="DeadlinePause.starts_on", cascade="all"
    )

    @property
    def is_open(self) -> bool:
        return self.finished_on is None

    def level(self, today: date) -> AlertLevel | None:
        if self.finished_on is not None:
            return None
        if self.due_on is not None and self.due_on < today:
            return AlertLevel.OVERDUE
        if self.warn_on is not None and self.warn_on <= today:
            return AlertLevel.DUE_SOON
        return None

    @property
    def is_on_time(self) -> bool | None:
        """For a finished deadline: finished by its due day."""
        if self.finished_on is None or self.due_on is None:
            return None
        return self.finished_on <= self.due_on


class DeadlinePause(db.Model):
    """The customer is acting (designing, building, supplying papers): the clock stops."""

    __tablename__ = "deadline_pause"
    __table_args__ = (CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="dates"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    deadline_id: Mapped[int] = mapped_column(ForeignKey("deadline.id"), index=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]
    reason: Mapped[str] = mapped_column(String(30))
    note: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))

    deadline: Mapped[Deadline] = relationship(back_populates="pauses")
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])


class AlertDelivery(db.Model):
    """One mail per deadline, level and recipient: the alerts command is run by cron and
    must never send the same alert twice."""

    __tablename__ = "alert_delivery"
    __table_args__ = (UniqueConstraint("deadline_id", "level", "recipient_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    deadline_id: Mapped[int] = mapped_column(ForeignKey("deadline.id"))
    level: Mapped[str] = mapped_column(String(10))
    recipient_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
