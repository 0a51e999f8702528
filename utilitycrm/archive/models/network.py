"""The distribution network as the archive knows it: 站-线 and the nodes and edges between.

A line's topology runs from its bay at the substation through sections and switches to
the nodes transformers hang on. Normally-open tie switches join feeders, which are
operated radially.
"""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from utilitycrm.archive import standards
from utilitycrm.archive.enums import Connection, EdgeKind, NodeKind, VoltageLevel
from utilitycrm.archive.models.history import Audited
from utilitycrm.core.database import Versioned, coded, pattern_index
from utilitycrm.core.extensions import db
from utilitycrm.core.text import natural_key


class Substation(Audited, Versioned, db.Model):
    __tablename__ = "substation"
    __table_args__ = (CheckConstraint(VoltageLevel.check_sql("voltage_kv"), name="voltage"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    voltage_kv: Mapped[VoltageLevel] = mapped_column(coded(VoltageLevel, 5))

    lines: Mapped[list[FeederLine]] = relationship(
        back_populates="substation", order_by="FeederLine.name"
    )

    def __str__(self) -> str:
        return self.name


class FeederLine(Audited, Versioned, db.Model):
    __tablename__ = "feeder_line"
    __table_args__ = (
        UniqueConstraint("substation_id", "name"),
        CheckConstraint(VoltageLevel.check_sql("voltage_kv"), name="voltage"),
        CheckConstraint("rated_current_a > 0", name="rated_current_positive"),
        CheckConstraint(
            "allowed_load_pct IS NULL OR allowed_load_pct BETWEEN 1 AND 100",
            name="allowed_load_pct",
        ),
        pattern_index("feeder_line", "name"),
        pattern_index("feeder_line", "code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(60), index=True)
    # The name as it sorts (城东二线 before 城东十线): set with the name, and by the
    # default for rows inserted in bulk.
    name_sort: Mapped[str] = mapped_column(
        String(120),
        index=True,
        default=lambda context: natural_key(context.get_current_parameters()["name"]),
    )
    substation_id: Mapped[int] = mapped_column(ForeignKey("substation.id"), index=True)
    voltage_kv: Mapped[VoltageLevel] = mapped_column(
        coded(VoltageLevel, 5), default=VoltageLevel.V10
    )
    rated_current_a: Mapped[int]
    # The share of its rating the line may carry, where it is not the standard one (100%
    # radial, 50% in a tie pair): a line planned for a special operating mode.
    allowed_load_pct: Mapped[int | None]

    substation: Mapped[Substation] = relationship(back_populates="lines")

    @property
    def rating_kva(self) -> int:
        return standards.line_rating_kva(float(self.voltage_kv), self.rated_current_a)

    @validates("name")
    def _keep_name_sort(self, _key: str, name: str) -> str:
        self.name_sort = natural_key(name)
        return name

    def __str__(self) -> str:
        return self.name


class NetworkNode(Audited, Versioned, db.Model):
    __tablename__ = "network_node"
    __table_args__ = (CheckConstraint(NodeKind.check_sql("kind"), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(80), default="")
    kind: Mapped[NodeKind] = mapped_column(coded(NodeKind, 20))
    # The line whose extract the node belongs to; a bus bay is the root of its line.
    line_id: Mapped[int | None] = mapped_column(ForeignKey("feeder_line.id"), index=True)

    line: Mapped[FeederLine | None] = relationship()

    def __str__(self) -> str:
        return self.name or self.code


class NetworkEdge(Audited, Versioned, db.Model):
    __tablename__ = "network_edge"
    __table_args__ = (
        CheckConstraint(EdgeKind.check_sql("kind"), name="kind"),
        CheckConstraint("from_node_id <> to_node_id", name="not_a_loop"),
        CheckConstraint(
            f"conductor IS NULL OR {Connection.check_sql('conductor')}", name="conductor"
        ),
        Index("ix_network_edge_nodes", "from_node_id", "to_node_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[EdgeKind] = mapped_column(coded(EdgeKind, 20))
    line_id: Mapped[int | None] = mapped_column(ForeignKey("feeder_line.id"), index=True)
    from_node_id: Mapped[int] = mapped_column(ForeignKey("network_node.id"))
    to_node_id: Mapped[int] = mapped_column(ForeignKey("network_node.id"), index=True)
    # Sections are always closed; switches carry their state, tie switches are normally open.
    is_closed: Mapped[bool] = mapped_column(default=True)
    conductor: Mapped[Connection | None] = mapped_column(coded(Connection, 10))
    length_m: Mapped[int | None]

    from_node: Mapped[NetworkNode] = relationship(foreign_keys=[from_node_id])
    to_node: Mapped[NetworkNode] = relationship(foreign_keys=[to_node_id])
    line: Mapped[FeederLine | None] = relationship()

    @property
    def from_node_code(self) -> str:
        return self.from_node.code

    @property
    def to_node_code(self) -> str:
        return self.to_node.code
