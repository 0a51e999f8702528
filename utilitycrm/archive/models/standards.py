"""The dated sets of the utility's business limits (thresholds and time limits)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from utilitycrm.auth.models import User
from utilitycrm.core.database import JSONDocument, utcnow
from utilitycrm.core.extensions import db


class ThresholdSet(db.Model):
    """Business limits from a date on; work on a day uses the set in effect that day. Sets are
    never edited in place: a change is a new set, so past runs stay explainable."""

    __tablename__ = "threshold_set"

    id: Mapped[int] = mapped_column(primary_key=True)
    effective_on: Mapped[date] = mapped_column(unique=True)
    # {Standards field: value}; fields left out keep their default.
    values: Mapped[dict] = mapped_column(JSONDocument, default=dict)
    note: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))

    created_by: Mapped[User | None] = relationship()
