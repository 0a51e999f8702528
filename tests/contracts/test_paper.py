"""Contracts signed on paper carry their terms (capacity, demand, lines, tariff, boundary),
from the workbook or the register's form, and the contract rules hold them against the
archive as they hold a frozen contract."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.archive.test_workbook_import import content, messages, run, workbook
from tests.contracts.conftest import TODAY
from tests.contracts.test_workbook import contract_row
from tests.factories import create_line, create_source
from tests.validation.dbarchive import change
from utilitycrm.archive.history_display import Names, shown_changes
from utilitycrm.archive.models import ArchiveChange
from utilitycrm.archive.workbook.export import export_workbook
from utilitycrm.auth.roles import Role
from utilitycrm.contracts import services
from utilitycrm.contracts.models import Contract
from utilitycrm.core.extensions import db
from utilitycrm.deadlines.models import Deadline
from utilitycrm.validation.models import Finding
from utilitycrm.validation.services import begin_run, execute_run
from utilitycrm.validation.snapshot import Scope

NUMBER = "GY-2019-0815"


def paper_row(account, **terms) -> dict:
    """A register row for the key account, its paper stating the archive's terms."""
    stated = {
        "paper_kva": 630,
        "paper_line_code": account.line.code,
        "paper_tariff_code": "DGY-10",
        "paper_boundary": account.source.property_boundary,
        "ends_on": date(2029, 12, 31),
    }
    return contract_row(account_no=account.customer.account_no, **{**stated, **terms})


def stale_findings() -> dict[str, dict]:
    """The open contract.stale findings of a fresh run, by the term they name."""
    validation = begin_run({}, trigger="cli", actor=None)
    db.session.commit()
    execute_run(validation.id, Scope(), rule_ids=["contract.stale"], today=TODAY)
    findings = db.session.scalars(
        select(Finding)
        .where(Finding.status == "open", Finding.rule_id == "contract.stale")
        .execution_options(populate_existing=True)
    )
    return {finding.message_key: finding.params for finding in findings}


def paper_contract() -> Contract:
    db.session.expire_all()
    return db.session.scalar(select(Contract).where(Contract.number == NUMBER))


def test_a_paper_contract_that_states_other_terms_than_the_archive_is_found(account):
    other = create_line(code="L0003", name="城北三线")
    result = run(workbook({"contracts": [paper_row(account, paper_kva=800,
                                                   paper_line_code="L0003")]}))  # fmt: skip
    assert result.committed, messages(result)
    found = stale_findings()
    assert set(found) == {"lines", "capacity"}
    assert found["capacity"] == {"number": NUMBER, "was": "800 kVA", "now": "630 kVA"}
    assert other.name in found["lines"]["was"] and account.line.name in found["lines"]["now"]
    assert other.name not in found["lines"]["now"]
    # The register and the contract page say the same.
    assert {c.key for c in services.stale_changes([paper_contract()])[paper_contract().id]} == {
        "lines",
        "capacity",
    }


def test_a_paper_contract_that_agrees_is_not_found_until_the_archive_moves(account):
    result = run(workbook({"contracts": [paper_row(account, paper_demand_kw=None)]}))
    assert result.committed, messages(result)
    assert stale_findings() == {}
    change(account.customer, tariff_code=None)
    change(account.source, property_boundary="2号杆T接开关负荷侧")
    found = stale_findings()
    assert set(found) == {"tariff", "boundary"}
    assert found["tariff"]["was"] == "DGY-10"
    assert found["boundary"]["now"] == "2号杆T接开关负荷侧"


def test_a_term_the_paper_leaves_empty_is_not_compared(account, client, login_as):
    row = contract_row(account_no=account.customer.account_no, ends_on=date(2029, 12, 31))
    assert run(workbook({"contracts": [row]})).committed
    change(account.customer, contract_capacity_kva=800, category="general_commercial")
    assert stale_findings() == {}
    assert services.stale_changes([paper_contract()]) == {}
    login_as(Role.MARKETING)
    page = client.get(f"/contracts/{NUMBER}").get_data(as_text=True)
    assert 'id="paper-terms-missing"' in page and 'id="contract-changes"' not in page


