"""`flask demo seed`: a deterministic demo utility, consistent unless faults are asked for."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date

import pytest
from sqlalchemy import func, select

from utilitycrm.archive import standards
from utilitycrm.archive.enums import CustomerStatus
from utilitycrm.archive.models import (
    Customer,
    FeederLine,
    Meter,
    MeteringPoint,
    NetworkEdge,
    NetworkNode,
    PowerSource,
    Transformer,
)
from utilitycrm.archive.topology import Edge, network_graph, traced_nodes
from utilitycrm.core.extensions import db
from utilitycrm.demo import generator
from utilitycrm.demo.models import DemoFault
from utilitycrm.demo.network import Ids, build_network
from utilitycrm.demo.seeding import DEMO_PASSWORD, DEMO_USERS
from utilitycrm.projects.models import Project


def seed(runner, *args: str):
    result = runner.invoke(args=["demo", "seed", *args])
    assert result.exit_code == 0, result.output
    return result


def test_seed_creates_the_demo_users_who_can_sign_in(runner, app):
    result = seed(runner, "--customers", "40")
    assert DEMO_PASSWORD in result.output
    for username, _name, _role in DEMO_USERS:
        client = app.test_client()
        response = client.post("/login", data={"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, username


def test_seed_signs_a_few_contracts_one_due_for_renewal_and_registers_paper_ones(runner, app):
    from utilitycrm.contracts import services
    from utilitycrm.contracts.models import Contract
    from utilitycrm.core.dates import local_today
    from utilitycrm.deadlines.alerts import open_alerts

    assert "supply contracts" in seed(runner, "--customers", "200").output
    contracts = db.session.query(Contract).order_by(Contract.id).all()
    paper, made_here = contracts[:3], contracts[3:]
    assert [c.status for c in made_here] == ["signed"] * 5 + ["draft"]
    assert all(c.is_paper and c.is_signed and c.paper_kva for c in paper)
    # With faults, the last paper contract states another capacity and line than the archive.
    stale = services.stale_changes(contracts)
    assert {contract_id for contract_id, changes in stale.items() if changes} == {paper[-1].id}
    assert {change.key for change in stale[paper[-1].id]} >= {"capacity"}
    with app.test_request_context():  # alerts link to the contract's page
        due = open_alerts(local_today(), kinds=[services.KIND])
    assert [a.deadline.subject_id for a in due] == [made_here[0].id]


def test_seed_gives_projects_plans_units_defects_grid_works_documents_and_a_visit(runner):
    from utilitycrm.projects import models as m

    seed(runner, "--customers", "200")
    plans = db.session.scalars(select(m.SupplyPlan)).all()
    assert {p.status for p in plans} == {"draft", "approved"}
    assert all(p.pdf for p in plans if p.status == "approved")
    roles = {u.role for u in db.session.scalars(select(m.CustomerUnit))}
    assert roles == {"designer", "builder"}
    [open_list] = {d.project_id for d in db.session.scalars(select(m.InspectionDefect))}
    paused = db.session.get(Project, open_list)
    assert paused.current_stage.code == "mid_inspection"
    [bay] = db.session.scalars(select(m.GridWork)).all()
    assert bay.done_on is None and bay.kind == "bay"
    kinds = {a.kind for a in db.session.scalars(select(m.ProjectAttachment))}
    assert {"id_document", "property", "load_list", "drawings"} <= kinds
    [visit] = db.session.scalars(select(m.ReturnVisit)).all()
    assert visit.satisfaction == "4" and visit.project.status == "completed"


def test_seed_refuses_a_database_with_data(runner, users):
    result = runner.invoke(args=["demo", "seed"])
    assert result.exit_code == 1
    assert "has data already" in result.output


def test_seed_if_empty_skips_quietly(runner, users):
    result = runner.invoke(args=["demo", "seed", "--if-empty"])
    assert result.exit_code == 0
    assert "skipped" in result.output


def generated(seed_value: int) -> list[tuple]:
    ids, rng = Ids(), random.Random(seed_value)
    network = build_network(300, rng, ids)
    ctx = generator.Context(network, rng, ids, [1], date(2026, 11, 22))
    return [
        (row["account_no"], row["name"], row["contract_capacity_kva"])
        for _plan, batch in generator.customers_by_line(ctx)
        for row in batch.tables["customer"]
    ]


def test_the_same_seed_gives_the_same_utility():
    assert generated(7) == generated(7)
    assert generated(7) != generated(8)


def by_customer(model) -> dict[int, list]:
    rows = defaultdict(list)
    for row in db.session.scalars(select(model)):
        rows[row.customer_id].append(row)
    return rows


def test_a_seed_without_faults_keeps_every_invariant(runner):
    seed(runner, "--customers", "400", "--faults", "0")
    transformers, points = by_customer(Transformer), by_customer(MeteringPoint)
    sources = by_customer(PowerSource)
    meters = {m.metering_point_id: m for m in db.session.scalars(select(Meter))}
    # The demo's projects add applicants (no supply yet) and change a few accounts (a change
    # of category leaves the tariff to marketing, as on site): those are the projects' own.
    in_projects = select(Project.customer_id)
    customers = list(db.session.scalars(select(Customer).where(Customer.id.not_in(in_projects))))
    applicants = db.session.scalar(
        select(func.count()).where(Customer.status == CustomerStatus.APPLYING)
    )
    assert applicants and db.session.scalar(select(func.count(Customer.id))) == 400 + applicants
    assert all(c.status != CustomerStatus.APPLYING for c in customers)
    for customer in customers:
        own = transformers[customer.id]
        kva = customer.contract_capacity_kva
        assert sources[customer.id] and all(s.property_boundary for s in sources[customer.id])
        if own:
            assert kva == standards.contract_capacity(own)
            assert customer.operating_capacity_kva == standards.operating_capacity(own)
        assert (
            customer.pf_standard
            == standards.expected_pf_standard(customer.category, customer.voltage_kv, kva).value
        )
        rule = standards.two_part_rule(kva)
        if rule is not None:
            assert (customer.tariff_structure == "two_part") == rule, customer.account_no
        (point,) = points[customer.id]
        assert point.method == standards.expected_metering_method(customer.voltage_kv, kva).value
        meter = meters[point.id]
        assert meter.multiplier == point.expected_multiplier
        if point.ct_primary_a:
            voltage = 10.0 if point.method == "hv_hv" else 0.4
            low, high = standards.DEFAULT.ct_band_min, standards.DEFAULT.ct_band_max
            assert low <= standards.ct_loading(kva, voltage, point.ct_primary_a) <= high
        age = (date.today() - meter.verified_on).days / 365
        assert age < standards.rotation_years(meter.accuracy)
    assert db.session.scalar(select(DemoFault.id)) is None


def test_a_seed_without_faults_has_a_radial_network_that_traces_every_transformer(runner):
    seed(runner, "--customers", "400", "--faults", "0")
    nodes = list(db.session.scalars(select(NetworkNode)))
    edges = [
        Edge(e.id, e.code, e.kind, e.from_node_id, e.to_node_id, e.is_closed)
        for e in db.session.scalars(select(NetworkEdge))
    ]
    assert all(not e.is_closed for e in edges if e.kind == "tie_switch")
    graph = network_graph([n.id for n in nodes], edges, closed_only=True)
    traced = {}
    for bay in (n for n in nodes if n.kind == "bus_bay"):
        for node_id in traced_nodes(graph, bay.id):
            assert node_id not in traced, "a node fed from two feeders"
            traced[node_id] = bay.line_id
    source_line = {s.id: s.line_id for s in db.session.scalars(select(PowerSource))}
    load = defaultdict(int)
    for transformer in db.session.scalars(select(Transformer)):
        assert transformer.node_id in traced, transformer.code
        if transformer.source_id:
            assert traced[transformer.node_id] == source_line[transformer.source_id]
        if transformer.state == "running":
            load[traced[transformer.node_id]] += transformer.rated_kva
    for line in db.session.scalars(select(FeederLine)):
        assert load[line.id] <= line.rating_kva


@pytest.mark.parametrize("rate", ["0.5"])
def test_faults_are_injected_in_every_rule_family_and_recorded(runner, rate):
    result = seed(runner, "--customers", "4000", "--faults", rate, "--seed", "3")
    faults = list(db.session.scalars(select(DemoFault)))
    assert f"{len(faults):>9,}" in result.output
    assert {f.family for f in faults} >= {
        "completeness",
        "identity",
        "topology",
        "capacity",
        "tariff",
        "metering",
    }
    kinds = {f.kind for f in faults}
    assert {
        "wrong_line",
        "line_name_format",
        "closed_tie",
        "line_overload",
        "orphan_transformer",
        "multiplier_mismatch",
        "meter_overdue",
        "duplicate_meter",
    } <= kinds
    wrong = next(f for f in faults if f.kind == "line_name_format")
    source = db.session.get(PowerSource, wrong.object_id)
    assert source.line_id is None and source.line_name.startswith("10kV")
