"""Every operation of the OpenAPI document, by role: one table, which must cover them all."""

from __future__ import annotations

import pytest

from tests.factories import create_customer, create_line
from tests.test_access import contract_records, project_record
from utilitycrm.auth.roles import Role
from utilitycrm.core.extensions import db
from utilitycrm.core.jobs import Job, JobStatus
from utilitycrm.validation.models import Finding, ValidationRun

ANY = frozenset(Role)
EDITORS = frozenset({Role.ADMIN, Role.MARKETING})

# (method, path template): who may.
API_ACCESS = {
    ("get", "/api/v1/customers"): ANY,
    ("post", "/api/v1/customers"): EDITORS,
    ("get", "/api/v1/customers/{account_no}"): ANY,
    ("patch", "/api/v1/customers/{account_no}"): EDITORS,
    ("post", "/api/v1/customers/{account_no}/sources"): EDITORS,
    ("post", "/api/v1/customers/{account_no}/transformers"): EDITORS,
    ("post", "/api/v1/customers/{account_no}/metering-points"): EDITORS,
    ("get", "/api/v1/lines"): ANY,
    ("get", "/api/v1/lines/{code}"): ANY,
    ("get", "/api/v1/validation-runs"): ANY,
    ("get", "/api/v1/validation-runs/{run_id}"): ANY,
    ("get", "/api/v1/findings"): ANY,
    ("get", "/api/v1/findings/{finding_id}"): ANY,
    ("get", "/api/v1/projects"): ANY,
    ("get", "/api/v1/projects/{number}"): ANY,
    ("get", "/api/v1/contracts"): ANY,
    ("get", "/api/v1/contracts/{number}"): ANY,
    ("get", "/api/v1/customers/{account_no}/consumption"): ANY,
    ("put", "/api/v1/customers/{account_no}/consumption"): EDITORS,
    ("put", "/api/v1/network/line-readings"): EDITORS,
    ("put", "/api/v1/network/area-readings"): EDITORS,
    ("get", "/api/v1/network/losses"): ANY,
    ("get", "/api/v1/network/lines/{code}/capacity"): ANY,
    ("get", "/api/v1/jobs"): frozenset({Role.ADMIN}),
    ("get", "/api/v1/jobs/{job_id}"): ANY,
}


def operations(app) -> set[tuple[str, str]]:
    document = app.test_client().get("/api/v1/openapi.json").json
    return {(method, path) for path, item in document["paths"].items() for method in item
            if method in {"get", "post", "patch", "put", "delete"}}  # fmt: skip


def test_the_table_covers_the_openapi_document(app):
    assert operations(app) == set(API_ACCESS)


@pytest.mark.parametrize(
    ("operation", "role"),
    [(op, role) for op in API_ACCESS for role in Role],
    ids=lambda value: value if isinstance(value, str) else "-".join(value),
)
def test_api_access(api, users, operation, role):
    method, template = operation
    customer = create_customer(account_no="3100004001")
    line = create_line(code="L0001")
    run = ValidationRun(trigger="cli", status="done")
    db.session.add(run)
    db.session.flush()
    finding = Finding(fingerprint="0" * 64, rule_id="completeness.missing_phone",
                      family="completeness", severity="warning", customer_id=customer.id,
                      objects=[], first_run_id=run.id, last_run_id=run.id)  # fmt: skip
    job = Job(kind="validation.run", status=JobStatus.DONE)
    db.session.add_all([finding, job])
    db.session.commit()
    number = (
        project_record(customer, users[Role.MARKETING])
        if "projects" in template
        else contract_records(customer)["contract"]
    )
    path = template.format(
        account_no=customer.account_no, code=line.code, run_id=run.id, finding_id=finding.id,
        number=number, job_id=job.id,
    )  # fmt: skip
    bodies = {"post": {}, "patch": {"version": customer.version}, "put": {"months": []}}
    response = getattr(api(role), method)(path, json=bodies.get(method))
    if role in API_ACCESS[operation]:
        assert response.status_code not in {401, 403, 404, 500}, response.json
    else:
        assert response.status_code == 403, response.json