def test_a_two_source_paper_names_both_lines_and_both_boundaries(account):
    backup_line = create_line(code="L0007", name="城南七线")
    create_source(account.customer, backup_line, kind="backup", property_boundary="7号杆")
    row = paper_row(account, paper_backup_line_code="L0007",
                    paper_boundary=f"{account.source.property_boundary}；7号杆")  # fmt: skip
    assert run(workbook({"contracts": [row]})).committed
    assert stale_findings() == {}
    # The paper names the backup as main and the main as backup: the lines differ.
    row = paper_row(account, paper_line_code="L0007", paper_backup_line_code=account.line.code,
                    paper_boundary=f"{account.source.property_boundary}；7号杆")  # fmt: skip
    assert run(workbook({"contracts": [row]})).committed
    assert set(stale_findings()) == {"lines"}


@pytest.mark.parametrize(
    ("terms", "column", "value"),
    [
        ({"paper_line_code": "L9999"}, "主供线路编号", "L9999"),
        ({"paper_backup_line_code": "L9998"}, "备用线路编号", "L9998"),
        ({"paper_tariff_code": "XX-1"}, "电价代码", "XX-1"),
        ({"paper_kva": 0}, "合同容量", "0"),
        ({"paper_demand_kw": "many"}, "合同需量", "many"),
    ],
)
def test_a_term_that_names_nothing_or_reads_as_nothing_stops_the_import(
    account, terms, column, value
):
    result = run(workbook({"contracts": [paper_row(account, **terms)]}))
    assert not result.committed
    (problem,) = result.problems
    assert (problem.sheet, problem.row, problem.value) == ("供用电合同 contracts", 2, value)
    assert problem.column.startswith(column)
    assert paper_contract() is None


def test_a_backup_line_that_is_the_main_line_stops_the_import(account):
    result = run(
        workbook({"contracts": [paper_row(account, paper_backup_line_code=account.line.code)]})
    )
    assert not result.committed
    (problem,) = result.problems
    assert problem.column.startswith("备用线路编号") and "须与主供线路不同" in problem.message


def test_the_export_writes_the_paper_terms_with_line_numbers(account):
    assert run(workbook({"contracts": [paper_row(account, paper_demand_kw=500)]})).committed
    (header, row) = content(export_workbook().getvalue())["供用电合同 contracts"]
    stated = dict(zip(header, row, strict=False))  # the empty cells at the end are not read
    assert stated["合同容量 / Contract capacity, kVA"] == 630
    assert stated["合同需量 / Contract demand, kW"] == 500
    assert stated["主供线路编号 / Main supply line no."] == account.line.code
    assert stated.get("备用线路编号 / Backup supply line no.") is None
    assert stated["电价代码 / Tariff code"] == "DGY-10"
    # The same row again compares equal to the archive's; another line is an update.
    same = run(workbook({"contracts": [paper_row(account, paper_demand_kw=500)]}), dry_run=True)
    assert same.plan.counts["contracts"] == {"unchanged": 1}
    line = create_line(code="L0003")
    moved = paper_row(account, paper_demand_kw=500, paper_line_code="L0003")
    assert run(workbook({"contracts": [moved]}), dry_run=True).plan.counts["contracts"] == {
        "update": 1
    }
    batch = run(workbook({"contracts": [moved]})).batch
    changed = db.session.scalars(select(ArchiveChange.field).where(
        ArchiveChange.change_set_id == batch.change_set_id, ArchiveChange.object_type == "contract"
    )).all()  # fmt: skip
    assert changed == ["paper_line_id"]
    assert db.session.scalars(select(Contract.paper_line_id)).all() == [line.id]


# -- the register's form -------------------------------------------------------------------


def _form(account, **overrides) -> dict:
    return {
        "account_no": account.customer.account_no,
        "number": NUMBER,
        "kind": "hv",
        "signed_on": "2019-12-20",
        "starts_on": "2020-01-01",
        "ends_on": "2029-12-31",
        "customer_signatory": "赵总",
        "utility_signatory": "钱主任",
        "paper_kva": "800",
        "paper_demand_kw": "",
        "paper_line_id": str(account.line.id),
        "paper_backup_line_id": "",
        "paper_tariff_code": "DGY-10",
        "paper_boundary": account.source.property_boundary,
        **overrides,
    }


