"""Readings and line losses: the head (关口) meter of each line and the meter of each 台区
per month, and the losses computed from them against the archive, kept per month."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from utilitycrm.archive.models import FeederLine, Transformer
from utilitycrm.auth.models import User
from utilitycrm.core.database import JSONDocument, coded, utcnow
from utilitycrm.core.extensions import db
from utilitycrm.network.types import Band, LossKind


class LineReading(db.Model):
    """The energy a 10 kV line's head meter at the substation measured in one month."""

    __tablename__ = "line_reading"
    __table_args__ = (
        CheckConstraint("supplied_kwh >= 0", name="supplied"),
        CheckConstraint("peak_kw IS NULL OR peak_kw >= 0", name="peak"),
    )

    line_id: Mapped[int] = mapped_column(ForeignKey("feeder_line.id"), primary_key=True)
    month: Mapped[date] = mapped_column(primary_key=True, index=True)
    supplied_kwh: Mapped[int] = mapped_column(BigInteger)
    # The month's largest demand the head meter recorded (最大需量), for open capacity.
    peak_kw: Mapped[int | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class AreaReading(db.Model):
    """A 台区 in one month: what its public transformer's meter measured, and the total the
    billing system sold to the low-voltage customers on it."""

    __tablename__ = "area_reading"
    __table_args__ = (
        CheckConstraint("supplied_kwh >= 0", name="supplied"),
        CheckConstraint("sold_kwh >= 0", name="sold"),
    )

    transformer_id: Mapped[int] = mapped_column(ForeignKey("transformer.id"), primary_key=True)
    month: Mapped[date] = mapped_column(primary_key=True, index=True)
    supplied_kwh: Mapped[int] = mapped_column(BigInteger)
    sold_kwh: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class LossResult(db.Model):
    """One line's or 台区's loss in one month, as last computed; a month's results are
    replaced whole when it is computed again."""

    __tablename__ = "loss_result"
    __table_args__ = (
        CheckConstraint(LossKind.check_sql("kind"), name="kind"),
        CheckConstraint(Band.check_sql("band"), name="band"),
        Index("ix_loss_result_month_kind_band", "month", "kind", "band"),
        Index("ix_loss_result_line_month", "line_id", "month"),
        Index("ix_loss_result_transformer_month", "transformer_id", "month"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[date]
    kind: Mapped[LossKind] = mapped_column(coded(LossKind, 5))
    # A line's own row, or the line a 台区's transformer is recorded on.
    line_id: Mapped[int | None] = mapped_column(ForeignKey("feeder_line.id"))
    transformer_id: Mapped[int | None] = mapped_column(ForeignKey("transformer.id"))
    supplied_kwh: Mapped[int | None] = mapped_column(BigInteger)
    sold_kwh: Mapped[int] = mapped_column(BigInteger)
    rate: Mapped[float | None]  # (supplied − sold) / supplied
    band: Mapped[Band] = mapped_column(coded(Band, 12))
    # How far outside its band, as a share (0 in band): the worst first.
    excess: Mapped[float] = mapped_column(default=0.0)
    # What the sold energy counts: dedicated customers and 台区 on a line, customers of a 台区.
    counted: Mapped[int] = mapped_column(default=0)
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)

    line: Mapped[FeederLine | None] = relationship()
    transformer: Mapped[Transformer | None] = relationship()

    @property
    def loss_kwh(self) -> int | None:
        return None if self.supplied_kwh is None else self.supplied_kwh - self.sold_kwh

    @property
    def name(self) -> str:
        return str(self.line if self.kind is LossKind.LINE else self.transformer)


class LossComputation(db.Model):
    """When a month's losses were computed, with which bands, by whom, and how many lines
    and 台区 fell in each band."""

    __tablename__ = "loss_computation"

    month: Mapped[date] = mapped_column(primary_key=True)
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    # {"negative": 0.01, "high_line": 0.1, "high_area": 0.06}: Standards at the month's end.
    limits: Mapped[dict] = mapped_column(JSONDocument)
    # {"line": {"normal": 7, "high": 1}, "area": {...}}
    counts: Mapped[dict] = mapped_column(JSONDocument)


class CapacityOverride(db.Model):
    """A chief let a project connect beyond its line's open capacity, and why."""

    __tablename__ = "capacity_override"

    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), primary_key=True)
    reason: Mapped[str] = mapped_column(String(500))
    actor_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    actor: Mapped[User] = relationship()
