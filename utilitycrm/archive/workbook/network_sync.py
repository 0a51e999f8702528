"""A network extract (the GIS's nodes and edges of some lines) replaces what the archive
has on those lines: the dry run plans the deletions and checks nothing still hangs on a
removed node."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from utilitycrm.archive.models import FeederLine, NetworkEdge, NetworkNode, Transformer
from utilitycrm.archive.workbook.layout import SHEETS_BY_KEY
from utilitycrm.archive.workbook.plans import ImportPlan, RowPlan
from utilitycrm.archive.workbook.reading import Problem
from utilitycrm.core.extensions import db


def replace_network_of_lines(plan: ImportPlan, file_keys: dict) -> None:
    """A network extract replaces the nodes and edges of the lines it contains: what the
    archive has on those lines and the extract lacks is deleted."""
    lines = {row.values.get("line_code") for key in ("nodes", "edges")
             for row in plan.rows.get(key, [])} - {None}  # fmt: skip
    if not lines:
        plan.problems.append(
            Problem(
                "",
                None,
                "",
                "",
                str(
                    _l("A network extract names the lines of its nodes and edges; none was found.")
                ),
            )
        )
        return
    line_ids = select(FeederLine.id).where(FeederLine.code.in_(lines))
    removed_nodes: dict[int, str] = {}
    for key, model in (("edges", NetworkEdge), ("nodes", NetworkNode)):
        in_file = {row.key[0] for row in plan.rows.get(key, [])}
        for id_, code in db.session.execute(
            select(model.id, model.code).where(model.line_id.in_(line_ids))
        ):
            if code not in in_file:
                plan.rows[key].append(RowPlan(key, 0, "delete", (code,), {}, id_))
                file_keys[key][(code,)] = "delete"
                if key == "nodes":
                    removed_nodes[id_] = code
    if removed_nodes:
        _check_removed_nodes(plan, removed_nodes)


def _check_removed_nodes(plan: ImportPlan, removed: dict[int, str]) -> None:
    """Nothing may still hang on a removed node: transformers the file does not move,
    or edges of other lines."""
    sheet = SHEETS_BY_KEY["transformers"]
    moved = {row.key[0] for row in plan.rows.get("transformers", [])
             if "node_code" in row.values}  # fmt: skip
    ids = list(removed)
    for code, node_id in db.session.execute(
        select(Transformer.code, Transformer.node_id).where(Transformer.node_id.in_(ids))
    ):
        if code not in moved:
            plan.refuse(
                sheet,
                None,
                "挂接节点 / Network node",
                removed[node_id],
                _l(
                    "The extract removes this node, but transformer %(code)s still hangs on it.",
                    code=code,
                ),
            )
    deleted_edges = {row.existing_id for row in plan.rows.get("edges", [])
                     if row.action == "delete"}  # fmt: skip
    edges = SHEETS_BY_KEY["edges"]
    for code, edge_id in db.session.execute(
        select(NetworkEdge.code, NetworkEdge.id).where(
            NetworkEdge.from_node_id.in_(ids) | NetworkEdge.to_node_id.in_(ids)
        )
    ):
        if edge_id not in deleted_edges:
            plan.refuse(
                edges,
                None,
                "编号 / Edge no.",
                code,
                _l("This edge of another line joins a node the extract removes."),
            )
