from tests.validation.builder import hits, one_line_archive, refs


def test_tariff_code_against_category_voltage_and_structure():
    archive, *_, customer, _s, _t, _p = one_line_archive()
    assert hits(archive, "tariff.code_mismatch") == []
    archive.replace(customer, tariff_code="JM-0.4")
    found = {h.key: h for h in hits(archive, "tariff.code_mismatch")}
    assert set(found) == {"category", "voltage", "structure"}
    assert refs(found["category"]) == [("customer", customer.id)]
    assert found["voltage"].params == {"tariff": "JM-0.4", "tariff_voltage": "0.4", "voltage": "10"}


def test_merged_industrial_and_commercial_tariffs_fit_both_older_categories():
    archive, *_, customer, _s, _t, _p = one_line_archive()
    archive.tariffs["GSY-10-2"] = archive.tariffs["DGY-10"].__class__(
        "GSY-10-2", "industrial_commercial", "10", "two_part"
    )
    archive.replace(customer, tariff_code="GSY-10-2")
    assert hits(archive, "tariff.code_mismatch") == []


def test_two_part_threshold():
    archive, *_, customer, _s, _t, _p = one_line_archive()
    assert hits(archive, "tariff.two_part") == []
    archive.replace(customer, tariff_structure="single", basic_charge_basis=None)
    (hit,) = hits(archive, "tariff.two_part")
    assert hit.key == "required" and hit.params == {"kva": 630, "threshold": 315}


def test_two_part_below_the_single_part_limit_and_missing_demand():
    archive, *_, customer, _s, _t, _p = one_line_archive()
    archive.replace(customer, contract_capacity_kva=80, basic_charge_basis="demand")
    keys = sorted(h.key for h in hits(archive, "tariff.two_part"))
    assert keys == ["demand", "forbidden"]


def test_power_factor_standard():
    archive, *_, customer, _s, _t, _p = one_line_archive()
    assert hits(archive, "tariff.power_factor") == []
    archive.replace(customer, pf_standard="0.85")
    (hit,) = hits(archive, "tariff.power_factor")
    assert hit.params["expected_pf"] == "0.90" and hit.params["pf"] == "0.85"


def test_hv_lv_metering_must_add_the_transformer_loss():
    archive, *_, customer, _s, transformer, point = one_line_archive()
    archive.replace(
        point, method="hv_lv", transformer_id=transformer.id, adds_transformer_loss=True
    )
    assert hits(archive, "tariff.transformer_loss") == []
    archive.replace(archive.points[customer.id][0], adds_transformer_loss=False)
    (hit,) = hits(archive, "tariff.transformer_loss")
    assert refs(hit)[0] == ("metering_point", point.id)
