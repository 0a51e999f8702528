"""What the demo seeding broke on purpose, so that tests can check the validation finds it."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from utilitycrm.core.extensions import db


class DemoFault(db.Model):
    __tablename__ = "demo_fault"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    family: Mapped[str] = mapped_column(String(20))
    customer_id: Mapped[int | None]
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int]
    detail: Mapped[str] = mapped_column(String(300), default="")
