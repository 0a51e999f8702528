"""The network as a graph (networkx): tracing what a line feeds, and a line's diagram.

`network_graph` and `traced_nodes` are pure and shared with the validation engine; the
rest reads one line's extract for the line page.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import networkx as nx
from sqlalchemy import or_, select

from utilitycrm.archive.enums import NodeKind, TransformerState
from utilitycrm.archive.models import (
    Customer,
    FeederLine,
    NetworkEdge,
    NetworkNode,
    Transformer,
)
from utilitycrm.core.extensions import db


@dataclass(frozen=True)
class Edge:
    id: int
    code: str
    kind: str
    from_id: int
    to_id: int
    is_closed: bool


def network_graph(node_ids: Iterable[int], edges: Iterable[Edge], *, closed_only: bool) -> nx.Graph:
    """Nodes joined by edges; with closed_only, open switches do not conduct."""
    graph = nx.Graph()
    graph.add_nodes_from(node_ids)
    for edge in edges:
        if edge.is_closed or not closed_only:
            graph.add_edge(edge.from_id, edge.to_id, edge=edge)
    return graph


def traced_nodes(graph: nx.Graph, root: int) -> set[int]:
    """Every node energised from `root`."""
    return nx.node_connected_component(graph, root) if root in graph else set()


@dataclass
class DiagramNode:
    id: int
    label: str
    kind: str
    x: int = 0
    y: int = 0
    is_foreign: bool = False  # a node of another line, reached through a tie switch
    is_energised: bool = False


@dataclass
class DiagramTransformer:
    id: int
    code: str
    rated_kva: int
    state: str
    customer: str | None
    customer_account_no: str | None
    node_id: int
    x: int = 0
    y: int = 0


@dataclass(frozen=True)
class DiagramEdge:
    """An edge drawn as an elbow from the node nearer the bay (x1, y1) down and across to
    the other (x2, y2); switches get a marker on the horizontal run."""

    edge: Edge
    x1: int
    y1: int
    x2: int
    y2: int

    @property
    def marker(self) -> tuple[int, int]:
        return (
            ((self.x1 + self.x2) // 2, self.y2)
            if self.x1 != self.x2
            else (self.x1, (self.y1 + self.y2) // 2)
        )


@dataclass
class LineDiagram:
    line: FeederLine
    nodes: dict[int, DiagramNode]
    edges: list[DiagramEdge]
    transformers: list[DiagramTransformer]
    width: int
    height: int
    has_root: bool
    running_kva: int = 0
    installed_kva: int = 0
    unconnected: list[DiagramTransformer] = field(default_factory=list)

    @property
    def loading(self) -> float | None:
        rating = self.line.rating_kva
        return self.running_kva / rating if rating else None


ROW = 26
COLUMN = 150
MARGIN = 24
BOX_OFFSET = 40  # transformer boxes sit right of and below their node


def _line_extract(line: FeederLine):
    own_nodes = list(db.session.scalars(select(NetworkNode).where(NetworkNode.line_id == line.id)))
    own_ids = {node.id for node in own_nodes}
    edges = [
        Edge(e.id, e.code, e.kind, e.from_node_id, e.to_node_id, e.is_closed)
        for e in db.session.scalars(
            select(NetworkEdge).where(
                or_(
                    NetworkEdge.line_id == line.id,
                    NetworkEdge.from_node_id.in_(own_ids),
                    NetworkEdge.to_node_id.in_(own_ids),
                )
            )
        )
    ]
    foreign_ids = {e.from_id for e in edges} | {e.to_id for e in edges}
    foreign_ids -= own_ids
    foreign = list(
        db.session.execute(
            select(NetworkNode.id, NetworkNode.code, FeederLine.name)
            .outerjoin(FeederLine, NetworkNode.line_id == FeederLine.id)
            .where(NetworkNode.id.in_(foreign_ids))
        )
    )
    transformers = list(
        db.session.execute(
            select(Transformer, Customer.name, Customer.account_no)
            .outerjoin(Customer, Transformer.customer_id == Customer.id)
            .where(Transformer.node_id.in_(own_ids))
            .order_by(Transformer.code)
        )
    )
    return own_nodes, edges, foreign, transformers


def _elbow(edge: Edge, nodes: dict[int, DiagramNode]) -> DiagramEdge:
    a, b = nodes[edge.from_id], nodes[edge.to_id]
    if (b.x, b.y) < (a.x, a.y):
        a, b = b, a
    return DiagramEdge(edge, a.x, a.y, b.x, b.y)


def line_diagram(line: FeederLine) -> LineDiagram:
    """Lay the line out as a tree from its substation bay: depth left to right, one row
    per leaf; open switches and tie switches to other lines are kept and marked."""
    own_nodes, edges, foreign, transformer_rows = _line_extract(line)
    nodes = {n.id: DiagramNode(n.id, n.name or n.code, n.kind) for n in own_nodes}
    for node_id, code, line_name in foreign:
        nodes[node_id] = DiagramNode(
            node_id, f"{line_name or '?'} · {code}", "foreign", is_foreign=True
        )
    roots = [n.id for n in own_nodes if n.kind == NodeKind.BUS_BAY.value]
    energised = (
        traced_nodes(network_graph(nodes, edges, closed_only=True), roots[0]) if roots else set()
    )
    for node_id in energised:
        nodes[node_id].is_energised = True

    layout_graph = network_graph(nodes, edges, closed_only=False)
    hanging: dict[int, list[DiagramTransformer]] = {}
    transformers = []
    for transformer, customer_name, account_no in transformer_rows:
        item = DiagramTransformer(
            transformer.id,
            transformer.code,
            transformer.rated_kva,
            transformer.state,
            customer_name,
            account_no,
            transformer.node_id,
        )
        transformers.append(item)
        hanging.setdefault(transformer.node_id, []).append(item)

    row = 0
    placed: set[int] = set()
    # Depth-first, iteratively (a feeder can have more poles than Python's recursion limit).
    own_unplaced = sorted((n.id for n in own_nodes), key=lambda n: nodes[n].label)
    starts = roots + own_unplaced
    stack: list[tuple[int, int]] = []
    for start in starts:
        if start in placed:
            continue
        stack.append((start, 0))
        while stack:
            node_id, depth = stack.pop()
            if node_id in placed:
                continue
            placed.add(node_id)
            node = nodes[node_id]
            node.x, node.y = MARGIN + depth * COLUMN, MARGIN + row * ROW
            children = (
                []
                if node.is_foreign
                else sorted(
                    (n for n in layout_graph.neighbors(node_id) if n not in placed),
                    key=lambda n: nodes[n].label,
                )
            )
            row += 1  # the node's own row, for its label
            for item in hanging.get(node_id, []):
                item.x, item.y = node.x + BOX_OFFSET, MARGIN + row * ROW
                row += 1
            stack.extend((child, depth + 1) for child in reversed(children))
    max_x = max([n.x for n in nodes.values()] + [t.x + 2 * COLUMN for t in transformers] + [0])
    running = [
        t
        for t in transformers
        if t.state == TransformerState.RUNNING.value and nodes[t.node_id].is_energised
    ]
    return LineDiagram(
        line=line,
        nodes=nodes,
        edges=[_elbow(edge, nodes) for edge in edges],
        transformers=transformers,
        width=max_x + COLUMN,
        height=MARGIN * 2 + max(row, 1) * ROW,
        has_root=bool(roots),
        running_kva=sum(t.rated_kva for t in running),
        installed_kva=sum(
            t.rated_kva for t in transformers if t.state != TransformerState.REMOVED.value
        ),
        unconnected=[t for t in transformers if not nodes[t.node_id].is_energised],
    )


def transformer_lines() -> dict[str, str | None]:
    """{transformer code: the code of the line that feeds it, None if none does}: the whole
    network traced from every substation bay, in a few bulk queries."""
    nodes = list(db.session.execute(select(NetworkNode.id, NetworkNode.kind, NetworkNode.line_id)))
    edges = [
        Edge(id_, code, kind, a, b, closed)
        for id_, code, kind, a, b, closed in db.session.execute(
            select(NetworkEdge.id, NetworkEdge.code, NetworkEdge.kind, NetworkEdge.from_node_id,
                   NetworkEdge.to_node_id, NetworkEdge.is_closed)
        )
    ]  # fmt: skip
    line_codes = dict(db.session.execute(select(FeederLine.id, FeederLine.code)).all())
    graph = network_graph([node_id for node_id, _kind, _line in nodes], edges, closed_only=True)
    fed_by: dict[int, str] = {}
    for node_id, kind, line_id in nodes:
        if kind == NodeKind.BUS_BAY.value and line_id in line_codes:
            for reached in traced_nodes(graph, node_id):
                fed_by.setdefault(reached, line_codes[line_id])
    return {
        code: fed_by.get(node_id)
        for code, node_id in db.session.execute(select(Transformer.code, Transformer.node_id))
    }
