"""Key-account work: monthly consumption, visits with their follow-ups, complaints and
their steps. Deadlines (visits due, follow-ups, complaint time limits, documents) live in
the shared deadline table."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from utilitycrm.accounts.types import Channel, ComplaintCategory, Satisfaction, Step
from utilitycrm.archive.models import Customer
from utilitycrm.auth.models import User
from utilitycrm.auth.roles import Permission
from utilitycrm.core.database import Versioned, coded, utcnow
from utilitycrm.core.extensions import db


class MonthlyConsumption(db.Model):
    """Energy and the billed amount of one customer in one month (the first of the month)."""

    __tablename__ = "monthly_consumption"
    __table_args__ = (
        CheckConstraint("kwh >= 0", name="kwh"),
        CheckConstraint("amount_yuan >= 0", name="amount"),
        # Top-N lists read one month across customers, largest first.
        Index("ix_monthly_consumption_month_kwh", "month", "kwh"),
    )

    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), primary_key=True)
    month: Mapped[date] = mapped_column(primary_key=True)
    kwh: Mapped[int] = mapped_column(BigInteger)
    amount_yuan: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Visit(db.Model):
    __tablename__ = "visit"
    __table_args__ = (Index("ix_visit_customer_visited_on", "customer_id", "visited_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"))
    visited_on: Mapped[date]
    people_met: Mapped[str] = mapped_column(String(300))
    topics: Mapped[str] = mapped_column(String(300))
    notes: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    customer: Mapped[Customer] = relationship()
    created_by: Mapped[User | None] = relationship()
    follow_ups: Mapped[list[FollowUp]] = relationship(
        back_populates="visit", order_by="FollowUp.id", cascade="all"
    )


class FollowUp(db.Model):
    """An action agreed at a visit, with whoever owns it and when it is due."""

    __tablename__ = "follow_up"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id"), index=True)
    action: Mapped[str] = mapped_column(String(300))
    owner_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    due_on: Mapped[date]
    done_on: Mapped[date | None]

    visit: Mapped[Visit] = relationship(back_populates="follow_ups")
    owner: Mapped[User] = relationship()

    def can_complete(self, user) -> bool:
        """Its owner, or the customer's account manager."""
        return user.id in (self.owner_id, self.visit.customer.account_manager_id)


class Complaint(Versioned, db.Model):
    """A complaint or service request (投诉/举报/意见), worked through its steps."""

    __tablename__ = "complaint"
    __table_args__ = (
        CheckConstraint(Channel.check_sql("channel"), name="channel"),
        CheckConstraint(ComplaintCategory.check_sql("category"), name="category"),
        CheckConstraint(Step.check_sql("step"), name="step"),
        CheckConstraint(
            f"satisfaction IS NULL OR {Satisfaction.check_sql('satisfaction')}",
            name="satisfaction",
        ),
        Index("ix_complaint_step_received", "step", "received_at"),
        Index("ix_complaint_category_received", "category", "received_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(30), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    channel: Mapped[Channel] = mapped_column(coded(Channel, 10))
    category: Mapped[ComplaintCategory] = mapped_column(coded(ComplaintCategory, 10))
    # 举报 (a report of wrongdoing) has the longer time limit.
    is_report: Mapped[bool] = mapped_column(default=False)
    received_at: Mapped[datetime]
    contact_due_at: Mapped[datetime]
    contacted_at: Mapped[datetime | None]
    caller: Mapped[str] = mapped_column(String(100), default="")
    summary: Mapped[str] = mapped_column(Text)
    step: Mapped[Step] = mapped_column(coded(Step, 10), default=Step.ACCEPT)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), index=True)
    escalated_at: Mapped[datetime | None]
    satisfaction: Mapped[Satisfaction | None] = mapped_column(coded(Satisfaction, 12))
    resolution: Mapped[str] = mapped_column(Text, default="")
    closed_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))

    customer: Mapped[Customer] = relationship()
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])
    steps: Mapped[list[ComplaintStep]] = relationship(
        back_populates="complaint", order_by="ComplaintStep.id", cascade="all"
    )

    @property
    def step_enum(self) -> Step:
        return Step(self.step)

    def can_work(self, user) -> bool:
        """The desk and chiefs any complaint; an account manager one of their own
        customer's, or one handed to them."""
        return user.can(Permission.WORK_ANY_COMPLAINT) or (
            user.can(Permission.HANDLE_COMPLAINTS)
            and user.id in (self.owner_id, self.customer.account_manager_id)
        )

    @property
    def is_open(self) -> bool:
        return self.step != Step.CLOSED.value

    def __str__(self) -> str:
        return self.number


class ComplaintStep(db.Model):
    """One step of a complaint: who owned it, when it started and ended, what was done."""

    __tablename__ = "complaint_step"
    __table_args__ = (CheckConstraint(Step.check_sql("code"), name="code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id"), index=True)
    code: Mapped[Step] = mapped_column(coded(Step, 10))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    finished_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    note: Mapped[str] = mapped_column(Text, default="")

    complaint: Mapped[Complaint] = relationship(back_populates="steps")
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])
    finished_by: Mapped[User | None] = relationship(foreign_keys=[finished_by_id])

    @property
    def step_enum(self) -> Step:
        return Step(self.code)
