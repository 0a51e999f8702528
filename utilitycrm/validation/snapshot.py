"""The only module of the validation engine that reads the database.

It reads what the rules need in bulk, a few queries per slice of customers, into the
plain rows of `facts.py`. The network and its transformers are read once per run (or per
part of a run, `partitions.py`); customers and what hangs on them come in slices so that
a million customers never sit in memory at once.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import Connection, and_, func, or_, select, union

from utilitycrm.archive.enums import CustomerStatus
from utilitycrm.archive.history import Action
from utilitycrm.archive.models import (
    ArchiveChange,
    ChangeSet,
    Customer,
    FeederLine,
    Meter,
    MeteringPoint,
    NetworkEdge,
    NetworkNode,
    PowerSource,
    Substation,
    Tariff,
    Transformer,
)
from utilitycrm.archive.standards import Standards
from utilitycrm.archive.topology import Edge
from utilitycrm.contracts import terms
from utilitycrm.contracts.models import Contract
from utilitycrm.contracts.types import ContractStatus
from utilitycrm.core.database import parallel_reads
from utilitycrm.core.extensions import db
from utilitycrm.validation import facts
from utilitycrm.validation.partitions import Partition

SLICE = 20_000


@dataclass(frozen=True)
class Scope:
    """What a run checks: everything, the customers of one line, or some customers."""

    line_id: int | None = None
    customer_ids: tuple[int, ...] | None = None

    @property
    def is_full(self) -> bool:
        return self.line_id is None and self.customer_ids is None


_SNAPSHOT_ID = re.compile(r"^[0-9A-F]+-[0-9A-F]+(-[0-9A-F]+)?$")


def _bound_to_callers_transaction() -> bool:
    bind = db.session.get_bind()
    return isinstance(bind, Connection) and bind.in_transaction()


@contextmanager
def one_state(snapshot_id: str | None = None) -> Iterator[None]:
    """Every read inside sees the archive as it was at the first one (or as the exported
    PostgreSQL snapshot `snapshot_id` shows it, which every part of a run shares).

    A run reads in many statements (the network, then customers slice by slice); an import
    committing in between would otherwise be half seen, its customers without their
    transformers. PostgreSQL: a REPEATABLE READ transaction; SQLite: a read transaction
    opened at once (the driver would open one only at the first write). A session bound
    to a connection inside its caller's transaction reads in that one. Nothing is written
    inside: the findings are stored afterwards in a transaction of their own, which never
    conflicts with the snapshot.
    """
    db.session.commit()  # the snapshot starts with a transaction of its own
    if _bound_to_callers_transaction():
        pass  # the session runs inside its caller's transaction: that is the snapshot
    elif db.engine.dialect.name == "postgresql":
        connection = db.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        if snapshot_id is not None:
            if not _SNAPSHOT_ID.match(snapshot_id):
                raise ValueError(f"not a snapshot identifier: {snapshot_id!r}")
            connection.exec_driver_sql(f"SET TRANSACTION SNAPSHOT '{snapshot_id}'")
        parallel_reads(connection)
    else:
        db.session.connection().exec_driver_sql("BEGIN")
    try:
        yield
    except BaseException:
        db.session.rollback()
        raise
    db.session.commit()  # ends the read transaction; it wrote nothing


def can_share_state() -> bool:
    """Whether other processes can read the state this one sees: PostgreSQL exports
    snapshots; SQLite's parts are read by one reader, and so are a test's."""
    return db.engine.dialect.name == "postgresql" and not _bound_to_callers_transaction()


@contextmanager
def exported_state() -> Iterator[str]:
    """A PostgreSQL snapshot other sessions can read in (`one_state(snapshot_id)`) for as
    long as this holds its transaction open, on a connection of its own."""
    with db.engine.connect() as connection:
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            yield connection.exec_driver_sql("SELECT pg_export_snapshot()").scalar_one()


def _execute(statement):
    """A Core execution on the session's connection (in its transaction, the snapshot):
    plain rows without the ORM's result machinery, which doubled the cost of a read."""
    return db.session.connection().execute(statement)


def _rows(row_type, statement) -> Iterator:
    for row in _execute(statement):
        yield row_type(*row)