def test_marketing_registers_a_paper_contract_and_its_page_shows_the_difference(
    account, client, login_as
):
    login_as(Role.MARKETING)
    form_page = client.get(f"/contracts/paper?customer={account.customer.account_no}")
    assert form_page.status_code == 200
    text = form_page.get_data(as_text=True)
    assert "登记纸质合同" in text and 'id="archive-terms"' in text
    response = client.post("/contracts/paper", data=_form(account))
    assert response.status_code == 302, response.get_data(as_text=True)
    contract = paper_contract()
    assert (contract.status, contract.paper_kva, contract.paper_line_id) == (
        "signed", 800, account.line.id,
    )  # fmt: skip
    page = client.get(f"/contracts/{NUMBER}").get_data(as_text=True)
    assert 'id="paper-terms"' in page and 'id="contract-changes"' in page
    assert "800 kVA" in page and "630 kVA" in page
    assert 'id="contract-document"' not in page  # no PDF for a contract signed on paper
    reminder = db.session.scalar(select(Deadline).where(Deadline.subject_id == contract.id))
    assert reminder.due_on == date(2029, 12, 31)

    # Corrected to what the paper says, the difference is gone; the reminder follows.
    response = client.post(
        f"/contracts/{NUMBER}/paper", data=_form(account, paper_kva="630", ends_on="2030-06-30")
    )
    assert response.status_code == 302
    page = client.get(f"/contracts/{NUMBER}").get_data(as_text=True)
    assert 'id="contract-changes"' not in page
    db.session.expire_all()
    assert db.session.get(Deadline, reminder.id).due_on == date(2030, 6, 30)


def test_a_correction_reads_in_the_history_with_labels_and_line_names(
    account, app, client, login_as
):
    login_as(Role.MARKETING)
    assert client.post("/contracts/paper", data=_form(account)).status_code == 302
    other = create_line(code="L0003", name="城北三线")
    corrected = _form(account, paper_line_id=str(other.id), paper_kva="630")
    assert client.post(f"/contracts/{NUMBER}/paper", data=corrected).status_code == 302
    changes = db.session.scalars(
        select(ArchiveChange).where(ArchiveChange.object_type == "contract",
                                    ArchiveChange.action == "update")
    ).all()  # fmt: skip
    with app.test_request_context():
        rows = shown_changes(changes, Names(changes))
    shown = {row.label: (row.old, row.new) for row in rows}
    assert shown["主供线路"] == (account.line.name, "城北三线")
    assert shown["合同容量（kVA）"] == ("800", "630")
    history = client.get(f"/archive/customers/{account.customer.account_no}/history")
    assert "城北三线" in history.get_data(as_text=True)


def test_bad_paper_entries_are_refused_and_change_nothing(account, signed, client, login_as):
    login_as(Role.MARKETING)
    taken = client.post("/contracts/paper", data=_form(account, number=signed.number))
    assert taken.status_code == 422
    assert "已被占用" in taken.get_data(as_text=True)
    unknown = client.post("/contracts/paper", data=_form(account, account_no="3100009999"))
    assert unknown.status_code == 422 and "没有客户" in unknown.get_data(as_text=True)
    same = client.post(
        "/contracts/paper", data=_form(account, paper_backup_line_id=str(account.line.id))
    )
    assert same.status_code == 422
    backwards = client.post("/contracts/paper", data=_form(account, ends_on="2019-06-01"))
    assert backwards.status_code == 422
    assert paper_contract() is None
    # A contract signed in utilitycrm is not corrected through the paper form.
    assert client.get(f"/contracts/{signed.number}/paper").status_code == 403


def test_an_account_manager_registers_only_for_their_own_customers(
    account, users, client, login_as
):
    login_as(Role.ACCOUNT_MANAGER)
    assert account.customer.account_manager_id != users[Role.ACCOUNT_MANAGER].id
    assert client.post("/contracts/paper", data=_form(account)).status_code == 403
    assert paper_contract() is None


def test_an_inspector_registers_no_contract(client, login_as):
    login_as(Role.INSPECTOR)
    assert client.get("/contracts/paper").status_code == 403


def test_the_api_gives_the_paper_terms_and_the_terms_that_differ(account, api):
    assert run(workbook({"contracts": [paper_row(account, paper_kva=800)]})).committed
    detail = api(Role.MARKETING).get(f"/api/v1/contracts/{NUMBER}").json
    assert detail["paper_terms"] == {
        "contract_kva": 800, "contract_demand_kw": None, "main_line": account.line.code,
        "backup_line": None, "tariff_code": "DGY-10",
        "property_boundary": account.source.property_boundary,
    }  # fmt: skip
    assert detail["stale_terms"] == ["capacity"]
