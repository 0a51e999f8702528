"""The register: preconditions, numbers, signing freezes, scans, ending, renewal, reminders."""

from __future__ import annotations

import hashlib
import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tests.contracts.conftest import TODAY, draft, sign
from tests.factories import create_customer
from tests.pdftext import pdf_text
from tests.validation.dbarchive import change
from utilitycrm.auth.roles import Role
from utilitycrm.contracts import services
from utilitycrm.contracts.models import Contract
from utilitycrm.contracts.types import ContractStatus
from utilitycrm.core.errors import UtilityCRMError
from utilitycrm.core.extensions import db
from utilitycrm.core.numbering import NumberSequence
from utilitycrm.deadlines.models import Deadline


def test_a_customer_without_what_a_contract_needs_is_refused_with_every_reason(users):
    customer = create_customer(pf_standard="none")  # no source, metering, tariff
    with pytest.raises(services.ContractRefused) as refused:
        draft(customer, users[Role.MARKETING])
    missing = " ".join(refused.value.missing)
    for item in ("供电电源", "计量点", "电价代码", "功率因数考核标准"):
        assert item in missing
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Contract)) == 0
    assert db.session.scalar(select(func.count()).select_from(NumberSequence)) == 0


def test_a_source_without_its_property_boundary_is_refused(account, users):
    change(account.source, property_boundary="  ")
    with pytest.raises(services.ContractRefused) as refused:
        draft(account.customer, users[Role.MARKETING])
    assert any("产权分界点" in item for item in refused.value.missing)


def test_numbers_follow_the_pattern_without_gaps(account, users):
    first = draft(account.customer, users[Role.MARKETING])
    services.terminate(
        first, day=TODAY, reason="客户改期", actor=users[Role.MARKETING], today=TODAY
    )
    db.session.commit()
    second = draft(account.customer, users[Role.MARKETING])
    assert (first.number, second.number) == (f"GYD-{TODAY.year}-000001", f"GYD-{TODAY.year}-000002")
    assert first.status == ContractStatus.TERMINATED  # abandoned, kept with its number


@pytest.mark.commits  # drafts race in threads
def test_concurrent_drafts_get_distinct_consecutive_numbers(app, account, users):
    customer_id, actor_id = account.customer.id, users[Role.MARKETING].id
    numbers, errors = [], []

    def make():
        with app.app_context():
            try:
                from utilitycrm.archive.models import Customer
                from utilitycrm.auth.models import User

                customer = db.session.get(Customer, customer_id)
                actor = db.session.get(User, actor_id)
                contract = services.create_draft(
                    customer, services.DraftRequest(), actor=actor, today=TODAY
                )
                db.session.commit()
                numbers.append(contract.number)
            except Exception as error:  # reported below, with the thread's failure
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=make) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(numbers) == [f"GYD-{TODAY.year}-{n:06d}" for n in range(1, 9)]


def test_signing_freezes_the_pdf_its_hash_and_data(signed, account, client, login_as):
    frozen = signed.file("signed")
    assert signed.status == ContractStatus.SIGNED
    assert signed.pdf_sha256 == hashlib.sha256(frozen.content).hexdigest() == frozen.sha256
    assert signed.template_version == "HV-2026.1"
    data = signed.frozen_data
    assert data["customer"]["name"] == account.customer.name
    assert data["sources"][0]["property_boundary"] == account.source.property_boundary
    text = pdf_text(frozen.content)
    assert "王经理" in text and "2031-11-22" in text and "草稿" not in text

    change(account.customer, name="改名后的公司")  # the archive moves on
    login_as(Role.INSPECTOR)
    served = client.get(f"/contracts/{signed.number}/document.pdf")
    assert served.status_code == 200
    assert served.data == frozen.content  # served as frozen, never rendered again
    assert "改名后的公司" not in pdf_text(served.data)


def test_only_a_draft_is_signed_and_never_in_the_future(signed, users):
    with pytest.raises(UtilityCRMError):
        sign(signed, users[Role.MARKETING])
    db.session.rollback()
    other = draft(signed.customer, users[Role.MARKETING])
    with pytest.raises(UtilityCRMError):
        sign(other, users[Role.MARKETING], signed_on=TODAY + timedelta(days=8))
    db.session.rollback()
    assert db.session.get(Contract, other.id).status == ContractStatus.DRAFT


def test_signing_a_renewal_ends_the_contract_it_replaces(signed, users):
    renewal = services.renew(signed, actor=users[Role.MARKETING], today=TODAY)
    db.session.commit()
    assert renewal.replaces_id == signed.id and renewal.is_draft
    sign(renewal, users[Role.MARKETING])
    assert signed.status == ContractStatus.TERMINATED
    assert renewal.number in signed.end_reason
    assert services.in_force_for(signed.customer_id).id == renewal.id


def test_signing_opens_the_renewal_reminder_and_ending_closes_it(signed, users):
    reminder = db.session.scalar(select(Deadline).where(Deadline.kind == services.KIND))
    assert reminder.subject_id == signed.id
    assert reminder.due_on == date(2031, 11, 22)
    assert reminder.warn_on == date(2031, 8, 24)  # 90 days ahead, the default threshold
    services.terminate(
        signed, day=TODAY, reason="客户销户", actor=users[Role.MARKETING], today=TODAY
    )
    db.session.commit()
    db.session.refresh(reminder)
    assert reminder.finished_on == TODAY


def test_contracts_past_their_term_expire(signed):
    assert services.expire_due(date(2031, 11, 22)) == []
    assert services.expire_due(date(2031, 11, 23)) == [signed]
    db.session.commit()
    assert signed.status == ContractStatus.EXPIRED and signed.ended_on == date(2031, 11, 22)


def test_termination_needs_a_reason(signed, users):
    with pytest.raises(UtilityCRMError):
        services.terminate(signed, day=TODAY, reason=" ", actor=users[Role.MARKETING], today=TODAY)


def test_a_scan_is_kept_beside_the_frozen_pdf(signed, users):
    scan = services.attach_scan(
        signed, data=b"%PDF-1.4 scanned", filename="signed.pdf", actor=users[Role.MARKETING]
    )
    db.session.commit()
    assert scan.media_type == "application/pdf"
    assert [f.role for f in signed.files] == ["signed", "scan"]
    with pytest.raises(UtilityCRMError):
        services.attach_scan(signed, data=b"MZ\x90\x00", filename="x.pdf",
                             actor=users[Role.MARKETING])  # fmt: skip
