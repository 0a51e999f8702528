"""Sources, transformers, metering, meters, contacts, documents and network records."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.archive.form_data import as_post
from tests.archive.test_customers import text
from tests.factories import (
    create_customer,
    create_line,
    create_meter,
    create_metering_point,
    create_node,
    create_source,
    create_transformer,
)
from utilitycrm.archive.models import (
    ArchiveChange,
    Meter,
    MeteringPoint,
    NetworkEdge,
    PowerSource,
    Transformer,
)
from utilitycrm.auth.roles import Role
from utilitycrm.core.extensions import db


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def customer():
    return create_customer()


@pytest.fixture
def editor(login_as):
    return login_as(Role.MARKETING)


def url(customer, kind: str, suffix: str = "new") -> str:
    return f"/archive/customers/{customer.account_no}/{kind}/{suffix}"


def source_form(line, **overrides):
    data = {
        "kind": "main",
        "line_id": line.id,
        "substation_id": "",
        "pole_or_bay": "12号杆",
        "connection": "overhead",
        "property_boundary": "12号杆T接开关负荷侧",
    }
    data.update(overrides)
    return as_post(data)


def test_source_takes_the_line_name_and_substation(client, customer, editor):
    line = create_line()
    response = client.post(url(customer, "sources"), data=source_form(line))
    assert response.status_code == 302
    source = db.session.scalar(select(PowerSource))
    assert (source.line_name, source.substation_id) == (line.name, line.substation_id)
    assert source.code == f"{customer.account_no}-S1"  # numbered after the account


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"line_id": ""}, "请选择线路"),
        ({"line_id": "99999"}, "invalid-feedback"),
        ({"kind": "spare"}, "invalid-feedback"),
        ({"has_generator": True, "generator_kw": ""}, "请输入发电机容量"),
        ({"property_boundary": "界" * 301}, "300"),
    ],
)
def test_bad_source_input(client, customer, editor, overrides, message):
    response = client.post(url(customer, "sources"), data=source_form(create_line(), **overrides))
    assert response.status_code == 200
    assert message in text(response)
    assert count(PowerSource) == 0


def transformer_form(**overrides):
    data = {
        "code": "T-NEW-1",
        "name": "1号主变",
        "kind": "transformer",
        "model": "S13-M-630/10",
        "rated_kva": 630,
        "voltage_ratio": "10/0.4",
        "state": "running",
        "source_id": "",
        "node_code": "",
        "commissioned_on": "2024-05-01",
        "no_load_loss_kw": "0.57",
        "load_loss_kw": "6.2",
    }
    data.update(overrides)
    return as_post(data)


def test_transformer_hangs_on_a_node_by_its_code(client, customer, editor):
    node = create_node(create_line(), code="L9-P007")
    response = client.post(
        url(customer, "transformers"), data=transformer_form(node_code="l9-p007".upper())
    )
    assert response.status_code == 302
    transformer = db.session.scalar(select(Transformer))
    assert (transformer.node_id, transformer.customer_id, transformer.ownership) == (
        node.id,
        customer.id,
        "dedicated",
    )


def test_non_standard_rating_is_saved_with_a_warning(client, customer, editor):
    response = client.post(
        url(customer, "transformers"), data=transformer_form(rated_kva=700), follow_redirects=True
    )
    assert "700 kVA 不是标准容量" in text(response)
    assert db.session.scalar(select(Transformer.rated_kva)) == 700


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"rated_kva": "0"}, "invalid-feedback"),
        ({"rated_kva": "abc"}, "invalid-feedback"),
        ({"node_code": "NOWHERE"}, "不存在编号为 NOWHERE 的电网节点"),
        ({"commissioned_on": "2024-13-45"}, "invalid-feedback"),
        ({"no_load_loss_kw": "-1"}, "invalid-feedback"),
        ({"state": "broken"}, "invalid-feedback"),
        ({"source_id": "12345"}, "invalid-feedback"),
    ],
)
def test_bad_transformer_input(client, customer, editor, overrides, message):
    response = client.post(url(customer, "transformers"), data=transformer_form(**overrides))
    assert response.status_code == 200
    assert message in text(response)
    assert count(Transformer) == 0


def test_duplicate_transformer_code(client, customer, editor):
    create_transformer(customer, code="T-NEW-1")
    response = client.post(url(customer, "transformers"), data=transformer_form())
    assert "设备编号 T-NEW-1 已被其他变压器使用" in text(response)
    assert count(Transformer) == 1


def point_form(**overrides):
    data = {
        "code": "MP-1",
        "name": "总计量点",
        "method": "hv_hv",
        "wiring": "3p3w",
        "metering_class": "III",
        "ct_ratio": "40/5",
        "pt_ratio": "10000/100",
        "transformer_id": "",
    }
    data.update(overrides)
    return as_post(data)


def test_metering_point_ratios(client, customer, editor):
    response = client.post(url(customer, "metering-points"), data=point_form(ct_ratio=" 300 / 5 "))
    assert response.status_code == 302
    point = db.session.scalar(select(MeteringPoint))
    assert (point.ct_ratio, point.pt_ratio, point.expected_multiplier) == (
        "300/5",
        "10000/100",
        6000,
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"ct_ratio": "300:5"}, "变比请按"),
        ({"ct_ratio": "300/0"}, "变比请按"),
        ({"pt_ratio": ""}, "高供高计须填写电压互感器变比"),
        ({"method": "somewhere"}, "invalid-feedback"),
        ({"metering_class": "VI"}, "invalid-feedback"),
    ],
)
def test_bad_metering_point_input(client, customer, editor, overrides, message):
    response = client.post(url(customer, "metering-points"), data=point_form(**overrides))
    assert response.status_code == 200
    assert message in text(response)
    assert count(MeteringPoint) == 0


def test_metering_point_cannot_use_another_customers_transformer(client, customer, editor):
    foreign = create_transformer(create_customer())
    response = client.post(
        url(customer, "metering-points"),
        data=point_form(method="hv_lv", pt_ratio="", transformer_id=foreign.id),
    )
    assert response.status_code == 200
    assert count(MeteringPoint) == 0


def meter_form(point, **overrides):
    data = {
        "metering_point_id": point.id,
        "asset_no": "3310000000000000077",
        "model": "DTZ341",
        "accuracy": "0.5S",
        "multiplier": 800,
        "installed_on": "2024-01-02",
        "verified_on": "2024-01-02",
    }
    data.update(overrides)
    return as_post(data)


def test_meter_asset_number_on_another_customer_is_named(client, customer, editor):
    other = create_customer(name="别家公司")
    create_meter(create_metering_point(other), asset_no="3310000000000000077")
    point = create_metering_point(customer)
    response = client.post(url(customer, "meters"), data=meter_form(point))
    assert response.status_code == 200
    assert "已登记在" in text(response) and other.account_no in text(response)
    assert count(Meter) == 1


def test_a_legacy_duplicate_meter_can_be_edited_but_not_given_another_taken_number(
    client, customer, editor
):
    other = create_customer(name="别家公司")
    create_meter(create_metering_point(other), asset_no="3310000000000000077")
    create_meter(create_metering_point(other), asset_no="3310000000000000088")
    point = create_metering_point(customer)
    legacy = create_meter(point, asset_no="3310000000000000077")  # imported with its twin
    edit = url(customer, "meters", f"{legacy.id}/edit")
    saved = client.post(edit, data=meter_form(point, multiplier="1200", version=legacy.version))
    assert saved.status_code == 302
    db.session.expire_all()
    legacy = db.session.get(Meter, legacy.id)
    assert legacy.multiplier == 1200
    taken = meter_form(point, asset_no="3310000000000000088", version=legacy.version)
    refused = client.post(edit, data=taken)
    assert "已登记在" in text(refused) and other.account_no in text(refused)
    db.session.expire_all()
    assert db.session.get(Meter, legacy.id).asset_no == "3310000000000000077"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"multiplier": "0"}, "invalid-feedback"),
        ({"accuracy": "0.1"}, "invalid-feedback"),
        ({"asset_no": ""}, "invalid-feedback"),
        ({"verified_on": "yesterday"}, "invalid-feedback"),
    ],
)
def test_bad_meter_input(client, customer, editor, overrides, message):
    point = create_metering_point(customer)
    response = client.post(url(customer, "meters"), data=meter_form(point, **overrides))
    assert response.status_code == 200
    assert message in text(response)
    assert count(Meter) == 0


def test_meter_link_prefills_its_metering_point(client, customer, editor):
    point = create_metering_point(customer)
    page = text(client.get(url(customer, "meters") + f"?metering_point_id={point.id}"))
    assert f'<option selected value="{point.id}">' in page


def test_contact_and_document_validation(client, customer, editor):
    bad_phone = client.post(url(customer, "contacts"), data={"name": "张伟", "phone": "call me"})
    assert "请输入 11 位手机号码" in text(bad_phone)
    bad_dates = client.post(
        url(customer, "documents"),
        data={"kind": "business_licence", "issued_on": "2025-01-01", "expires_on": "2024-01-01"},
    )
    assert "有效期早于发证日期" in text(bad_dates)
    good = client.post(
        url(customer, "documents"),
        data={"kind": "business_licence", "issued_on": "2025-01-01", "expires_on": "2035-01-01"},
    )
    assert good.status_code == 302


def test_delete_checks_dependants_then_records_the_deletion(client, customer, editor):
    source = create_source(customer, create_line())
    transformer = create_transformer(customer, source_id=source.id)
    refused = client.post(
        url(customer, "sources", f"{source.id}/delete"),
        data={"version": source.version},
        follow_redirects=True,
    )
    assert "由该电源供电" in text(refused)
    assert count(PowerSource) == 1
    client.post(
        url(customer, "transformers", f"{transformer.id}/delete"),
        data={"version": transformer.version},
    )
    client.post(url(customer, "sources", f"{source.id}/delete"), data={"version": source.version})
    assert count(PowerSource) == 0
    deleted = db.session.scalars(
        select(ArchiveChange.object_type).where(ArchiveChange.action == "delete")
    )
    assert sorted(deleted) == ["power_source", "transformer"]


def test_records_of_a_closed_account_cannot_change(client, editor):
    closed = create_customer(status="closed")
    response = client.post(url(closed, "contacts"), data={"name": "张伟"})
    assert response.status_code == 403


def test_a_record_of_another_customer_is_not_found_under_this_one(client, customer, editor):
    other_source = create_source(create_customer(), create_line())
    assert client.get(url(customer, "sources", f"{other_source.id}/edit")).status_code == 404
    assert client.get(url(customer, "gadgets")).status_code == 404


def test_network_edge_by_node_codes(client, editor):
    line = create_line()
    a, b = create_node(line, code="A-1"), create_node(line, code="A-2")
    response = client.post(
        "/archive/network/edges/new",
        data={
            "code": "K-1",
            "kind": "switch",
            "line_id": line.id,
            "from_node_code": "A-1",
            "to_node_code": "A-2",
            "conductor": "",
        },
    )
    assert response.status_code == 302
    edge = db.session.scalar(select(NetworkEdge))
    assert (edge.from_node_id, edge.to_node_id, edge.is_closed) == (a.id, b.id, False)
    same = client.post(
        "/archive/network/edges/new",
        data={"code": "K-2", "kind": "section", "from_node_code": "A-1", "to_node_code": "A-1"},
    )
    assert "连接边的两端必须是不同的节点" in text(same)


def test_network_line_form_and_duplicate_names(client, editor):
    line = create_line(name="城东一线")
    response = client.post(
        "/archive/network/lines/new",
        data={
            "code": "L-NEW",
            "name": "城东一线",
            "substation_id": line.substation_id,
            "voltage_kv": "10",
            "rated_current_a": 400,
        },
    )
    assert "该变电站已有名为 城东一线 的线路" in text(response)
    bad = client.post(
        "/archive/network/lines/new",
        data={
            "code": "L-NEW",
            "name": "城东二线",
            "substation_id": line.substation_id,
            "voltage_kv": "10",
            "rated_current_a": 0,
        },
    )
    assert "invalid-feedback" in text(bad)


def test_network_back_link_stays_on_site(client, editor):
    response = client.post(
        "/archive/network/substations/new?back=https://evil.example/",
        data={"code": "BD9", "name": "新变", "voltage_kv": "110"},
    )
    assert response.headers["Location"] == "/archive/lines"


def test_stale_transformer_edit_is_refused(client, customer, editor):
    transformer = create_transformer(customer, code="T-OLD", rated_kva=630)
    form = transformer_form(code="T-OLD", rated_kva=800, version=transformer.version)
    edit = url(customer, "transformers", f"{transformer.id}/edit")
    assert client.post(edit, data={**form, "rated_kva": 1000}).status_code == 302
    response = client.post(edit, data=form)
    assert 'id="stale-changes"' in text(response)
    db.session.expire_all()
    assert db.session.get(Transformer, transformer.id).rated_kva == 1000


@pytest.mark.parametrize(
    ("kind", "data", "message"),
    [
        ("substations", {"code": "", "name": "新变", "voltage_kv": "110"}, "invalid-feedback"),
        ("substations", {"code": "BD1", "name": "新变", "voltage_kv": "66"}, "invalid-feedback"),
        ("nodes", {"code": "N1", "kind": "bus_bay", "line_id": ""}, "变电站间隔是线路的起点"),
        ("nodes", {"code": "N1", "kind": "tower", "line_id": ""}, "invalid-feedback"),
        (
            "edges",
            {"code": "E1", "kind": "section", "from_node_code": "X", "to_node_code": "Y"},
            "不存在编号为 X 的电网节点",
        ),
        (
            "public-transformers",
            {"code": "G1", "kind": "transformer", "rated_kva": "-1", "state": "running"},
            "invalid-feedback",
        ),
    ],
)
def test_bad_network_input(client, editor, kind, data, message):
    response = client.post(f"/archive/network/{kind}/new", data=data)
    assert response.status_code == 200
    assert message in text(response)
    assert db.session.scalar(select(func.count()).select_from(ArchiveChange)) == 0


def test_renaming_a_substation_to_another_ones_name_is_refused_and_changes_nothing(client, editor):
    """The uniqueness check runs before the change is written (no autoflush into the
    constraint, which was a server error on PostgreSQL)."""
    from tests.factories import create_substation

    create_substation(code="BD701", name="城东变")
    second = create_substation(code="BD702", name="城西变")
    response = client.post(
        f"/archive/network/substations/{second.id}/edit",
        data={"code": "BD702", "name": "城东变", "voltage_kv": "110", "version": second.version},
    )
    assert response.status_code in (200, 409) and "城东变" in text(response)
    assert "invalid-feedback" in text(response) or "alert-danger" in text(response)
    db.session.refresh(second)
    assert (second.name, second.version) == ("城西变", 1)
