"""The JSON API: reading and writing the archive with tokens, errors in one shape."""

from __future__ import annotations

from sqlalchemy import select

from tests.archive.test_workbook_import import customer_row, run, workbook
from tests.clock import TODAY
from tests.factories import (
    create_customer,
    create_edge,
    create_line,
    create_node,
    create_transformer,
)
from utilitycrm.archive.models import Customer
from utilitycrm.auth.models import ApiToken
from utilitycrm.auth.roles import Role
from utilitycrm.core.extensions import db
from utilitycrm.validation.models import Finding
from utilitycrm.validation.services import begin_run, execute_run
from utilitycrm.validation.snapshot import Scope

NEW = {
    "account_no": "3100002001",
    "name": "示范新材料有限公司",
    "category": "large_industry",
    "voltage_kv": "10",
    "contract_capacity_kva": 630,
    "tariff_structure": "two_part",
    "basic_charge_basis": "capacity",
    "pf_standard": "0.90",
}


def test_no_token_no_api(client):
    response = client.get("/api/v1/customers")
    assert response.status_code == 401
    assert response.json["error"]["status"] == 401


def test_a_session_cookie_does_not_open_the_api(client, login_as):
    login_as(Role.ADMIN)
    assert client.get("/api/v1/customers").status_code == 401


def test_revoked_token_is_refused(api, users, tokens):
    assert api(Role.INSPECTOR).get("/api/v1/customers").status_code == 200
    for token in db.session.scalars(select(ApiToken)):
        token.revoked_at = token.created_at
    db.session.commit()
    assert api(Role.INSPECTOR).get("/api/v1/customers").status_code == 401


def test_list_with_filters_and_links(api):
    for number in range(3):
        create_customer(account_no=f"310000300{number}", category="large_industry")
    create_customer(account_no="3100003009", category="residential", voltage_kv="0.4")
    response = api(Role.INSPECTOR).get("/api/v1/customers?category=large_industry&per_page=2")
    body = response.json
    assert [c["account_no"] for c in body["items"]] == ["3100003000", "3100003001"]
    assert body["total"] == 3 and body["links"]["prev"] is None
    assert "page=2" in body["links"]["next"] and "category=large_industry" in body["links"]["next"]
    second = api(Role.INSPECTOR).get(body["links"]["next"]).json
    assert [c["account_no"] for c in second["items"]] == ["3100003002"]


def test_bad_query_parameters_get_field_messages(api):
    response = api(Role.INSPECTOR).get("/api/v1/customers?page=abc&category=nonsense")
    assert response.status_code == 422
    fields = response.json["error"]["fields"]["query"]
    assert set(fields) == {"page", "category"}


def test_create_and_read_a_customer(api):
    created = api(Role.MARKETING).post("/api/v1/customers", json=NEW)
    assert created.status_code == 201, created.json
    assert created.json["version"] == 1 and created.json["sources"] == []
    fetched = api(Role.INSPECTOR).get("/api/v1/customers/3100002001").json
    assert fetched["name"] == "示范新材料有限公司"


def test_create_refusals(api):
    assert api(Role.INSPECTOR).post("/api/v1/customers", json=NEW).status_code == 403
    bad = api(Role.MARKETING).post(
        "/api/v1/customers", json={**NEW, "voltage_kv": "66", "name": ""}
    )
    assert bad.status_code == 422
    assert set(bad.json["error"]["fields"]["json"]) == {"voltage_kv", "name"}
    create_customer(account_no="3100002001")
    taken = api(Role.MARKETING).post("/api/v1/customers", json=NEW)
    assert taken.status_code == 409 and "3100002001" in taken.json["error"]["message"]
    assert api(Role.MARKETING).post(
        "/api/v1/customers", data="{not json", content_type="application/json"
    ).status_code in {400, 422}


def test_update_with_version_and_stale_refusal(api):
    customer = create_customer(account_no="3100002002", phone="13800138000")
    ok = api(Role.MARKETING).patch(
        "/api/v1/customers/3100002002", json={"phone": "13900139000", "version": customer.version}
    )
    assert ok.status_code == 200 and ok.json["phone"] == "13900139000"
    stale = api(Role.MARKETING).patch(
        "/api/v1/customers/3100002002", json={"phone": "13700137000", "version": customer.version}
    )
    assert stale.status_code == 409
    changed = stale.json["error"]["fields"]["changed_since"]
    assert changed[0]["field"] == "phone" and changed[0]["new_value"] == "13900139000"
    db.session.expire_all()
    assert (
        db.session.scalar(select(Customer.phone).where(Customer.account_no == "3100002002"))
        == "13900139000"
    )
    assert (
        api(Role.MARKETING).patch("/api/v1/customers/3100002002", json={"phone": "1"}).status_code
        == 422
    )
    assert (
        api(Role.ACCOUNT_MANAGER)
        .patch("/api/v1/customers/3100002002", json={"version": 2})
        .status_code
        == 403
    )
    assert api(Role.MARKETING).get("/api/v1/customers/0000000000").status_code == 404


