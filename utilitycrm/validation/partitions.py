"""How a whole-archive run is cut into parts that workers validate side by side.

The network is a forest of feeders joined only by tie switches. A part is a set of
*line groups*: lines whose recorded nodes are joined by closed edges, or whose
transformers serve one customer, belong together, so a part holds every node it must
trace, every transformer its customers have and every transformer its lines carry. Nodes
recorded on no line travel with the lines they are joined to (or alone). Customers whose
transformers are on no node at all form a last part of their own.

The plan is read with set-based queries: closed edges that cross recorded lines, and
customers placed on more than one line; neither returns a row per customer.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import and_, distinct, exists, func, or_, select, union, union_all
from sqlalchemy.orm import aliased

from utilitycrm.archive.models import Customer, NetworkEdge, NetworkNode, Transformer
from utilitycrm.core.extensions import db


@dataclass(frozen=True)
class Partition:
    """One part of a run: its lines and unrecorded nodes, or the unplaced customers."""

    number: int
    lines: tuple[int, ...] = ()
    nodes: tuple[int, ...] = ()
    unplaced: bool = False
    weight: int = 0  # nodes: what the part traces, in proportion to its customers

    def as_dict(self) -> dict:
        return {
            "number": self.number,
            "lines": list(self.lines),
            "nodes": list(self.nodes),
            "unplaced": self.unplaced,
            "weight": self.weight,
        }

    @classmethod
    def from_dict(cls, data: dict) -> Partition:
        return cls(
            data["number"],
            tuple(data["lines"]),
            tuple(data["nodes"]),
            data["unplaced"],
            data.get("weight", 0),
        )

    # What the part reads, as SQL conditions for snapshot.py.

    def node_ids(self):
        """Its nodes: those of its lines and its unrecorded ones."""
        return select(NetworkNode.id).where(self._nodes())

    def _nodes(self):
        if self.unplaced:
            return NetworkNode.id.is_(None)
        return or_(NetworkNode.line_id.in_(self.lines), NetworkNode.id.in_(self.nodes))

    def customers(self):
        """Its customers: those with a transformer on its nodes; in the last part those
        with none on any node."""
        if self.unplaced:
            placed = select(Transformer.id).where(Transformer.node_id.is_not(None))
            return and_(
                ~exists(_dedicated_on_node()),
                or_(
                    Customer.supply_transformer_id.is_(None),
                    Customer.supply_transformer_id.not_in(placed),
                ),
            )
        on_nodes = select(Transformer.id, Transformer.customer_id).where(
            Transformer.node_id.in_(self.node_ids())
        )
        return or_(
            Customer.id.in_(on_nodes.with_only_columns(Transformer.customer_id)),
            Customer.supply_transformer_id.in_(on_nodes.with_only_columns(Transformer.id)),
        )

    def transformers(self):
        """Its transformers: those on its nodes, and every one on no node (few, and
        untraceable: a part's customers find theirs among them, the rest are not looked at).
        Plain conditions: a filter through the part's customers ran for minutes."""
        return or_(Transformer.node_id.in_(self.node_ids()), Transformer.node_id.is_(None))


def _dedicated_on_node():
    return select(Transformer.id).where(
        Transformer.customer_id == Customer.id, Transformer.node_id.is_not(None)
    )


class _Groups:
    """Union-find over lines (positive ids) and unrecorded nodes (negative ids)."""

    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, item: int) -> int:
        parent = self.parent.setdefault(item, item)
        while parent != item:
            grand = self.parent[parent]
            self.parent[item] = grand
            item, parent = parent, grand
        return item

    def join(self, items) -> None:
        items = iter(items)
        first = self.find(next(items))
        for item in items:
            root = self.find(item)
            if root != first:
                self.parent[root] = first


def _member(line_id, node_id):
    return func.coalesce(line_id, -node_id)


def plan(count: int) -> list[Partition]:
    """At most `count` parts of about equal weight, and the part of unplaced customers."""
    groups = _Groups()
    weights: dict[int, int] = defaultdict(int)
    for line_id, nodes in db.session.execute(
        select(NetworkNode.line_id, func.count()).group_by(NetworkNode.line_id)
    ):
        if line_id is not None:
            groups.find(line_id)
            weights[line_id] = nodes
    for pair in db.session.execute(_crossing()):
        groups.join(pair)
    for node_id in db.session.scalars(select(NetworkNode.id).where(NetworkNode.line_id.is_(None))):
        groups.find(-node_id)
        weights[-node_id] = 1
    members: dict[int, list[int]] = defaultdict(list)
    for customer_id, member in db.session.execute(_customers_on_several_lines()):
        members[customer_id].append(member)
    for placed in members.values():
        groups.join(placed)
    grouped: dict[int, list[int]] = defaultdict(list)
    for item in list(groups.parent):
        grouped[groups.find(item)].append(item)
    return _pack(list(grouped.values()), weights, count)


