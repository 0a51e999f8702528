"""A GIS network extract replaces the lines it contains and reports what changed."""

from __future__ import annotations

from sqlalchemy import select

from tests.archive.test_workbook_import import messages, workbook
from tests.factories import (
    create_customer,
    create_edge,
    create_line,
    create_node,
    create_transformer,
)
from utilitycrm.archive.models import NetworkEdge, NetworkNode
from utilitycrm.archive.workbook.importing import import_workbook
from utilitycrm.core.extensions import db


def network():
    l1, l2 = create_line(code="L1"), create_line(code="L2")
    bay = create_node(l1, code="BAY1", kind="bus_bay")
    p1, p2, p3 = (create_node(l1, code=c) for c in ("P1", "P2", "P3"))
    bay2, q1 = create_node(l2, code="BAY2", kind="bus_bay"), create_node(l2, code="Q1")
    create_edge(bay, p1, code="S1")
    create_edge(p1, p2, code="S2")
    create_edge(p2, p3, code="K1", kind="switch")
    create_edge(bay2, q1, code="S9")
    create_transformer(create_customer(), code="T-ON-P3", node_id=p3.id)
    return l1, l2


def extract(**edges) -> bytes:
    nodes = [
        {"code": c, "kind": k, "line_code": "L1"}
        for c, k in (("BAY1", "bus_bay"), ("P1", "pole"), ("P2", "pole"), ("P3", "pole"))
    ]
    rows = [
        {
            "code": "S1",
            "kind": "section",
            "line_code": "L1",
            "from_node_code": "BAY1",
            "to_node_code": "P1",
            "is_closed": "是",
        },
        {
            "code": "K1",
            "kind": "switch",
            "line_code": "L1",
            "from_node_code": "P2",
            "to_node_code": "P3",
            "is_closed": "否",
        },
        {
            "code": "TIE",
            "kind": "tie_switch",
            "line_code": "L1",
            "from_node_code": "P3",
            "to_node_code": "Q1",
            "is_closed": "是",
        },
    ]
    return workbook({"nodes": edges.get("nodes", nodes), "edges": edges.get("edges", rows)})


def test_extract_replaces_the_line_and_reports_the_changes(app):
    network()
    preview = import_workbook(extract(), "gis.xlsx", actor=None, dry_run=True, network_sync=True)
    assert preview.plan.ok, messages(preview)
    report = preview.network
    assert report.sections_removed == ["S2"]
    assert report.switches_changed == [("K1", True, False)]
    assert report.transformers_moved == [("T-ON-P3", "L1", "L2")]
    db.session.expire_all()
    assert db.session.scalar(select(NetworkEdge).where(NetworkEdge.code == "S2")) is not None

    result = import_workbook(extract(), "gis.xlsx", actor=None, dry_run=False, network_sync=True)
    db.session.commit()
    assert result.committed and result.network.transformers_moved == [("T-ON-P3", "L1", "L2")]
    codes = set(db.session.scalars(select(NetworkEdge.code)))
    assert codes == {"S1", "K1", "TIE", "S9"}  # S2 gone, L2's own section untouched


def test_an_extract_cannot_remove_a_node_a_transformer_hangs_on(app):
    network()
    nodes = [{"code": c, "kind": "pole", "line_code": "L1"} for c in ("P1", "P2")]
    nodes.append({"code": "BAY1", "kind": "bus_bay", "line_code": "L1"})
    edges = [
        {
            "code": "S1",
            "kind": "section",
            "line_code": "L1",
            "from_node_code": "BAY1",
            "to_node_code": "P1",
            "is_closed": "是",
        }
    ]
    result = import_workbook(
        workbook({"nodes": nodes, "edges": edges}),
        "gis.xlsx",
        actor=None,
        dry_run=False,
        network_sync=True,
    )
    assert not result.committed
    assert any("T-ON-P3" in message for message in messages(result))
    assert db.session.scalar(select(NetworkNode).where(NetworkNode.code == "P3")) is not None


def test_cli_network_sync(runner, tmp_path, app):
    network()
    path = tmp_path / "gis.xlsx"
    path.write_bytes(extract())
    result = runner.invoke(args=["archive", "import", str(path), "--network-sync", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "sections removed: S2" in result.output
    assert "switch K1: closed -> open" in result.output
    assert "transformer T-ON-P3: L1 -> L2" in result.output
