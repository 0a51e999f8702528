"""The network traced as networkx sees it: which feeders energise each node.

A node belongs to the connected component of the closed-switch graph it lies in; the
feeders of a component are the lines whose substation bays lie in it. Radial operation
means exactly one; none is a section cut off, two or more a closed tie switch or a loop.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict

import networkx as nx

from utilitycrm.archive.enums import EdgeKind, NodeKind
from utilitycrm.archive.topology import Edge, network_graph

_VOLTAGE_PREFIX = re.compile(r"^\d+(\.\d+)?(kv|千伏)", re.IGNORECASE)
_NOISE = re.compile(r"[\s\-_·#()（）]+")


def normalise_line_name(name: str) -> str:
    """`10kV 城东一线`, `１０ＫＶ城东一线` and `城东一线` all become `城东一线`."""
    text = _NOISE.sub("", unicodedata.normalize("NFKC", name)).lower()
    return _VOLTAGE_PREFIX.sub("", text)


class Trace:
    def __init__(self, network) -> None:
        graph = network_graph(network.nodes, network.edges, closed_only=True)
        self._feeders: dict[int, tuple[int, ...]] = {}
        self.joined: list[tuple[tuple[int, ...], list[Edge]]] = []
        bays = {
            node.id: node.line_id
            for node in network.nodes.values()
            if node.kind == NodeKind.BUS_BAY.value and node.line_id in network.lines
        }
        closed_ties = defaultdict(list)
        for edge in network.edges:
            if edge.kind == EdgeKind.TIE_SWITCH.value and edge.is_closed:
                closed_ties[edge.from_id].append(edge)
        for component in nx.connected_components(graph):
            feeders = tuple(sorted({bays[n] for n in component if n in bays}))
            for node_id in component:
                self._feeders[node_id] = feeders
            if len(feeders) > 1:
                ties = [edge for n in component for edge in closed_ties.get(n, ())]
                self.joined.append((feeders, sorted(ties, key=lambda edge: edge.code)))
        self._by_name: dict[str, list[int]] = defaultdict(list)
        for line in network.lines.values():
            self._by_name[normalise_line_name(line.name)].append(line.id)

    def feeders(self, node_id: int | None) -> tuple[int, ...]:
        """The lines that energise a node; empty for none (or no node at all)."""
        return self._feeders.get(node_id, ()) if node_id is not None else ()

    def lines_named(self, name: str) -> list[int]:
        """The lines whose name is `name` up to formatting."""
        return self._by_name.get(normalise_line_name(name), [])
