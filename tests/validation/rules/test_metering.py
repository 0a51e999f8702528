from datetime import date

from tests.validation.builder import hits, one_line_archive, refs


def test_metering_method_follows_voltage_and_capacity():
    archive, *_, _customer, _s, _t, point = one_line_archive()
    assert hits(archive, "metering.method") == []
    archive.replace(point, method="lv_lv")
    (hit,) = hits(archive, "metering.method")
    assert refs(hit)[0] == ("metering_point", point.id)
    assert hit.params["expected_method"] == "hv_hv"


def test_hv_metering_without_pt():
    archive, *_, point = one_line_archive()
    assert hits(archive, "metering.hv_without_pt") == []
    archive.replace(point, pt_primary_v=None, pt_secondary_v=None)
    (hit,) = hits(archive, "metering.hv_without_pt")
    assert refs(hit)[0] == ("metering_point", point.id)


def test_ct_outside_the_band_suggests_the_right_ct():
    archive, *_, point = one_line_archive()
    assert hits(archive, "metering.ct_band") == []  # 630 kVA at 10 kV: 36.4 A on a 40 A CT
    archive.replace(point, ct_primary_a=200)
    (hit,) = hits(archive, "metering.ct_band")
    assert hit.params["percent"] == 18 and hit.params["suggested"] == 40


def test_multiplier_must_be_ct_times_pt():
    archive, *_, customer, _s, _t, point = one_line_archive()
    meter = archive.meters[point.id][0]
    assert meter.multiplier == 800  # 40/5 × 10000/100
    assert hits(archive, "metering.multiplier") == []
    archive.replace(meter, multiplier=80)
    (hit,) = hits(archive, "metering.multiplier")
    assert refs(hit) == [
        ("meter", meter.id),
        ("metering_point", point.id),
        ("customer", customer.id),
    ]
    assert hit.params["expected"] == 800


def test_meter_overdue_for_rotation():
    archive, *_, point = one_line_archive()
    meter = archive.meters[point.id][0]
    archive.replace(meter, verified_on=date(2020, 11, 21))  # 0.5S: due within 6 years
    assert hits(archive, "metering.rotation") == []
    archive.replace(archive.meters[point.id][0], verified_on=date(2020, 11, 19))
    (hit,) = hits(archive, "metering.rotation")
    assert hit.params["due"] == "2026-11-19"


def test_metering_class_for_the_capacity():
    archive, *_, point = one_line_archive()
    assert hits(archive, "metering.class") == []
    archive.replace(point, metering_class="IV")
    (hit,) = hits(archive, "metering.class")
    assert hit.params["expected_class"] == "III"
