"""What connects a customer to the network and measures it: sources, transformers, metering."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from utilitycrm.archive import standards
from utilitycrm.archive.enums import (
    Connection,
    MeterAccuracy,
    MeteringClass,
    MeteringMethod,
    Ownership,
    SourceKind,
    TransformerKind,
    TransformerState,
    Wiring,
)
from utilitycrm.archive.models.customer import Customer
from utilitycrm.archive.models.history import Audited
from utilitycrm.archive.models.network import FeederLine, NetworkNode, Substation
from utilitycrm.core.database import Versioned, coded, pattern_index
from utilitycrm.core.extensions import db


class PowerSource(Audited, Versioned, db.Model):
    """One incoming supply (供电电源) as the marketing archive records it.

    `line_name` is the name as recorded; `line_id` is set when it names a known line.
    Legacy archives often hold only the text, so both are kept and validation compares them.
    """

    __tablename__ = "power_source"
    __table_args__ = (
        CheckConstraint(SourceKind.check_sql("kind"), name="kind"),
        CheckConstraint(
            f"connection IS NULL OR {Connection.check_sql('connection')}", name="connection"
        ),
        CheckConstraint("generator_kw IS NULL OR generator_kw > 0", name="generator_kw"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The source's number, unique: how imports and exports name it (户号-S1 by default).
    code: Mapped[str] = mapped_column(String(40), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    kind: Mapped[SourceKind] = mapped_column(coded(SourceKind, 10), default=SourceKind.MAIN)
    substation_id: Mapped[int | None] = mapped_column(ForeignKey("substation.id"), index=True)
    line_id: Mapped[int | None] = mapped_column(ForeignKey("feeder_line.id"), index=True)
    line_name: Mapped[str | None] = mapped_column(String(60), index=True)
    pole_or_bay: Mapped[str | None] = mapped_column(String(60))
    connection: Mapped[Connection | None] = mapped_column(coded(Connection, 10))
    property_boundary: Mapped[str | None] = mapped_column(String(300))
    has_generator: Mapped[bool] = mapped_column(default=False)
    generator_kw: Mapped[int | None]

    customer: Mapped[Customer] = relationship(back_populates="sources")
    substation: Mapped[Substation | None] = relationship()
    line: Mapped[FeederLine | None] = relationship()


class Transformer(Audited, Versioned, db.Model):
    """Receiving equipment (受电设备): a transformer, or a high-voltage motor."""

    __tablename__ = "transformer"
    __table_args__ = (
        CheckConstraint(TransformerKind.check_sql("kind"), name="kind"),
        CheckConstraint(Ownership.check_sql("ownership"), name="ownership"),
        CheckConstraint(TransformerState.check_sql("state"), name="state"),
        CheckConstraint("rated_kva > 0", name="rated_kva_positive"),
        CheckConstraint(
            "ownership = 'public' OR customer_id IS NOT NULL", name="dedicated_has_customer"
        ),
        pattern_index("transformer", "code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(80), default="")
    kind: Mapped[TransformerKind] = mapped_column(
        coded(TransformerKind, 15), default=TransformerKind.TRANSFORMER
    )
    ownership: Mapped[Ownership] = mapped_column(coded(Ownership, 10), default=Ownership.DEDICATED)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id"), index=True)
    model: Mapped[str | None] = mapped_column(String(50))
    rated_kva: Mapped[int]
    voltage_ratio: Mapped[str | None] = mapped_column(String(20))
    state: Mapped[TransformerState] = mapped_column(
        coded(TransformerState, 10), default=TransformerState.RUNNING
    )
    node_id: Mapped[int | None] = mapped_column(ForeignKey("network_node.id"), index=True)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("power_source.id"), index=True)
    commissioned_on: Mapped[date | None]
    no_load_loss_kw: Mapped[Decimal | None] = mapped_column(Numeric(8, 3))
    load_loss_kw: Mapped[Decimal | None] = mapped_column(Numeric(8, 3))

    customer: Mapped[Customer | None] = relationship(
        back_populates="transformers", foreign_keys=[customer_id]
    )
    node: Mapped[NetworkNode | None] = relationship()
    source: Mapped[PowerSource | None] = relationship()

    @property
    def node_code(self) -> str | None:
        return self.node.code if self.node else None

    def __str__(self) -> str:
        return f"{self.code} {self.name}".strip()


class MeteringPoint(Audited, Versioned, db.Model):
    """计量点: where and how energy is measured, with the CT and PT ratios."""

    __tablename__ = "metering_point"
    __table_args__ = (
        CheckConstraint(MeteringMethod.check_sql("method"), name="method"),
        CheckConstraint(Wiring.check_sql("wiring"), name="wiring"),
        CheckConstraint(MeteringClass.check_sql("metering_class"), name="metering_class"),
        CheckConstraint(
            "(ct_primary_a IS NULL AND ct_secondary_a IS NULL) OR "
            "(ct_primary_a > 0 AND ct_secondary_a > 0)",
            name="ct_ratio",
        ),
        CheckConstraint(
            "(pt_primary_v IS NULL AND pt_secondary_v IS NULL) OR "
            "(pt_primary_v > 0 AND pt_secondary_v > 0)",
            name="pt_ratio",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(80), default="")
    method: Mapped[MeteringMethod] = mapped_column(coded(MeteringMethod, 10))
    wiring: Mapped[Wiring] = mapped_column(coded(Wiring, 5))
    metering_class: Mapped[MeteringClass] = mapped_column(coded(MeteringClass, 3))
    ct_primary_a: Mapped[int | None]
    ct_secondary_a: Mapped[int | None]
    pt_primary_v: Mapped[int | None]
    pt_secondary_v: Mapped[int | None]
    # 高供低计: the transformer whose losses (变损) are added to the metered energy.
    transformer_id: Mapped[int | None] = mapped_column(ForeignKey("transformer.id"), index=True)
    adds_transformer_loss: Mapped[bool] = mapped_column(default=False)
    has_voltage_loss_recorder: Mapped[bool] = mapped_column(default=False)

    customer: Mapped[Customer] = relationship(back_populates="metering_points")
    transformer: Mapped[Transformer | None] = relationship()
    meters: Mapped[list[Meter]] = relationship(back_populates="metering_point", order_by="Meter.id")

    @property
    def ct_ratio(self) -> str | None:
        return f"{self.ct_primary_a}/{self.ct_secondary_a}" if self.ct_primary_a else None

    @property
    def pt_ratio(self) -> str | None:
        return f"{self.pt_primary_v}/{self.pt_secondary_v}" if self.pt_primary_v else None

    @property
    def expected_multiplier(self) -> int:
        return standards.multiplier(
            (self.ct_primary_a, self.ct_secondary_a) if self.ct_primary_a else None,
            (self.pt_primary_v, self.pt_secondary_v) if self.pt_primary_v else None,
        )

    def __str__(self) -> str:
        return f"{self.code} {self.name}".strip()


class Meter(Audited, Versioned, db.Model):
    __tablename__ = "meter"
    __table_args__ = (
        CheckConstraint(MeterAccuracy.check_sql("accuracy"), name="accuracy"),
        CheckConstraint("multiplier > 0", name="multiplier_positive"),
        pattern_index("meter", "asset_no"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Not unique: a legacy archive holds one number on two meters, which the identity
    # rule identity.duplicate_meter reports; the forms refuse a new duplicate.
    asset_no: Mapped[str] = mapped_column(String(30), index=True)
    metering_point_id: Mapped[int] = mapped_column(ForeignKey("metering_point.id"), index=True)
    model: Mapped[str | None] = mapped_column(String(50))
    accuracy: Mapped[MeterAccuracy] = mapped_column(coded(MeterAccuracy, 5))
    multiplier: Mapped[int] = mapped_column(default=1)
    # Indexed for the meter list's filters by verification and rotation due.
    installed_on: Mapped[date | None] = mapped_column(index=True)
    verified_on: Mapped[date | None] = mapped_column(index=True)

    metering_point: Mapped[MeteringPoint] = relationship(back_populates="meters")

    def audit_customer_id(self) -> int | None:
        return self.metering_point.customer_id if self.metering_point else None

    @classmethod
    def audit_customer_ids(cls, rows: list) -> list[int | None]:
        point_ids = list({row["metering_point_id"] for row in rows})
        owners: dict[int, int] = {}
        for start in range(0, len(point_ids), 900):  # below SQLite's bound-parameter limit
            owners.update(
                db.session.execute(
                    select(MeteringPoint.id, MeteringPoint.customer_id).where(
                        MeteringPoint.id.in_(point_ids[start : start + 900])
                    )
                ).all()
            )
        return [owners.get(row["metering_point_id"]) for row in rows]
