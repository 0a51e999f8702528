"""The line page: tracing from the substation bay, the diagram, connected kVA."""

from __future__ import annotations

from tests.archive.test_customers import text
from tests.factories import (
    create_customer,
    create_edge,
    create_line,
    create_node,
    create_transformer,
)
from utilitycrm.archive.topology import line_diagram
from utilitycrm.auth.roles import Role


def small_line():
    """bay ─ P1 ─(switch open)─ P2, and P1 ─(open tie)─ a pole of another line."""
    line = create_line(rated_current_a=100)  # √3·10·100 ≈ 1732 kVA
    other = create_line()
    bay = create_node(line, kind="bus_bay", code="BAY")
    p1, p2 = create_node(line, code="P1"), create_node(line, code="P2")
    foreign = create_node(other, code="X1")
    create_edge(bay, p1)
    create_edge(p1, p2, kind="switch", is_closed=False)
    create_edge(p1, foreign, kind="tie_switch", is_closed=False, code="TIE")
    customer = create_customer(name="示范印染有限公司")
    fed = create_transformer(customer, node_id=p1.id, rated_kva=1250)
    dead = create_transformer(customer, node_id=p2.id, rated_kva=630)
    paused = create_transformer(customer, node_id=p1.id, rated_kva=800, state="paused")
    return line, fed, dead, paused, (bay, p1, p2, foreign)


def test_tracing_stops_at_open_switches():
    line, _fed, dead, _paused, (bay, p1, _p2, foreign) = small_line()
    diagram = line_diagram(line)
    energised = {node_id for node_id, node in diagram.nodes.items() if node.is_energised}
    assert energised == {bay.id, p1.id}
    assert diagram.nodes[foreign.id].is_foreign
    assert [t.code for t in diagram.unconnected] == [dead.code]
    assert diagram.running_kva == 1250  # the paused one and the dead one do not count
    assert diagram.installed_kva == 1250 + 630 + 800
    assert round(diagram.loading, 2) == round(1250 / line.rating_kva, 2)


def test_line_page_draws_the_topology(client, login_as):
    line, fed, _dead, _paused, _nodes = small_line()
    login_as(Role.INSPECTOR)
    page = text(client.get(f"/archive/lines/{line.id}"))
    assert "<svg" in page and 'data-edge="TIE"' in page
    assert page.count('class="switch-open"') == 2
    assert fed.code in page and "示范印染有限公司" in page
    assert 'id="loading-ratio"' in page and "72%" in page


def test_line_without_a_bay_says_so(client, login_as):
    line = create_line()
    create_node(line)
    login_as(Role.INSPECTOR)
    assert "没有变电站间隔" in text(client.get(f"/archive/lines/{line.id}"))
