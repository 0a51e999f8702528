"""Pages read their rows in a fixed number of queries: a longer list or a customer with
more records costs no more round trips (no query per row, per panel or per record)."""

from __future__ import annotations

from tests import factories
from utilitycrm.auth.roles import Role


def _customers(count: int, start: int) -> None:
    line = factories.create_line()
    for number in range(start, start + count):
        customer = factories.create_customer(account_no=f"31000{number:05d}")
        factories.create_source(customer, line)
        factories.create_transformer(customer)


def test_the_customer_list_costs_the_same_for_2_or_20_customers(client, login_as, count_queries):
    login_as(Role.MARKETING)

    def queries_with(count: int, start: int) -> int:
        _customers(count, start)
        with count_queries() as counted:
            assert client.get("/archive/customers").status_code == 200
        return len(counted)

    assert queries_with(2, 100) == queries_with(18, 200)


def test_the_customer_page_costs_the_same_with_more_records(client, login_as, count_queries):
    login_as(Role.MARKETING)
    customer = factories.create_customer(account_no="3100099999")
    line = factories.create_line()

    def queries_now() -> int:
        with count_queries() as counted:
            assert client.get(f"/archive/customers/{customer.account_no}").status_code == 200
        return len(counted)

    factories.create_source(customer, line)
    factories.create_transformer(customer)
    factories.create_contact(customer)
    few = queries_now()
    for number in range(6):
        factories.create_transformer(customer, code=f"T-EXTRA-{number}")
        factories.create_contact(customer, name=f"联系人{number}")
    assert few > 5  # the page and its panels read something
    assert queries_now() == few
