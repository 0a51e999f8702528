"""Open capacity of radial and tied lines, with and without head readings; the supply
plan proposing and recording a line; the refusal at connection and a chief's override."""

from __future__ import annotations

import pytest

from tests import factories
from tests.clock import TODAY, month_start
from tests.network.conftest import MONTH
from tests.projects.conftest import (  # noqa: F401 - profiles: the seeded time limits
    MONDAY,
    accept,
    advance,
    new_connection,
    profiles,
    record_hv_metering,
)
from tests.validation.dbarchive import change, line_nodes
from utilitycrm.auth.roles import Role
from utilitycrm.core.errors import UtilityCRMError
from utilitycrm.core.extensions import db
from utilitycrm.network import capacity, planning
from utilitycrm.network.models import LineReading
from utilitycrm.projects import supply_plan


def open_of(line):
    return capacity.capacities([line], TODAY)[line.id]


def test_a_radial_line_without_readings_is_estimated_from_its_running_kva(two_lines):
    east = open_of(two_lines.east)
    assert (east.share, east.share_source, east.tied_with) == (1.0, "radial", ())
    assert east.running_kva == 630 + 400  # A's transformer and the 台区's
    assert (east.peak_kva, east.peak_source) == (618, "estimate")  # × 0.6
    assert east.allowable_kva == two_lines.east.rating_kva
    assert east.open_kva == two_lines.east.rating_kva - 618


def test_head_readings_give_the_peak_and_a_tie_halves_the_allowable(two_lines):
    db.session.get(LineReading, (two_lines.east.id, MONTH)).peak_kw = 1800
    db.session.add(LineReading(line_id=two_lines.east.id, month=month_start(2),
                               supplied_kwh=1, peak_kw=2700))  # fmt: skip
    db.session.add(
        LineReading(line_id=two_lines.east.id, month=month_start(14), supplied_kwh=1, peak_kw=9000)
    )  # older than a year: not counted
    east_pole = next(n for n in line_nodes(two_lines.east) if n.kind == "pole")
    west_pole = next(n for n in line_nodes(two_lines.west) if n.kind == "pole")
    factories.create_edge(east_pole, west_pole, kind="tie_switch", is_closed=False)
    db.session.commit()
    east, west = open_of(two_lines.east), open_of(two_lines.west)
    assert (east.peak_kva, east.peak_source) == (3000, "readings")  # 2,700 kW at 0.9
    assert (east.share_source, east.tied_with) == ("tied", (two_lines.west.id,))
    assert east.allowable_kva == round(two_lines.east.rating_kva * 0.5)
    assert west.share_source == "tied" and west.peak_source == "estimate"
    change(two_lines.west, allowed_load_pct=80)
    west = open_of(two_lines.west)
    assert (west.share, west.share_source) == (0.8, "line")
    [station] = capacity.by_substation(TODAY)
    assert station.lines == 2 and station.open_kva == east.open_kva + west.open_kva


def test_the_plan_proposes_lines_records_one_and_connection_checks_it(
    two_lines, users, client, login_as, monkeypatch
):
    monkeypatch.setattr(factories, "create_tariff", lambda **_: None)  # the lines' has it
    staff, chief = users[Role.MARKETING], users[Role.CHIEF]
    small = factories.create_line(two_lines.east.substation, name="城东三线", rated_current_a=30)
    project = accept(new_connection(two_lines.east, staff, kva=(1250,)), staff)
    record_hv_metering(project, ct_primary_a=100, meter_asset_no="3310009999999")
    advance(project, staff, until=lambda p: p.current_stage.code == "plan", day=MONDAY)
    assert supply_plan.is_planning(project)
    proposed = planning.candidates(project, TODAY)
    load = planning.new_load_kva(project, TODAY)
    assert load == 750
    afters = [c.open_after for c in proposed]
    assert afters == sorted(afters, reverse=True) and len(proposed) == 3  # the substation's
    assert proposed[-1].line.id == small.id and not proposed[-1].fits  # 520 kVA, empty
    assert proposed[-1].open_after == proposed[-1].capacity.allowable_kva - 750
    assert [c.chosen for c in proposed].count(True) == 1  # the line applied for

    login_as(Role.MARKETING)
    page = client.get(f"/projects/{project.number}").get_data(as_text=True)
    assert 'id="candidate-lines"' in page and "城东三线" in page
    response = client.post(f"/network/projects/{project.number}/line/{small.id}")
    assert response.status_code == 302
    db.session.refresh(project)
    [main] = project.sources
    assert (main.line_id, main.substation_id) == (small.id, small.substation_id)

    # The plan is not approved on the overloaded line (its figures said), until a chief
    # overrides; the connection makes the same check on its day.
    with pytest.raises(UtilityCRMError, match="城东三线"):
        advance(project, staff, until=lambda p: p.current_stage.code != "plan", day=TODAY)
    assert not project.plan.is_approved  # refused whole: the draft stays a draft
    assert "城东三线" in str(planning.capacity_refusal(project, TODAY))
    with pytest.raises(UtilityCRMError):
        planning.record_override(project, reason="临时方案", actor=staff)
    planning.record_override(project, reason="新建线路下月投运，过渡期转供", actor=chief)
    db.session.commit()
    assert planning.capacity_refusal(project) is None
    advance(project, staff, until=lambda p: p.status != "active", day=TODAY)
    assert project.status == "completed"
    assert [s.line_id for s in project.customer.sources] == [small.id]
