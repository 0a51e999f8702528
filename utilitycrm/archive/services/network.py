"""Substations, lines, nodes and edges: checks and reference resolution for their forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from utilitycrm.archive.models import (
    FeederLine,
    NetworkEdge,
    NetworkNode,
    Substation,
    Transformer,
)
from utilitycrm.archive.services.equipment import node_id_for
from utilitycrm.archive.services.records import ArchiveConflict, ensure_unique
from utilitycrm.core.extensions import db


def prepare_plain(_owner, data: dict[str, object]) -> dict[str, object]:
    return dict(data)


def check_substation(substation: Substation) -> None:
    ensure_unique(
        Substation,
        "code",
        substation.code,
        substation,
        _l("Substation number %(code)s exists already.", code=substation.code),
    )
    ensure_unique(
        Substation,
        "name",
        substation.name,
        substation,
        _l("A substation named %(name)s exists already.", name=substation.name),
    )


def check_line(line: FeederLine) -> None:
    ensure_unique(
        FeederLine,
        "code",
        line.code,
        line,
        _l("Line number %(code)s exists already.", code=line.code),
    )
    query = select(FeederLine.id).where(
        FeederLine.substation_id == line.substation_id, FeederLine.name == line.name
    )
    if line.id is not None:
        query = query.where(FeederLine.id != line.id)
    if db.session.scalar(query.limit(1)) is not None:
        raise ArchiveConflict(
            _l("The substation has a line named %(name)s already.", name=line.name)
        )


def check_node(node: NetworkNode) -> None:
    ensure_unique(
        NetworkNode,
        "code",
        node.code,
        node,
        _l("Node number %(code)s exists already.", code=node.code),
    )


def prepare_edge(_owner, data: dict[str, object]) -> dict[str, object]:
    prepared = {
        key: value for key, value in data.items() if key not in {"from_node_code", "to_node_code"}
    }
    prepared["from_node_id"] = node_id_for(data["from_node_code"])
    prepared["to_node_id"] = node_id_for(data["to_node_code"])
    return prepared


def check_edge(edge: NetworkEdge) -> None:
    ensure_unique(
        NetworkEdge,
        "code",
        edge.code,
        edge,
        _l("Edge number %(code)s exists already.", code=edge.code),
    )


def check_node_deletable(node: NetworkNode) -> None:
    edges = db.session.scalar(
        select(NetworkEdge.id)
        .where((NetworkEdge.from_node_id == node.id) | (NetworkEdge.to_node_id == node.id))
        .limit(1)
    )
    hanging = db.session.scalar(
        select(Transformer.id).where(Transformer.node_id == node.id).limit(1)
    )
    if edges is not None or hanging is not None:
        raise ArchiveConflict(
            _l(
                "Edges or transformers are attached to node %(code)s; remove them first.",
                code=node.code,
            )
        )