def _columns(row_type, model) -> list:
    return [getattr(model, f.name) for f in dataclasses.fields(row_type)]


# name → reader(network, today): what a wing's network rules judge besides the archive
# (the month's line losses), read for the part's lines and transformers only.
NETWORK_READERS: dict[str, Callable[[facts.Network, date], object]] = {}


def register_network_reader(name: str, reader: Callable[[facts.Network, date], object]) -> None:
    """A wing's network rules read `snap.network.extras[name]`, which `reader` loads once
    a part from the part's network (its nodes' lines, its transformers)."""
    NETWORK_READERS[name] = reader


def load_network(
    today: date, part: Partition | None = None, *, extras: bool = False
) -> facts.Network:
    """The network; with `part`, its nodes, edges and transformers only; with `extras`,
    what the wings' readers add for their network rules."""
    nodes = select(*_columns(facts.Node, NetworkNode))
    edges = select(
        NetworkEdge.id,
        NetworkEdge.code,
        NetworkEdge.kind,
        NetworkEdge.from_node_id,
        NetworkEdge.to_node_id,
        NetworkEdge.is_closed,
    )
    transformers = select(*_columns(facts.Transformer, Transformer))
    changed = ArchiveChange.object_type == Transformer.__tablename__
    if part is not None:
        nodes = nodes.where(NetworkNode.id.in_(part.node_ids()))
        edges = edges.where(NetworkEdge.from_node_id.in_(part.node_ids()))
        transformers = transformers.where(part.transformers())
        changed = and_(
            changed, ArchiveChange.object_id.in_(select(Transformer.id).where(part.transformers()))
        )
    year_start = datetime(today.year, 1, 1, tzinfo=UTC)
    state_changes: dict[int, list[facts.StateChange]] = defaultdict(list)
    for transformer_id, at, action, _field, old, new in _execute(
        select(
            ArchiveChange.object_id,
            ChangeSet.occurred_at,
            ArchiveChange.action,
            ArchiveChange.field,
            ArchiveChange.old_value,
            ArchiveChange.new_value,
        )
        .join(ChangeSet, ArchiveChange.change_set_id == ChangeSet.id)
        .where(
            changed,
            ChangeSet.occurred_at >= year_start,
            or_(ArchiveChange.field == "state", ArchiveChange.action == Action.INSERT.value),
        )
        .order_by(ArchiveChange.id)
    ):
        if action == Action.INSERT.value:
            old, new = None, json.loads(new).get("state")
        state_changes[transformer_id].append(facts.StateChange(at, old, new))
    network = facts.Network(
        substations={
            row.id: row
            for row in _rows(facts.Substation, select(*_columns(facts.Substation, Substation)))
        },
        lines={row.id: row for row in _rows(facts.Line, select(*_columns(facts.Line, FeederLine)))},
        nodes={row.id: row for row in _rows(facts.Node, nodes)},
        edges=list(_rows(Edge, edges)),
        transformers={row.id: row for row in _rows(facts.Transformer, transformers)},
        tariffs={
            row.code: row for row in _rows(facts.Tariff, select(*_columns(facts.Tariff, Tariff)))
        },
        state_changes=dict(state_changes),
    )
    for name, reader in NETWORK_READERS.items() if extras else ():
        network.extras[name] = reader(network, today)
    return network


_CUSTOMER_COLUMNS = _columns(facts.Customer, Customer)
# Closed accounts and applicants (whose archive a project is still building) are not checked.
_OPEN = Customer.status.not_in([CustomerStatus.CLOSED.value, CustomerStatus.APPLYING.value])


def customer_ids(scope: Scope, part: Partition | None = None) -> list[int]:
    """The customers a run (or a part of it) checks (closed ones never), in id order."""
    if scope.customer_ids is not None:  # their part is `partitions.around` them
        statement = select(Customer.id).where(Customer.id.in_(scope.customer_ids), _OPEN)
    elif part is not None:
        statement = select(Customer.id).where(_OPEN, part.customers())
    elif scope.line_id is not None:
        on_line = union(
            select(PowerSource.customer_id).where(PowerSource.line_id == scope.line_id),
            select(Transformer.customer_id)
            .join(NetworkNode, Transformer.node_id == NetworkNode.id)
            .where(NetworkNode.line_id == scope.line_id, Transformer.customer_id.is_not(None)),
            select(Customer.id)
            .join(Transformer, Customer.supply_transformer_id == Transformer.id)
            .join(NetworkNode, Transformer.node_id == NetworkNode.id)
            .where(NetworkNode.line_id == scope.line_id),
        ).subquery()
        statement = select(Customer.id).where(Customer.id.in_(select(on_line.c[0])), _OPEN)
    else:
        statement = select(Customer.id).where(_OPEN)
    return list(_execute(statement.order_by(Customer.id)).scalars())


