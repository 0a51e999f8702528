from tests.validation.builder import hits, one_line_archive, refs


def test_missing_address_phone_and_capacity():
    archive, *_, customer, _source, _transformer, _point = one_line_archive()
    archive.replace(customer, address=" ", phone=None)
    assert refs(hits(archive, "completeness.missing_address")[0]) == [("customer", customer.id)]
    assert [h.customer_id for h in hits(archive, "completeness.missing_phone")] == [customer.id]
    assert hits(archive, "completeness.missing_capacity") == []
    archive.replace(archive.customers[0], contract_capacity_kva=0)
    assert [h.customer_id for h in hits(archive, "completeness.missing_capacity")] == [customer.id]


def test_hv_customer_without_source_transformer_or_point():
    archive, *_, customer, _source, transformer, _point = one_line_archive()
    assert hits(archive, "completeness.hv_equipment") == []
    archive.sources.pop(customer.id)
    archive.replace(transformer, state="removed")
    archive.points.pop(customer.id)
    found = hits(archive, "completeness.hv_equipment")
    assert sorted(h.key for h in found) == ["point", "source", "transformer"]
    assert {refs(h)[0] for h in found} == {("customer", customer.id)}


def test_source_without_property_boundary():
    archive, *_, customer, source, _transformer, _point = one_line_archive()
    assert hits(archive, "completeness.property_boundary") == []
    archive.replace(source, property_boundary=None)
    (hit,) = hits(archive, "completeness.property_boundary")
    assert refs(hit) == [("power_source", source.id), ("customer", customer.id)]


def test_metering_point_without_meter():
    archive, *_, point = one_line_archive()
    assert hits(archive, "completeness.point_without_meter") == []
    archive.meters.pop(point.id)
    (hit,) = hits(archive, "completeness.point_without_meter")
    assert refs(hit)[0] == ("metering_point", point.id)
