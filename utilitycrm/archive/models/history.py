"""The archive's history: change sets (who, when, why, how) and one row per change."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from utilitycrm.core.database import JSONDocument, utcnow
from utilitycrm.core.extensions import db


class Audited:
    """Mixin for archive models whose every change is recorded (see archive/history.py)."""

    def audit_customer_id(self) -> int | None:
        return getattr(self, "customer_id", None)

    @classmethod
    def audit_customer_ids(cls, rows: list) -> list[int | None]:
        """The customers of rows written in bulk (mappings of the table's columns), as
        `audit_customer_id` gives them for one record."""
        return [row.get("customer_id") for row in rows]


class ChangeSet(db.Model):
    """One save, import or project completion; its changes stand or fall together."""

    __tablename__ = "change_set"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), index=True)
    source: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(500), default="")


class ArchiveChange(db.Model):
    """Append-only. An insert or delete is one row with the whole record as JSON;
    an update is one row per changed field."""

    __tablename__ = "archive_change"
    __table_args__ = (
        Index("ix_archive_change_customer", "customer_id", "id"),
        Index("ix_archive_change_object", "object_type", "object_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    change_set_id: Mapped[int] = mapped_column(ForeignKey("change_set.id"), index=True)
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int] = mapped_column(Integer)
    object_version: Mapped[int | None]
    customer_id: Mapped[int | None] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(10))
    field: Mapped[str | None] = mapped_column(String(60))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)


class ImportBatch(db.Model):
    """One committed workbook import: its file, its change set, and whether it was undone."""

    __tablename__ = "import_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    file_name: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    # Per sheet and action, e.g. {"customers": {"insert": 3}}; JSON text.
    counts: Mapped[dict] = mapped_column(JSONDocument, default=dict)
    change_set_id: Mapped[int | None] = mapped_column(ForeignKey("change_set.id"))
    reverted_at: Mapped[datetime | None]
    revert_change_set_id: Mapped[int | None] = mapped_column(ForeignKey("change_set.id"))
    # The jobs that imported and undid it: a retried job finds its work done.
    job_id: Mapped[int | None] = mapped_column(ForeignKey("job.id"), unique=True)
    undo_job_id: Mapped[int | None] = mapped_column(ForeignKey("job.id"), unique=True)
