from tests.validation.builder import hits, one_line_archive, refs


def test_same_name_address_and_category_is_a_duplicate():
    archive, _station, line, pole, customer, *_ = one_line_archive()
    twin, *_ = archive.hv_customer(line, pole, name=customer.name)
    found = {h.customer_id: h for h in hits(archive, "identity.duplicate_customer")}
    assert refs(found[customer.id]) == [("customer", customer.id), ("customer", twin.id)]
    assert found[twin.id].params["others"] == customer.account_no


def test_same_name_at_another_address_is_not_a_duplicate():
    archive, _station, line, pole, customer, *_ = one_line_archive()
    archive.hv_customer(line, pole, name=customer.name, address="城西路9号")
    assert hits(archive, "identity.duplicate_customer") == []


def test_one_asset_number_on_two_customers_is_reported_on_both():
    archive, _station, line, pole, customer, *_ = one_line_archive()
    other, _source, _transformer, other_point = archive.hv_customer(line, pole, name="另一家")
    (meter,) = archive.meters[archive.points[customer.id][0].id]
    twin = archive.meter(other_point, asset_no=meter.asset_no)
    found = {h.customer_id: h for h in hits(archive, "identity.duplicate_meter")}
    assert set(found) == {customer.id, other.id}
    assert refs(found[other.id])[0] == ("meter", twin.id)
    assert found[customer.id].params == {
        "asset_no": meter.asset_no,
        "others": f"{other.account_no} ({other_point.code})",
    }


def test_distinct_asset_numbers_are_no_duplicate():
    archive, _station, line, pole, *_ = one_line_archive()
    archive.hv_customer(line, pole, name="另一家")
    assert hits(archive, "identity.duplicate_meter") == []
