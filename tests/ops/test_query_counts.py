"""Pages read their rows in a fixed number of queries: a longer list or a customer with
more records costs no more round trips (no query per row, per panel or per record)."""

from __future__ import annotations

from sqlalchemy import func, select

from tests import factories
from tests.clock import TODAY
from utilitycrm.accounts.models import Visit
from utilitycrm.archive.models import Customer, FeederLine
from utilitycrm.auth.roles import Role
from utilitycrm.contracts.models import Contract
from utilitycrm.core.extensions import db
from utilitycrm.demo import seeding
from utilitycrm.demo.accounts import seed_key_account_work
from utilitycrm.demo.contracts import seed_contracts
from utilitycrm.demo.readings import seed_readings
from utilitycrm.demo.seeding import DEMO_PASSWORD


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
    assert queries_now() <= few  # the history names records a query per table, not per row


def _page_costs(client, count_queries, customers: int) -> dict[str, int]:
    """The demo utility of `customers` customers, rolled back afterwards: each page type's
    count of statements, for a key account, a line and a contract of that archive. A
    query per row, per record or per panel would make the larger utility's count grow."""
    connection = db.session.get_bind()
    grown = connection.begin_nested()
    try:
        seeding.seed(customers=customers, seed=3, fault_rate=0.2, today=TODAY)
        db.session.commit()
        seed_contracts(TODAY)
        seed_key_account_work(TODAY, 3)
        seed_readings(TODAY, 3)
        db.session.commit()
        key = db.session.scalar(  # a key account with visits: their follow-ups are read
            select(Customer.account_no)
            .where(Customer.id.in_(select(Visit.customer_id)))
            .order_by(Customer.id)
            .limit(1)
        )
        line_id = db.session.scalar(select(func.min(FeederLine.id)))
        contract = db.session.scalar(select(Contract.number).order_by(Contract.id).limit(1))
        pages = [
            "/", "/archive/customers", "/archive/customers?q=31", "/archive/customers?page=3",
            "/archive/customers?q=%E7%A4%BA%E8%8C%83&anywhere=y", f"/archive/customers/{key}",
            f"/archive/customers/{key}/edit", f"/archive/customers/{key}/history",
            "/archive/lines", f"/archive/lines/{line_id}", "/archive/substations",
            "/archive/transformers", "/archive/meters", "/accounts",
            f"/accounts/customers/{key}", "/accounts/complaints", "/projects",
            "/contracts", f"/contracts/{contract}", "/validation/findings", "/calendar",
            "/inbox", "/inbox?customer=31&kind=finding", "/admin/jobs", "/network/losses",
            "/network/losses?kind=area", f"/network/losses/lines/{line_id}",
        ]  # fmt: skip
        client.post("/login", data={"username": "admin", "password": DEMO_PASSWORD})
        costs = {}
        for page in pages:
            with count_queries() as sent:
                status = client.get(page).status_code
            assert status == 200, (page, status)
            costs[page.replace(key, "KEY").replace(str(contract), "CONTRACT")] = len(sent)
        client.post("/logout")
        return costs
    finally:
        db.session.rollback()
        db.session.expunge_all()
        grown.rollback()


def test_every_page_type_costs_the_same_for_a_small_and_a_four_times_larger_utility(
    client, count_queries
):
    small = _page_costs(client, count_queries, 300)
    large = _page_costs(client, count_queries, 1200)
    assert small == large
