"""The CIM export holds to its profile and reads back to the archive's counts: nodes,
edges (sections and switches, normally open ties as such), transformers, customers."""

from __future__ import annotations

import io

from lxml import etree
from sqlalchemy import func, select

from tests import factories
from tests.clock import TODAY
from tests.validation.dbarchive import line_nodes
from utilitycrm.archive.models import Customer, NetworkEdge, NetworkNode, Transformer
from utilitycrm.core.extensions import db
from utilitycrm.demo import seeding
from utilitycrm.network import cim


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_the_whole_demo_network_exports_to_the_profile_and_reads_back():
    seeding.seed(customers=600, seed=3, fault_rate=0.2, today=TODAY)
    db.session.commit()
    out = io.BytesIO()
    written = cim.export(out)
    counts, problems = cim.check(io.BytesIO(out.getvalue()))
    assert problems == [] and counts == written
    placed = count(Transformer, Transformer.node_id.is_not(None))
    assert counts["ConnectivityNode"] == count(NetworkNode) + placed  # and each LV side
    assert counts["ACLineSegment"] + counts["Switch"] == count(NetworkEdge)
    assert counts["PowerTransformer"] == placed and counts["PowerTransformerEnd"] == 2 * placed
    on_network = count(Customer, Customer.id.in_(
        select(Transformer.customer_id).where(Transformer.node_id.is_not(None)))) + count(
        Customer, Customer.supply_transformer_id.in_(
            select(Transformer.id).where(Transformer.node_id.is_not(None))))  # fmt: skip
    assert counts["UsagePoint"] == on_network
    tree = etree.fromstring(out.getvalue())
    ns = cim.NAMESPACES
    opened = tree.xpath("//cim:Switch[cim:Switch.normalOpen='true']", namespaces=ns)
    assert len(opened) == count(NetworkEdge, NetworkEdge.is_closed.is_(False))


def test_one_line_exports_self_contained_and_a_broken_document_is_caught(two_lines):
    pole = next(n for n in line_nodes(two_lines.east) if n.kind == "pole")
    west = next(n for n in line_nodes(two_lines.west) if n.kind == "pole")
    factories.create_edge(pole, west, kind="tie_switch", is_closed=False, line_id=two_lines.west.id)
    db.session.commit()
    out = io.BytesIO()
    cim.export(out, cim.Selection((two_lines.east.id,)))
    counts, problems = cim.check(io.BytesIO(out.getvalue()))
    assert problems == [] and counts["Feeder"] == 1 and counts["Switch"] == 1
    assert counts["UsagePoint"] == 1 + 3  # A, and the 台区's three customers
    text = out.getvalue().decode()
    assert "3100000123" in text and "3100000456" not in text  # B is on the west line
    broken = text.replace("cim:Feeder.NormalEnergizingSubstation", "cim:Feeder.Voltage")
    broken = broken.replace(
        'ConnectivityNode.ConnectivityNodeContainer rdf:resource="#_',
        'ConnectivityNode.ConnectivityNodeContainer rdf:resource="#_x',
        1,
    )
    _counts, found = cim.check(io.BytesIO(broken.encode()))
    assert any("has no property Feeder.Voltage" in p for p in found)
    assert any("which the document lacks" in p for p in found)