def _crossing(node_ids=None):
    """(member, member) of the closed edges that join two line groups: between nodes of
    two lines, or with a node recorded on no line; with `node_ids`, those touching them."""
    a, b = aliased(NetworkNode), aliased(NetworkNode)
    edges = (
        select(_member(a.line_id, a.id), _member(b.line_id, b.id))
        .select_from(NetworkEdge)
        .join(a, a.id == NetworkEdge.from_node_id)
        .join(b, b.id == NetworkEdge.to_node_id)
        .where(
            NetworkEdge.is_closed,
            or_(a.line_id.is_(None), b.line_id.is_(None), a.line_id != b.line_id),
        )
    )
    if node_ids is None:
        return edges.distinct()
    # One branch an end: an OR across the two joined nodes would read every edge.
    return union(
        edges.where(NetworkEdge.from_node_id.in_(node_ids)),
        edges.where(NetworkEdge.to_node_id.in_(node_ids)),
    )


def around(customer_ids: Sequence[int]) -> Partition:
    """The part a check of a few customers reads (check on save): the line groups their
    transformers sit on, grown along closed edges until none leaves it. The same closure
    as `plan`'s, without the lines other customers join to it, which these do not need."""
    placed = union(
        select(_member(NetworkNode.line_id, NetworkNode.id))
        .join(Transformer, Transformer.node_id == NetworkNode.id)
        .where(Transformer.customer_id.in_(customer_ids)),
        select(_member(NetworkNode.line_id, NetworkNode.id))
        .join(Transformer, Transformer.node_id == NetworkNode.id)
        .join(Customer, Customer.supply_transformer_id == Transformer.id)
        .where(Customer.id.in_(customer_ids)),
    )
    members = set(db.session.execute(placed).scalars())
    frontier = set(members)
    while frontier:
        reached = _as_part(frontier).node_ids()
        found = {m for pair in db.session.execute(_crossing(reached)) for m in pair}
        frontier = found - members
        members |= frontier
    return _as_part(members)


def _as_part(members) -> Partition:
    return Partition(
        0,
        lines=tuple(sorted(m for m in members if m > 0)),
        nodes=tuple(sorted(-m for m in members if m < 0)),
    )


def _customers_on_several_lines():
    """(customer, line or -node) for each customer whose transformers sit on more than
    one line group's nodes: its own transformers and its public supply transformer."""
    placed = union_all(
        select(
            Transformer.customer_id.label("customer_id"),
            _member(NetworkNode.line_id, NetworkNode.id).label("member"),
        )
        .join(NetworkNode, NetworkNode.id == Transformer.node_id)
        .where(Transformer.customer_id.is_not(None)),
        select(Customer.id, _member(NetworkNode.line_id, NetworkNode.id))
        .join(Transformer, Transformer.id == Customer.supply_transformer_id)
        .join(NetworkNode, NetworkNode.id == Transformer.node_id),
    ).subquery()
    several = (
        select(placed.c.customer_id)
        .group_by(placed.c.customer_id)
        .having(func.count(distinct(placed.c.member)) > 1)
    )
    return (
        select(placed.c.customer_id, placed.c.member)
        .where(placed.c.customer_id.in_(several))
        .distinct()
    )


def _pack(grouped: list[list[int]], weights: dict[int, int], count: int) -> list[Partition]:
    """Groups in line order cut into `count` runs of about equal weight: neighbouring lines
    stay together, and so (as archives are loaded line by line) do their customers' ids,
    which a part then reads in long id ranges."""
    grouped.sort(key=lambda items: min((i for i in items if i > 0), default=2**62 - max(items)))
    total = sum(weights[i] for items in grouped for i in items)
    count = max(1, min(count, len(grouped)))
    parts, lines, nodes, weight, cut = [], [], [], 0, 0
    for items in grouped:
        lines += [i for i in items if i > 0]
        nodes += [-i for i in items if i < 0]
        weight += sum(weights[i] for i in items)
        cut += sum(weights[i] for i in items)
        if len(parts) < count - 1 and cut * count >= total * (len(parts) + 1):
            parts.append(
                Partition(len(parts), tuple(sorted(lines)), tuple(sorted(nodes)), weight=weight)
            )
            lines, nodes, weight = [], [], 0
    if lines or nodes:
        parts.append(
            Partition(len(parts), tuple(sorted(lines)), tuple(sorted(nodes)), weight=weight)
        )
    return [*parts, Partition(len(parts), unplaced=True)]
