"""What the rules read: plain rows of the archive, loaded in bulk by `snapshot.py`.

Rules see only these, never models or a session, so each rule can be tested on a tiny
archive built by hand and a run reads the database once, not once per rule or customer.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property

from utilitycrm.archive import standards
from utilitycrm.archive.enums import Ownership, SourceKind, TransformerState, VoltageLevel
from utilitycrm.archive.standards import DEFAULT, Standards
from utilitycrm.archive.topology import Edge
from utilitycrm.validation.graph import Trace


@dataclass(frozen=True, slots=True)
class Tariff:
    code: str
    category: str
    voltage_kv: str
    structure: str


@dataclass(frozen=True, slots=True)
class Substation:
    id: int
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class Line:
    id: int
    code: str
    name: str
    substation_id: int
    voltage_kv: str
    rated_current_a: int

    @property
    def rating_kva(self) -> int:
        return standards.line_rating_kva(float(self.voltage_kv), self.rated_current_a)


@dataclass(frozen=True, slots=True)
class Node:
    id: int
    code: str
    kind: str
    line_id: int | None


@dataclass(frozen=True, slots=True)
class Transformer:
    id: int
    code: str
    kind: str
    ownership: str
    customer_id: int | None
    rated_kva: int
    state: str
    node_id: int | None
    source_id: int | None

    @property
    def is_running(self) -> bool:
        return self.state == TransformerState.RUNNING.value

    @property
    def is_removed(self) -> bool:
        return self.state == TransformerState.REMOVED.value

    @property
    def is_public(self) -> bool:
        return self.ownership == Ownership.PUBLIC.value


@dataclass(frozen=True, slots=True)
class StateChange:
    """A transformer's state changed at `at` from `old` to `new` (from the archive history)."""

    at: datetime
    old: str | None
    new: str | None


@dataclass(frozen=True, slots=True)
class Customer:
    id: int
    account_no: str
    name: str
    address: str | None
    phone: str | None
    category: str
    voltage_kv: str
    contract_capacity_kva: int
    operating_capacity_kva: int
    tariff_code: str | None
    tariff_structure: str
    basic_charge_basis: str | None
    contract_demand_kw: int | None
    pf_standard: str
    importance: str
    account_manager_id: int | None
    supply_transformer_id: int | None

    @property
    def is_high_voltage(self) -> bool:
        return VoltageLevel(self.voltage_kv).is_high_voltage

    @property
    def label(self) -> str:
        return f"{self.account_no} {self.name}"


@dataclass(frozen=True, slots=True)
class Source:
    id: int
    code: str
    customer_id: int
    kind: str
    substation_id: int | None
    line_id: int | None
    line_name: str | None
    property_boundary: str | None

    @property
    def is_main(self) -> bool:
        return self.kind == SourceKind.MAIN.value


@dataclass(frozen=True, slots=True)
class MeteringPoint:
    id: int
    code: str
    customer_id: int
    method: str
    wiring: str
    metering_class: str
    ct_primary_a: int | None
    ct_secondary_a: int | None
    pt_primary_v: int | None
    pt_secondary_v: int | None
    transformer_id: int | None
    adds_transformer_loss: bool

    @property
    def has_pt(self) -> bool:
        return self.pt_primary_v is not None

    @property
    def expected_multiplier(self) -> int:
        return standards.multiplier(
            (self.ct_primary_a, self.ct_secondary_a) if self.ct_primary_a else None,
            (self.pt_primary_v, self.pt_secondary_v) if self.pt_primary_v else None,
        )


@dataclass(frozen=True, slots=True)
class Meter:
    id: int
    asset_no: str
    metering_point_id: int
    accuracy: str
    multiplier: int
    installed_on: date | None
    verified_on: date | None


@dataclass
class Network:
    """The whole network and every transformer: small next to the customers, and tracing
    needs all of it whatever part of the archive is checked."""

    substations: dict[int, Substation] = field(default_factory=dict)
    lines: dict[int, Line] = field(default_factory=dict)
    nodes: dict[int, Node] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    transformers: dict[int, Transformer] = field(default_factory=dict)
    tariffs: dict[str, Tariff] = field(default_factory=dict)
    # Transformer state changes since the start of the current year, oldest first.
    state_changes: dict[int, list[StateChange]] = field(default_factory=dict)
    # What the wings' readers add for their network rules (`snapshot.register_network_reader`).
    extras: dict[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.transformers_of: dict[int, list[Transformer]] = defaultdict(list)
        for transformer in self.transformers.values():
            if transformer.customer_id is not None:
                self.transformers_of[transformer.customer_id].append(transformer)

    @cached_property
    def trace(self) -> Trace:
        return Trace(self)

    def traced_line(self, transformer: Transformer) -> int | None:
        """The one feeder a transformer hangs on, None for none or several."""
        feeders = self.trace.feeders(transformer.node_id)
        return feeders[0] if len(feeders) == 1 else None


@dataclass(frozen=True, slots=True)
class Contract:
    """A signed or expired supply contract; `frozen` and `current` are its tracked terms
    as signed (frozen here, or stated on its paper) and as the archive holds them now
    (None for an expired one, or a paper contract that states none)."""

    id: int
    customer_id: int
    number: str
    status: str
    ends_on: date | None
    frozen: dict | None = None
    current: dict | None = None


@dataclass
class Across:
    """What judges a customer against the whole archive, read by set-based queries once a
    run: its namesakes (by customer id) and its meters' twins (by meter id)."""

    # Customer id → the other open customers with its name, address and category.
    namesakes: dict[int, list[tuple[int, str]]] = field(default_factory=dict)
    # Meter id → (户号, metering point) of the other meters with its asset number.
    meter_twins: dict[int, list[tuple[str, str]]] = field(default_factory=dict)
    twin_owners: set[int] = field(default_factory=set)  # customers with a twinned meter

    @property
    def customers(self) -> set[int]:
        return set(self.namesakes) | self.twin_owners


@dataclass
class Snapshot:
    """One slice of customers with everything they hang on; `network` is shared by all
    slices of a run."""

    today: date
    network: Network
    standards: Standards = DEFAULT
    customers: list[Customer] = field(default_factory=list)
    sources: dict[int, list[Source]] = field(default_factory=dict)
    points: dict[int, list[MeteringPoint]] = field(default_factory=dict)
    meters: dict[int, list[Meter]] = field(default_factory=dict)
    # The run's namesakes and meter twins (read for rules of scope "archive" only).
    across: Across = field(default_factory=Across)
    # Customer id → its signed and expired supply contracts.
    contracts: dict[int, list[Contract]] = field(default_factory=dict)

    def customer_points(self) -> Iterator[tuple[Customer, MeteringPoint]]:
        """Every metering point of the slice with its customer."""
        for customer in self.customers:
            for point in self.points.get(customer.id, ()):
                yield customer, point

    def main_source(self, customer_id: int) -> Source | None:
        """The 主供 source; the first one when none is marked main."""
        sources = self.sources.get(customer_id) or []
        return next((s for s in sources if s.is_main), sources[0] if sources else None)