RUN_GAP = 4  # ids further apart end a run: closed customers leave small gaps
MIN_RUN = 500


def slices(ids: Sequence[int], size: int = SLICE) -> Iterator[Sequence[int]]:
    """At most `size` ids a slice, cut along runs of near-consecutive ids so that each
    reads as a range (`_within`); ids scattered in short runs are gathered into lists."""
    scattered: list[int] = []
    start = 0
    while start < len(ids):
        end = start + 1
        while end < len(ids) and end - start < size and ids[end] - ids[end - 1] <= RUN_GAP:
            end += 1
        if end - start >= MIN_RUN:
            yield ids[start:end]
        else:
            scattered += ids[start:end]
            if len(scattered) >= size:
                yield scattered[:size]
                scattered = scattered[size:]
        start = end
    if scattered:
        yield scattered


def _within(column, ids: Sequence[int]):
    """Rows of the slice: its id range when the slice fills at least half of it (a range
    scan on the index; the other rows are read and left), else the ids themselves."""
    if 2 * len(ids) >= ids[-1] - ids[0] + 1:
        return column.between(ids[0], ids[-1])
    return column.in_(ids)


def load_slice(
    ids: Sequence[int],
    *,
    network: facts.Network,
    standards: Standards,
    today: date,
    across: facts.Across | None = None,
) -> facts.Snapshot:
    """The customers `ids` with their sources, metering points and meters."""
    wanted = set(ids)
    customers = [
        row
        for row in _rows(
            facts.Customer,
            select(*_CUSTOMER_COLUMNS).where(_within(Customer.id, ids)),
        )
        if row.id in wanted
    ]
    sources = defaultdict(list)
    for row in _rows(
        facts.Source,
        select(*_columns(facts.Source, PowerSource))
        .where(_within(PowerSource.customer_id, ids))
        .order_by(PowerSource.id),
    ):
        sources[row.customer_id].append(row)
    points = defaultdict(list)
    for row in _rows(
        facts.MeteringPoint,
        select(*_columns(facts.MeteringPoint, MeteringPoint))
        .where(_within(MeteringPoint.customer_id, ids))
        .order_by(MeteringPoint.id),
    ):
        points[row.customer_id].append(row)
    meters = defaultdict(list)
    for row in _rows(
        facts.Meter,
        select(*_columns(facts.Meter, Meter))
        .join(MeteringPoint, Meter.metering_point_id == MeteringPoint.id)
        .where(_within(MeteringPoint.customer_id, ids))
        .order_by(Meter.id),
    ):
        meters[row.metering_point_id].append(row)
    return facts.Snapshot(
        today=today,
        network=network,
        standards=standards,
        customers=customers,
        sources=sources,
        points=points,
        meters=meters,
        across=across or facts.Across(),
        contracts=load_contracts(ids),
    )


def load_contracts(ids: Sequence[int]) -> dict[int, list[facts.Contract]]:
    """Signed and expired contracts of the slice; for signed ones the terms they froze or
    their paper states, and the terms the archive gives now (through the contract's own
    reader, so that a contract and this check can never disagree on what the archive
    says)."""
    signed = ContractStatus.SIGNED.value
    rows = _execute(
        select(Contract.id, Contract.customer_id, Contract.number, Contract.status,
               Contract.ends_on, Contract.frozen_data.label("frozen_data"), Contract.paper_kva,
               Contract.paper_demand_kw, Contract.paper_line_id, Contract.paper_backup_line_id,
               Contract.paper_tariff_code, Contract.paper_boundary)
        .where(_within(Contract.customer_id, ids),
               Contract.status.in_([signed, ContractStatus.EXPIRED.value]))
        .order_by(Contract.id)
    ).all()  # fmt: skip
    wanted = set(ids)
    rows = [row for row in rows if row.customer_id in wanted]
    in_force = [row for row in rows if row.status == signed]
    papers = terms.paper_terms(row for row in in_force if row.frozen_data is None)
    archive = terms.load_customers({row.customer_id for row in in_force})
    current = {cid: terms.terms(terms.contract_data(c)) for cid, c in archive.items()}
    result: dict[int, list[facts.Contract]] = defaultdict(list)
    for row in rows:
        pair = None
        if row.status == signed:
            pair = terms.compared(row.frozen_data, papers.get(row.id), current[row.customer_id])
        frozen, now = pair or (None, None)
        result[row.customer_id].append(
            facts.Contract(row.id, row.customer_id, row.number, row.status, row.ends_on,
                           frozen=frozen, current=now)
        )  # fmt: skip
    return dict(result)