def test_add_a_source(api):
    create_customer(account_no="3100002003")
    line = create_line(name="城南一线")
    response = api(Role.MARKETING).post(
        "/api/v1/customers/3100002003/sources", json={"kind": "main", "line_id": line.id}
    )
    assert response.status_code == 201
    assert response.json["line_name"] == "城南一线" and response.json["code"] == "3100002003-S1"
    unknown = api(Role.MARKETING).post(
        "/api/v1/customers/3100002003/sources", json={"kind": "main", "line_id": 999999}
    )
    assert unknown.status_code == 409


def test_add_transformer_and_metering_point(api):
    customer = create_customer(account_no="3100002004")
    node = create_node(create_line(), code="L9-P1")
    made = api(Role.MARKETING).post(
        "/api/v1/customers/3100002004/transformers",
        json={"code": "T-API-1", "rated_kva": 800, "node_code": "L9-P1"},
    )
    assert made.status_code == 201 and made.json["node_code"] == "L9-P1"
    point = api(Role.MARKETING).post(
        "/api/v1/customers/3100002004/metering-points",
        json={
            "code": "M-API-1",
            "method": "hv_hv",
            "wiring": "3p3w",
            "metering_class": "III",
            "ct_ratio": "50/5",
            "pt_ratio": "10000/100",
        },
    )
    assert point.status_code == 201 and point.json["ct_ratio"] == "50/5"
    no_pt = api(Role.MARKETING).post(
        "/api/v1/customers/3100002004/metering-points",
        json={"code": "M-API-2", "method": "hv_hv", "wiring": "3p3w", "metering_class": "III"},
    )
    assert no_pt.status_code == 422 and "pt_ratio" in no_pt.json["error"]["fields"]["json"]
    detail = api(Role.INSPECTOR).get("/api/v1/customers/3100002004").json
    assert [t["code"] for t in detail["transformers"]] == ["T-API-1"]
    assert node.id and customer.id


def test_lines_and_topology(api):
    line = create_line(code="L0042", rated_current_a=100)
    bay, pole = create_node(line, kind="bus_bay", code="BAY"), create_node(line, code="P1")
    create_edge(bay, pole)
    create_transformer(create_customer(), node_id=pole.id, rated_kva=630)
    listing = api(Role.INSPECTOR).get("/api/v1/lines?q=L00").json
    assert [item["code"] for item in listing["items"]] == ["L0042"]
    topology = api(Role.INSPECTOR).get("/api/v1/lines/L0042").json
    assert topology["running_kva"] == 630 and topology["line"]["rating_kva"] == 1732
    assert {node["label"] for node in topology["nodes"] if node["is_energised"]} == {
        bay.name,
        pole.name,
    }
    assert api(Role.INSPECTOR).get("/api/v1/lines/NOPE").status_code == 404


def test_openapi_document(client):
    document = client.get("/api/v1/openapi.json").json
    assert document["openapi"].startswith("3.")
    assert "/api/v1/customers/{account_no}" in document["paths"]
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


def test_a_page_of_lines_is_read_in_a_fixed_number_of_queries(api, count_queries):
    def queries_for(lines: int) -> int:
        for _ in range(lines):
            create_line()
        with count_queries() as counted:
            assert api(Role.INSPECTOR).get("/api/v1/lines?per_page=200").status_code == 200
        return len(counted)

    assert queries_for(2) == queries_for(20)


def test_the_api_applies_the_forms_cross_field_rules(api):
    customer = create_customer(account_no="3100002010")
    url = "/api/v1/customers/3100002010"
    two_part = api(Role.MARKETING).patch(url, json={
        "tariff_structure": "two_part", "basic_charge_basis": None, "version": customer.version,
    })  # fmt: skip
    assert two_part.status_code == 409
    assert "两部制电价须选择基本电费计收方式" in two_part.json["error"]["message"]
    demand = api(Role.MARKETING).patch(url, json={
        "tariff_structure": "two_part", "basic_charge_basis": "demand",
        "contract_demand_kw": None, "version": customer.version,
    })  # fmt: skip
    assert demand.status_code == 409 and "basic_charge_basis" in demand.json["error"]["fields"]
    db.session.expire_all()
    assert db.session.get(Customer, customer.id).version == customer.version  # nothing saved
    ok = api(Role.MARKETING).patch(url, json={
        "tariff_structure": "two_part", "basic_charge_basis": "demand",
        "contract_demand_kw": 500, "version": customer.version,
    })  # fmt: skip
    assert ok.status_code == 200, ok.json


def test_an_import_keeps_what_the_forms_refuse_and_the_rule_reports_it(app):
    """A legacy archive's demand basis without a demand goes in; tariff.two_part finds it."""
    row = customer_row(tariff_structure="two_part", basic_charge_basis="demand")
    result = run(workbook({"customers": [row]}))
    assert result.committed, [problem.message for problem in result.problems]
    validation = begin_run({}, trigger="cli", actor=None)
    db.session.commit()
    execute_run(validation.id, Scope(), rule_ids=["tariff.two_part"], today=TODAY)
    keys = set(db.session.scalars(select(Finding.message_key)))
    assert "demand" in keys
