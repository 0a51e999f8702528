"""The registry's pages: draft from the customer page, sign, scan, terminate, the register."""

from __future__ import annotations

import io
import re
from datetime import date

from tests.contracts.conftest import TODAY
from tests.factories import create_customer
from tests.pdftext import pdf_text
from utilitycrm.auth.roles import Role
from utilitycrm.contracts.models import Contract
from utilitycrm.core.extensions import db


def _number(response) -> str:
    return re.search(r"GYD-\d{4}-\d{6}", response.headers["Location"]).group(0)


def test_marketing_drafts_signs_and_attaches_a_scan(account, client, login_as):
    login_as(Role.MARKETING)
    customer = account.customer
    form = client.get(f"/contracts/new?customer={customer.account_no}").get_data(as_text=True)
    assert account.source.property_boundary in form  # what the contract will state
    made = client.post(f"/contracts/new?customer={customer.account_no}",
                       data={"language": "zh_CN", "starts_on": "2026-12-01"})  # fmt: skip
    assert made.status_code == 302
    number = _number(made)
    page = client.get(f"/contracts/{number}").get_data(as_text=True)
    assert "草稿" in page and 'id="sign-form"' in page
    assert ">英文草稿</a>" in page and '<dd class="col-7">中文</dd>' in page  # in words
    draft_pdf = client.get(f"/contracts/{number}/document.pdf")
    assert draft_pdf.mimetype == "application/pdf" and customer.name in pdf_text(draft_pdf.data)
    english = client.get(f"/contracts/{number}/document.pdf?lang=en")
    assert "High-voltage supply contract" in pdf_text(english.data)

    signed = client.post(f"/contracts/{number}/sign", data={
        "signed_on": "2026-11-20", "starts_on": "2026-12-01", "ends_on": "2031-11-30",
        "customer_signatory": "王经理", "utility_signatory": "李主任",
    }, follow_redirects=True)  # fmt: skip
    page = signed.get_data(as_text=True)
    assert "已签订，履行中" in page and 'id="contract-sha"' in page
    contract = db.session.query(Contract).filter_by(number=number).one()
    assert contract.ends_on == date(2031, 11, 30)

    scan = client.post(f"/contracts/{number}/scan", data={
        "scan": (io.BytesIO(b"%PDF-1.4 paper"), "signed-paper.pdf"),
    }, content_type="multipart/form-data", follow_redirects=True)  # fmt: skip
    assert "signed-paper.pdf" in scan.get_data(as_text=True)
    bad = client.post(f"/contracts/{number}/scan", data={
        "scan": (io.BytesIO(b"not a scan"), "virus.pdf"),
    }, content_type="multipart/form-data", follow_redirects=True)  # fmt: skip
    assert "扫描件须为 PDF、JPEG 或 PNG 文件" in bad.get_data(as_text=True)

    register = client.get("/contracts?q=GYD").get_data(as_text=True)
    assert number in register and customer.name in register
    customer_page = client.get(f"/archive/customers/{customer.account_no}").get_data(as_text=True)
    assert number in customer_page and "合同已过时" not in customer_page


def test_a_thin_archive_shows_what_is_missing_and_makes_nothing(client, login_as, users):
    customer = create_customer(account_manager_id=users[Role.ACCOUNT_MANAGER].id)
    login_as(Role.ACCOUNT_MANAGER)
    page = client.get(f"/contracts/new?customer={customer.account_no}")
    text = page.get_data(as_text=True)
    assert 'id="contract-missing"' in text and "供电电源" in text and "计量点" in text
    refused = client.post(f"/contracts/new?customer={customer.account_no}",
                          data={"language": "zh_CN"})  # fmt: skip
    assert refused.status_code == 422
    assert db.session.query(Contract).count() == 0


def test_a_bad_term_is_refused_with_a_message(account, client, login_as):
    login_as(Role.MARKETING)
    response = client.post(f"/contracts/new?customer={account.customer.account_no}",
                           data={"language": "zh_CN", "starts_on": "2026-12-01",
                                 "ends_on": "2026-11-01"}, follow_redirects=True)  # fmt: skip
    assert "合同终止日期须晚于生效日期" in response.get_data(as_text=True)
    assert db.session.query(Contract).count() == 0


def test_terminating_needs_a_reason_and_then_ends_the_contract(signed, client, login_as):
    login_as(Role.MARKETING)
    refused = client.post(f"/contracts/{signed.number}/terminate",
                          data={"day": TODAY.isoformat(), "reason": ""}, follow_redirects=True)  # fmt: skip
    assert signed.number in refused.get_data(as_text=True)
    db.session.refresh(signed)
    assert signed.status == "signed"
    ended = client.post(f"/contracts/{signed.number}/terminate",
                        data={"day": "2026-11-20", "reason": "客户销户"}, follow_redirects=True)  # fmt: skip
    assert "已终止" in ended.get_data(as_text=True)


def test_another_managers_customer_gets_no_contract_from_a_manager(account, client, login_as):
    login_as(Role.ACCOUNT_MANAGER)  # the account has no manager
    assert client.get(f"/contracts/new?customer={account.customer.account_no}").status_code == 403
