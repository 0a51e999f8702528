"""A network extract (the GIS's nodes and edges of some lines) replaces what the archive
has on those lines: what the archive has there and the extract lacks is deleted, nothing
may still hang on a removed node, and the import reports what the network now is."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from utilitycrm.archive.enums import EdgeKind
from utilitycrm.archive.models import FeederLine, NetworkEdge, NetworkNode, Transformer
from utilitycrm.archive.workbook.layout import SHEETS_BY_KEY
from utilitycrm.archive.workbook.plans import CHUNK, ImportPlan, RowPlan
from utilitycrm.archive.workbook.reading import Problem
from utilitycrm.core.extensions import db

SECTION = EdgeKind.SECTION.value


@dataclass
class NetworkReport:
    """What a network extract changed: sections, switch states, and the transformers the
    network now traces to another line than before."""

    sections_added: list[str] = field(default_factory=list)
    sections_removed: list[str] = field(default_factory=list)
    switches_changed: list[tuple[str, bool, bool]] = field(default_factory=list)
    transformers_moved: list[tuple[str, str | None, str | None]] = field(default_factory=list)


class NetworkSync:
    """What an extract's rows tell, gathered as the import reads them."""

    def __init__(self, plan: ImportPlan) -> None:
        self.plan = plan
        self.report = NetworkReport()
        self.lines: set[str] = set()
        self.edges_deleted: list[int] = []  # by rows of the file
        self.moved: set[str] = set()  # transformers the file hangs on a node
        self.removed_nodes: dict[int, str] = {}

    def saw(self, sheet: str, rows: list[RowPlan]) -> None:
        if sheet in ("nodes", "edges"):
            self.lines.update(row.values["line_code"] for row in rows
                              if row.values.get("line_code"))  # fmt: skip
        if sheet == "transformers":
            self.moved.update(row.key[0] for row in rows if "node_code" in row.values)
        if sheet != "edges":
            return
        for row in rows:
            if row.action == "insert" and row.values.get("kind") == SECTION:
                self.report.sections_added.append(row.key[0])
            elif row.action == "update" and "is_closed" in row.changed:
                closed = row.values["is_closed"]
                self.report.switches_changed.append((row.key[0], not closed, closed))
            elif row.action == "delete":
                self.edges_deleted.append(row.existing_id)

    def removed(self, kept: dict[str, dict], deleted: dict[str, dict]) -> dict[str, dict]:
        """{sheet: {code: id}} of the archive's nodes and edges on the extract's lines that
        the extract lacks: to be deleted."""
        if not self.lines:
            message = _l(
                "A network extract names the lines of its nodes and edges; none was found."
            )
            self.plan.problems.append(Problem("", None, "", "", str(message)))
            return {}
        for start in range(0, len(self.edges_deleted), CHUNK):
            self.report.sections_removed.extend(db.session.scalars(
                select(NetworkEdge.code).where(
                    NetworkEdge.id.in_(self.edges_deleted[start : start + CHUNK]),
                    NetworkEdge.kind == SECTION,
                )
            ))  # fmt: skip
        line_ids = select(FeederLine.id).where(FeederLine.code.in_(self.lines))
        removed: dict[str, dict] = {"edges": {}, "nodes": {}}
        for code, id_, kind in db.session.execute(
            select(NetworkEdge.code, NetworkEdge.id, NetworkEdge.kind)
            .where(NetworkEdge.line_id.in_(line_ids))
        ):  # fmt: skip
            if code not in kept["edges"] and code not in deleted["edges"]:
                removed["edges"][code] = id_
                if kind == SECTION:
                    self.report.sections_removed.append(code)
        for code, id_ in db.session.execute(
            select(NetworkNode.code, NetworkNode.id).where(NetworkNode.line_id.in_(line_ids))
        ):
            if code not in kept["nodes"] and code not in deleted["nodes"]:
                removed["nodes"][code] = id_
                self.removed_nodes[id_] = code
        return removed

    def check_removed_nodes(self, deleted: dict[str, dict]) -> list[Problem]:
        """Nothing may still hang on a removed node: transformers the file does not move,
        or edges of other lines."""
        if not self.removed_nodes:
            return []
        problems = []
        sheet, edges = SHEETS_BY_KEY["transformers"], SHEETS_BY_KEY["edges"]
        ids = list(self.removed_nodes)
        for code, node_id in db.session.execute(
            select(Transformer.code, Transformer.node_id).where(Transformer.node_id.in_(ids))
        ):
            if code not in self.moved:
                message = _l(
                    "The extract removes this node, but transformer %(code)s still hangs on it.",
                    code=code,
                )
                problems.append(Problem(sheet.title, None, "挂接节点 / Network node",
                                        self.removed_nodes[node_id], str(message)))  # fmt: skip
        doomed = set(deleted["edges"].values())
        for code, edge_id in db.session.execute(
            select(NetworkEdge.code, NetworkEdge.id).where(
                NetworkEdge.from_node_id.in_(ids) | NetworkEdge.to_node_id.in_(ids)
            )
        ):
            if edge_id not in doomed:
                message = _l("This edge of another line joins a node the extract removes.")
                problems.append(Problem(edges.title, None, "编号 / Edge no.", code, str(message)))
        return problems

    def moves(self, lines_before: dict, lines_after: dict) -> NetworkReport:
        """The report, with the transformers the network now traces to another line."""
        self.report.transformers_moved = sorted(
            (code, lines_before.get(code), line)
            for code, line in lines_after.items()
            if lines_before.get(code) != line
        )
        return self.report
