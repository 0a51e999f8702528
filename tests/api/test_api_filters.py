"""The API's list arguments are the pages' filter forms: the same names, choices and
limits; where the page drops a bad value, the API refuses it with a message."""

from __future__ import annotations

from datetime import date

from tests.core.test_filter_forms import ExampleForm
from tests.factories import create_customer
from utilitycrm.archive.history import ChangeSource, recording
from utilitycrm.auth.roles import Role
from utilitycrm.contracts.models import Contract
from utilitycrm.contracts.types import ContractStatus
from utilitycrm.core.api.filters import filter_schema
from utilitycrm.core.extensions import db


def test_a_forms_fields_become_checked_arguments():
    schema = filter_schema(ExampleForm)()

    assert schema.load({"status": "open", "ending": "90"}) == {
        "status": "open", "ending": 90, "page": 1, "per_page": 50,
    }  # fmt: skip
    errors = schema.validate({"status": "bogus", "ending": "-1"})
    assert set(errors) == {"status", "ending"}


def signed_contracts(*ends: date) -> None:
    customers = [create_customer() for _ in ends]
    with recording(None, source=ChangeSource.SYSTEM):
        for number, (customer, ends_on) in enumerate(zip(customers, ends, strict=True), 1):
            db.session.add(Contract(
                number=f"GYD-2026-{number:06d}", customer_id=customer.id, kind="hv",
                status=ContractStatus.SIGNED, starts_on=date(2024, 1, 1), ends_on=ends_on,
            ))  # fmt: skip
        db.session.commit()


def test_the_page_and_the_api_filter_the_register_by_the_same_query(api, client, login_as):
    signed_contracts(date(2026, 12, 20), date(2028, 6, 30))
    query = "?status=signed&ending=60"

    listed = api(Role.MARKETING).get("/api/v1/contracts" + query).json
    login_as(Role.MARKETING)
    page = client.get("/contracts" + query).get_data(as_text=True)

    assert [item["number"] for item in listed["items"]] == ["GYD-2026-000001"]
    assert "GYD-2026-000001" in page and "GYD-2026-000002" not in page


def test_a_bad_filter_is_refused_by_the_api_and_dropped_by_the_page(api, client, login_as):
    response = api(Role.MARKETING).get("/api/v1/contracts?kind=gas&ending=ninety")

    assert response.status_code == 422
    assert set(response.json["error"]["fields"]["query"]) == {"kind", "ending"}
    login_as(Role.MARKETING)
    assert client.get("/contracts?kind=gas&ending=ninety").status_code == 200


def test_the_openapi_document_lists_the_forms_choices(client):
    spec = client.get("/api/v1/openapi.json").json
    parameters = {p["name"]: p for p in spec["paths"]["/api/v1/findings"]["get"]["parameters"]}

    assert {"family", "severity", "status", "account_no", "overdue"} <= set(parameters)
    assert "current" in parameters["status"]["schema"]["enum"]
