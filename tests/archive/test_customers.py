"""Creating, editing and closing customers through the forms: bad input, stale edits, roles."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.archive.form_data import customer_form, new_customer_form
from tests.factories import create_customer, create_tariff
from utilitycrm.archive.models import ArchiveChange, Customer
from utilitycrm.auth.roles import Role
from utilitycrm.core.extensions import db


def text(response) -> str:
    return response.get_data(as_text=True)


def customer_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Customer))


def reloaded(customer: Customer) -> Customer:
    db.session.expire_all()
    return db.session.get(Customer, customer.id)


def test_marketing_creates_a_customer(client, login_as):
    login_as(Role.MARKETING)
    create_tariff()
    response = client.post(
        "/archive/customers/new",
        data=new_customer_form(
            account_no="３１０００００００１ ",
            phone=" 138 1234 5678",
            tariff_code="DGY-10",
            name="示范（集团）有限公司：东区分厂",
        ),
    )
    assert response.status_code == 302
    customer = db.session.scalar(select(Customer))
    assert customer.account_no == "3100000001"  # full-width digits and spaces tidied
    assert customer.name == "示范（集团）有限公司：东区分厂"  # Chinese punctuation as typed
    assert customer.phone == "13812345678"
    assert customer.tariff_code == "DGY-10"
    assert response.headers["Location"] == "/archive/customers/3100000001"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"account_no": ""}, "invalid-feedback"),
        ({"account_no": "12345"}, "户号须符合本单位格式"),
        ({"account_no": "31000000AB"}, "户号须符合本单位格式"),
        ({"name": ""}, "invalid-feedback"),
        ({"name": "名" * 201}, "200"),
        ({"phone": "12345"}, "请输入 11 位手机号码或固定电话"),
        ({"contract_capacity_kva": "-5"}, "invalid-feedback"),
        ({"contract_capacity_kva": "八百"}, "invalid-feedback"),
        ({"voltage_kv": "66"}, "invalid-feedback"),
        ({"category": "industrial"}, "invalid-feedback"),
        (
            {"tariff_structure": "two_part", "basic_charge_basis": ""},
            "两部制电价须选择基本电费计收方式",
        ),
        (
            {"basic_charge_basis": "demand", "contract_demand_kw": ""},
            "按需量计收须填写合同最大需量",
        ),
        ({"tariff_code": "NO-SUCH"}, "invalid-feedback"),
        ({"account_manager_id": "999"}, "invalid-feedback"),
        ({"status": "closed"}, "invalid-feedback"),
        ({"reason": "理" * 501}, "500"),
    ],
)
def test_bad_customer_input_is_refused_and_nothing_saved(client, login_as, overrides, message):
    login_as(Role.MARKETING)
    response = client.post("/archive/customers/new", data=new_customer_form(**overrides))
    assert response.status_code == 200
    assert message in text(response)
    assert customer_count() == 0


def test_duplicate_account_number_is_refused(client, login_as):
    create_customer(account_no="3100000042")
    login_as(Role.MARKETING)
    response = client.post(
        "/archive/customers/new", data=new_customer_form(account_no="3100000042")
    )
    assert "户号 3100000042 已存在" in text(response)
    assert customer_count() == 1


def test_edit_is_saved_with_a_reason(client, login_as):
    customer = create_customer(contract_capacity_kva=630)
    login_as(Role.MARKETING)
    response = client.post(
        f"/archive/customers/{customer.account_no}/edit",
        data=customer_form(customer, contract_capacity_kva=800, reason="增容后更新"),
    )
    assert response.status_code == 302
    assert reloaded(customer).contract_capacity_kva == 800


def test_stale_edit_is_refused_shows_what_changed_and_overwrites_nothing(client, app, login_as):
    customer = create_customer(phone="13800138000", address="旧地址")
    stale_form = customer_form(customer, address="我的地址")
    login_as(Role.MARKETING)
    colleague = app.test_client()
    colleague.post("/login", data={"username": "admin", "password": "correct-horse-42"})
    first = colleague.post(
        f"/archive/customers/{customer.account_no}/edit",
        data=customer_form(customer, phone="13900139000"),
    )
    assert first.status_code == 302

    response = client.post(f"/archive/customers/{customer.account_no}/edit", data=stale_form)
    page = text(response)
    assert "您的修改未保存" in page
    assert 'id="stale-changes"' in page and "13800138000" in page and "13900139000" in page
    panel = page.split('id="stale-changes"')[1].split("</table>")[0]
    assert "<td>电话</td>" in panel and "phone" not in panel  # the field's label
    assert 'value="我的地址"' in page  # the user's entry is still in the form
    current = reloaded(customer)
    assert (current.phone, current.address) == ("13900139000", "旧地址")

    # Having seen the other change, the user saves again on purpose: now it applies.
    version = page.split('id="version" name="version" type="hidden" value="')[1].split('"')[0]
    again = client.post(
        f"/archive/customers/{customer.account_no}/edit",
        data={**stale_form, "version": version, "phone": "13900139000"},
    )
    assert again.status_code == 302
    assert reloaded(customer).address == "我的地址"


def test_close_needs_a_reason_and_freezes_the_record(client, login_as):
    customer = create_customer()
    login_as(Role.MARKETING)
    url = f"/archive/customers/{customer.account_no}"
    client.post(url + "/close", data={"reason": "", "version": customer.version})
    assert reloaded(customer).status == "active"
    client.post(url + "/close", data={"reason": "企业搬迁", "version": customer.version})
    assert reloaded(customer).status == "closed"
    assert reloaded(customer).closed_at is not None
    response = client.post(url + "/edit", data=customer_form(reloaded(customer), name="改名"))
    assert response.status_code == 403
    assert reloaded(customer).name != "改名"


def test_account_manager_keeps_relationship_fields_of_own_customers_only(client, users, login_as):
    manager = users[Role.ACCOUNT_MANAGER]
    own = create_customer(account_manager_id=manager.id, name="原名称")
    login_as(Role.ACCOUNT_MANAGER)
    page = text(client.get(f"/archive/customers/{own.account_no}/edit"))
    assert 'name="relationship_notes"' in page and 'name="account_no"' not in page
    response = client.post(
        f"/archive/customers/{own.account_no}/edit",
        data={
            "contact_name": "新联系人",
            "phone": "13711112222",
            "relationship_notes": "每月走访",
            "name": "篡改的名称",
            "version": own.version,
        },
    )
    assert response.status_code == 302
    current = reloaded(own)
    assert (current.contact_name, current.relationship_notes) == ("新联系人", "每月走访")
    assert current.name == "原名称"  # a field outside the manager's form is ignored


def test_inspector_reads_but_cannot_edit(client, login_as):
    customer = create_customer()
    login_as(Role.INSPECTOR)
    page = text(client.get(f"/archive/customers/{customer.account_no}"))
    assert customer.name in page and 'id="edit-customer"' not in page
    assert client.post(f"/archive/customers/{customer.account_no}/edit", data={}).status_code == 403
    assert (
        db.session.scalar(
            select(func.count()).select_from(ArchiveChange).where(ArchiveChange.action == "update")
        )
        == 0
    )


def test_choice_labels_follow_the_users_language(client, login_as):
    login_as(Role.MARKETING)
    chinese = text(client.get("/archive/customers/new"))
    assert ">一般工商业<" in chinese and "General commercial" not in chinese
    client.post("/language", data={"locale": "en"})
    english = text(client.get("/archive/customers/new"))
    assert ">General commercial (一般工商业)<" in english
