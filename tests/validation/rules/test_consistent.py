"""Consistent archives, including the tricky ones, give no finding from any rule."""

from tests.validation.builder import Archive, all_hits, one_line_archive


def test_a_consistent_customer_breaks_no_rule():
    archive, *_ = one_line_archive()
    assert all_hits(archive) == {}


def test_a_paused_transformer_counts_in_contract_but_not_operating_capacity():
    archive = Archive()
    line, bay = archive.line(archive.substation("城东站"), "城东一线")
    pole = archive.node(line, after=bay)
    customer = archive.customer(contract_capacity_kva=1030, operating_capacity_kva=630)
    source = archive.source(customer, line)
    archive.transformer(customer, pole, 630, source=source)
    archive.transformer(customer, pole, 400, source=source, state="paused")
    archive.meter(archive.point(customer))
    assert all_hits(archive) == {}


def test_an_open_tie_switch_keeps_two_feeders_apart():
    archive, station, _line, pole, *_ = one_line_archive()
    other, bay2 = archive.line(station, "城东二线")
    far = archive.node(other, after=bay2)
    archive.edge(pole, far, kind="tie_switch", closed=False)
    archive.hv_customer(other, far, name="另一客户")
    assert all_hits(archive) == {}


def test_dual_sources_from_two_substations_satisfy_a_first_grade_customer():
    archive = Archive()
    east, west = archive.substation("城东站"), archive.substation("城西站")
    line1, bay1 = archive.line(east, "城东一线")
    line2, bay2 = archive.line(west, "城西一线")
    pole1, pole2 = archive.node(line1, after=bay1), archive.node(line2, after=bay2)
    customer = archive.customer(
        importance="first", contract_capacity_kva=1260, operating_capacity_kva=1260
    )
    main = archive.source(customer, line1)
    backup = archive.source(customer, line2, kind="backup")
    archive.transformer(customer, pole1, 630, source=main)
    archive.transformer(customer, pole2, 630, source=backup)
    archive.meter(archive.point(customer))
    assert all_hits(archive) == {}


def test_a_low_voltage_customer_on_a_public_transformer_is_consistent():
    archive, _station, line, pole, *_ = one_line_archive()
    public = archive.transformer(None, pole, 400)
    resident = archive.customer(
        name="王伟",
        category="residential",
        voltage_kv="0.4",
        contract_capacity_kva=8,
        operating_capacity_kva=8,
        tariff_code="JM-0.4",
        tariff_structure="single",
        basic_charge_basis=None,
        pf_standard="none",
        supply_transformer_id=public.id,
    )
    archive.source(resident, line, property_boundary="计量箱出线开关负荷侧")
    point = archive.point(
        resident, wiring="1p", metering_class="V", ct_primary_a=None, ct_secondary_a=None
    )
    archive.meter(point, accuracy="2")
    assert all_hits(archive) == {}
