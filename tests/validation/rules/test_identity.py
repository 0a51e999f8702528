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