def load_across(scope: Scope, ids: Sequence[int]) -> facts.Across:
    """The namesakes and meter twins of a run: of the whole archive, or of `ids`."""
    twins, owners = load_meter_twins(scope, ids)
    return facts.Across(load_namesakes(scope, ids), twins, owners)


def load_meter_twins(
    scope: Scope, ids: Sequence[int]
) -> tuple[dict[int, list[tuple[str, str]]], set[int]]:
    """Meter id → (户号, metering point) of the other open customers' meters with its asset
    number (or its own customer's, on another point), and the customers concerned.

    A full run groups the meters once; a scoped one looks up its customers' numbers.
    """
    owned = (
        select(Meter.id, Meter.asset_no, MeteringPoint.customer_id, Customer.account_no,
               MeteringPoint.code)
        .join(MeteringPoint, Meter.metering_point_id == MeteringPoint.id)
        .join(Customer, MeteringPoint.customer_id == Customer.id)
        .where(_OPEN)
    )  # fmt: skip
    if scope.is_full:  # over the meters alone (an index scan); closed ones drop out below
        numbers = select(Meter.asset_no).group_by(Meter.asset_no).having(func.count() > 1)
    else:
        numbers = owned.with_only_columns(Meter.asset_no).where(MeteringPoint.customer_id.in_(ids))
    by_number: dict[str, list[tuple]] = defaultdict(list)
    for meter_id, asset_no, customer_id, account_no, point in _execute(
        owned.where(Meter.asset_no.in_(numbers)).order_by(Customer.account_no, MeteringPoint.code)
    ):
        by_number[asset_no].append((meter_id, customer_id, account_no, point))
    twins: dict[int, list[tuple[str, str]]] = {}
    owners: set[int] = set()
    for meters in by_number.values():
        if len(meters) < 2:
            continue
        for meter_id, customer_id, _account_no, _point in meters:
            twins[meter_id] = [(a, p) for m, _c, a, p in meters if m != meter_id]
            owners.add(customer_id)
    return twins, owners


def load_namesakes(scope: Scope, ids: Sequence[int]) -> dict[int, list[tuple[int, str]]]:
    """Customer id → the other open customers with its name, address and category.

    A full run groups the whole table once; a scoped one looks up its customers' names.
    """
    key = (Customer.name, func.coalesce(Customer.address, ""), Customer.category)
    if scope.is_full:
        groups = select(*key).where(_OPEN).group_by(*key).having(func.count() > 1).subquery()
        statement = select(Customer.id, Customer.account_no, *key).join(
            groups,
            and_(
                Customer.name == groups.c[0],
                func.coalesce(Customer.address, "") == groups.c[1],
                Customer.category == groups.c[2],
            ),
        )
    else:
        names = select(Customer.name).where(Customer.id.in_(ids))
        statement = select(Customer.id, Customer.account_no, *key).where(Customer.name.in_(names))
    groups_by_key: dict[tuple, list[tuple[int, str]]] = defaultdict(list)
    for customer_id, account_no, *values in _execute(statement.where(_OPEN)):
        groups_by_key[tuple(values)].append((customer_id, account_no))
    result = {}
    for members in groups_by_key.values():
        for customer_id, _account_no in members:
            others = sorted((m for m in members if m[0] != customer_id), key=lambda m: m[1])
            if others:
                result[customer_id] = others
    return result
