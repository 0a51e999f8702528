"""Text from every door is stored without NUL, the controls a cell cannot hold, or the
bidirectional overrides that spoof a contract: forms and workbooks drop them, the API
refuses them (a program is told, its data is not changed behind its back), on both
databases alike."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.archive.form_data import customer_form
from tests.archive.test_workbook_import import customer_row, run, workbook
from tests.contracts.conftest import draft
from tests.factories import create_customer
from tests.pdftext import pdf_text
from tests.validation.dbarchive import key_account
from utilitycrm.archive.models import Customer
from utilitycrm.auth.roles import Role
from utilitycrm.core.extensions import db

SPOOFS = ["\u202e", "\u202a", "\u202d", "\u2066", "\u2067", "\u2069", "\u200f", "\x00", "\x07"]


def name_of(account_no: str) -> str:
    db.session.expire_all()
    return db.session.scalar(select(Customer.name).where(Customer.account_no == account_no))


@pytest.mark.parametrize("character", SPOOFS)
def test_the_api_refuses_text_with_invisible_controls(api, character):
    customer = create_customer(account_no="3100002101", name="示范印染")
    response = api(Role.MARKETING).patch(
        "/api/v1/customers/3100002101",
        json={"name": f"示范{character}纺织", "version": customer.version},
    )
    assert response.status_code == 422, response.json
    assert "控制字符" in response.json["error"]["fields"]["json"]["name"][0]
    assert name_of("3100002101") == "示范印染"
    search = api(Role.INSPECTOR).get(f"/api/v1/customers?q=abc{character}def")
    assert search.status_code == 422 and "q" in search.json["error"]["fields"]["query"]


def test_a_form_and_a_workbook_store_the_same_text(client, login_as):
    customer = create_customer(account_no="3100002102")
    login_as(Role.MARKETING)
    saved = client.post(
        f"/archive/customers/{customer.account_no}/edit",
        data=customer_form(customer, name="示范\u202e司公限有"),
    )
    assert saved.status_code == 302
    assert name_of("3100002102") == "示范司公限有"
    imported = run(workbook({"customers": [customer_row(account_no="3100002103",
                                                        name="\u2067示范\u2069纺织")]}))  # fmt: skip
    assert imported.committed
    assert name_of("3100002103") == "示范纺织"


def test_a_contract_shows_the_text_as_it_was_typed(client, login_as, users):
    account = key_account()
    login_as(Role.MARKETING)
    form = customer_form(account.customer, name="甲方\u202e乙方", tariff_code="DGY-10")
    assert client.post(f"/archive/customers/{account.customer.account_no}/edit",
                       data=form).status_code == 302  # fmt: skip
    contract = draft(db.session.get(Customer, account.customer.id), users[Role.MARKETING])
    text = pdf_text(client.get(f"/contracts/{contract.number}/document.pdf").data)
    assert "甲方乙方" in text and "\u202e" not in text
