"""Property-based fuzzing of the API from its own OpenAPI document (schemathesis): no
generated request, valid or not, gets a server error."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from tests.factories import create_customer, create_line
from tests.test_access import contract_records, project_record
from utilitycrm.auth.roles import Role


def test_no_server_error_for_any_generated_request(app, tokens, users):
    customer = create_customer(account_no="3100005001")
    create_line(code="L0001")
    project_record(customer, users[Role.MARKETING])
    contract_records(customer)
    headers = {"Authorization": f"Bearer {tokens[Role.MARKETING]}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 19

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck),
                  database=None)  # fmt: skip
        def no_server_error(case):
            response = case.call(headers=headers)
            case.validate_response(response, checks=[not_a_server_error])

        no_server_error()
