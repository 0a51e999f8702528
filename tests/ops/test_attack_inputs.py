"""The attack inputs of the second trust review, replayed: each is refused with a clear
message and changes nothing, or is stored and shown as the harmless text it is."""

from __future__ import annotations

import csv
import io
import re
import secrets
import threading
import zipfile

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from tests.archive.form_data import customer_form
from tests.archive.test_import_pages import commit_form
from tests.archive.test_workbook_import import customer_row, messages, run, workbook
from tests.clock import TODAY
from tests.conftest import empty_all_tables, settings_for
from tests.contracts.conftest import draft
from tests.factories import DEFAULT_PASSWORD, create_contact, create_customer
from tests.validation.dbarchive import change, key_account
from utilitycrm import create_app
from utilitycrm.accounts.models import MonthlyConsumption
from utilitycrm.archive.models import ChangeSet, Contact, Customer, ImportBatch
from utilitycrm.archive.workbook.export import export_workbook
from utilitycrm.archive.workbook.layout import SHEETS_BY_KEY
from utilitycrm.auth.roles import Role
from utilitycrm.contracts.models import Contract, ContractFile
from utilitycrm.contracts.types import ContractStatus
from utilitycrm.core.extensions import db
from utilitycrm.validation.models import Finding

FORMULAS = [
    '=HYPERLINK("http://evil","x")',
    "=1+1",
    "@SUM(1)",
    "+1+1",
    "-1+1",
    "=cmd|' /C calc'!A0",
    "＝1+1",
]
PREFIXED = ["\t=1+1", "\r=1+1", " =1+1"]


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def cells(data: bytes):
    """Every non-empty cell of a workbook, with the type Excel will give it."""
    book = load_workbook(io.BytesIO(data))
    return [cell for sheet in book for row in sheet.iter_rows() for cell in row if cell.value]


def assert_all_text(data: bytes, payloads: list[str]) -> None:
    found = cells(data)
    assert not [c.coordinate for c in found if c.data_type == "f"], "a live formula"
    for payload in payloads:
        holding = [c for c in found if isinstance(c.value, str) and payload.strip() in c.value]
        assert holding, f"{payload!r} is missing from the workbook"
        assert {c.data_type for c in holding} == {"s"}


def test_the_customer_export_writes_formula_text_as_text(client, login_as):
    for number, name in enumerate(FORMULAS + PREFIXED):
        create_customer(account_no=f"31000070{number:02d}", name=name, address=name)
    login_as(Role.INSPECTOR)
    response = client.get("/archive/customers/export.xlsx")
    assert response.status_code == 200
    assert_all_text(response.data, FORMULAS + PREFIXED)


def test_the_findings_export_writes_formula_text_as_text(client, login_as, runner):
    account = key_account(name="=1+1")
    change(account.meter, multiplier=80)
    assert runner.invoke(args=["validate", "run"]).exit_code == 0
    login_as(Role.INSPECTOR)
    response = client.get("/validation/findings/export.xlsx")
    assert response.status_code == 200
    assert_all_text(response.data, ["=1+1"])


def test_the_history_export_writes_formula_text_as_text(client, login_as):
    customer = create_customer()
    login_as(Role.MARKETING)
    saved = client.post(
        f"/archive/customers/{customer.account_no}/edit",
        data=customer_form(customer, name="@SUM(1)", relationship_notes="=HYPERLINK(1)"),
    )
    assert saved.status_code == 302, saved.data
    response = client.get(f"/archive/customers/{customer.account_no}/history.xlsx")
    assert_all_text(response.data, ["@SUM(1)", "=HYPERLINK(1)"])


def test_the_problems_workbook_echoes_titles_and_values_as_text(client, login_as):
    book = Workbook()
    book.active.title = "=1+1"  # an unknown sheet, named in the problems
    customers = book.create_sheet(SHEETS_BY_KEY["customers"].title)
    customers.append([*SHEETS_BY_KEY["customers"].headers, "=HYPERLINK(2)"])
    buffer = io.BytesIO()
    book.save(buffer)
    login_as(Role.MARKETING)
    preview = client.post(
        "/archive/import",
        data={"workbook": (io.BytesIO(buffer.getvalue()), "archive.xlsx")},
        content_type="multipart/form-data",
    )
    assert preview.status_code == 200
    sha = next(
        part.split("/")[0]
        for part in preview.get_data(as_text=True).split("/archive/import/")[1:]
        if "/problems.xlsx" in part
    )
    response = client.get(f"/archive/import/{sha}/problems.xlsx")
    assert response.status_code == 200
    assert_all_text(response.data, ["=1+1", "=HYPERLINK(2)"])
    assert count(Customer) == 0


def test_formula_looking_names_survive_an_export_and_reimport(app):
    stored = [name for name in FORMULAS if name.isascii()]  # input makes full width ASCII
    for number, name in enumerate(stored):
        create_customer(account_no=f"31000071{number:02d}", name=name)
    exported = export_workbook().getvalue()
    empty_all_tables(keep=("app_user", "security_event"))
    imported = run(exported)
    assert imported.committed, messages(imported)
    assert sorted(db.session.scalars(select(Customer.name))) == sorted(stored)


def _with_cell(xml_cell: str) -> bytes:
    """A one-customer workbook with its cell A2 (the 户号) written by hand."""

    def edit(text: str) -> str:
        start = text.index('<c r="A2"')
        end = text.index("</c>", start) + len("</c>")
        return text[:start] + xml_cell + text[end:]

    return _rewrite_sheet(workbook({"customers": [customer_row()]}), edit)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ('<c r="A2"><f t="array" ref="A2">1+1</f><v>2</v></c>', "不接受公式"),
        (
            '<c r="A2"><f t="dataTable" ref="A2" dt2D="0" dtr="0" r1="B1"/><v>2</v></c>',
            "不接受公式",
        ),
        ('<c r="A2" t="n"><v>abc</v></c>', "文件可能已损坏"),
        ('<c r="A2" t="s"><v>9999</v></c>', "文件可能已损坏"),
        ('<c r="A2" t="d"><v>2026-02-30</v></c>', "文件可能已损坏"),
    ],
)
def test_broken_and_array_formula_cells_are_refused(app, cell, expected):
    result = run(_with_cell(cell))
    assert not result.committed
    assert any(expected in message for message in messages(result)), messages(result)
    assert count(Customer) == 0


def _csv(rows: list[list[str]]) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(SHEETS_BY_KEY["customers"].headers[:17])
    writer.writerows(rows)
    return text.getvalue().encode()


def _csv_row(name: str) -> list[str]:
    row = customer_row(name=name)
    keys = [column.key for column in SHEETS_BY_KEY["customers"].columns][:17]
    return [str(row.get(key) or "") for key in keys]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (_csv([_csv_row("=HYPERLINK(1)")]), "不接受公式"),
        (_csv([_csv_row("＝1+1")]), "不接受公式"),
        (_csv([_csv_row("x" * 140_000)]), "无法读取该 CSV 文件"),
        (_csv([_csv_row("ab")]).replace(b"ab", b"a\rb"), "无法读取该 CSV 文件"),
    ],
)
def test_bad_csv_is_refused_with_a_message(app, data, expected):
    result = run(data, "customers.csv")
    assert not result.committed
    assert any(expected in message for message in messages(result)), messages(result)
    assert count(Customer) == 0


def test_an_escaped_formula_in_csv_is_text(app):
    result = run(_csv([_csv_row("'=1+1")]), "customers.csv")
    assert result.committed, messages(result)
    assert db.session.scalars(select(Customer.name)).one() == "=1+1"


def test_declared_dimensions_and_shared_strings_are_refused_before_reading(app):
    app.config.update(IMPORT_MAX_ROWS=10)
    try:
        data = _with_cell('<c r="A2" t="inlineStr"><is><t>3100000501</t></is></c>')
        data = _declare(data, "A1:U1000000")
        result = run(data)
        assert any("文件超过 10 行" in m for m in messages(result)), messages(result)
    finally:
        app.config.update(IMPORT_MAX_ROWS=1_000_000)
    app.config.update(IMPORT_MAX_SHARED_STRINGS=2**20)
    try:
        texts = "".join(f"<si><t>{secrets.token_hex(50)}</t></si>" for _ in range(20_000))
        strings = f'<sst count="20000" uniqueCount="20000">{texts}</sst>'.encode()
        data = workbook({"customers": [customer_row()]})
        buffer = io.BytesIO(data)
        with zipfile.ZipFile(buffer, "a") as archive:
            archive.writestr("xl/sharedStrings.xml", strings)
        result = run(buffer.getvalue())
        assert any("文本超过 1 MB" in m for m in messages(result)), messages(result)
    finally:
        app.config.update(IMPORT_MAX_SHARED_STRINGS=256 * 2**20)
    assert count(Customer) == 0


def test_a_million_blank_rows_stop_at_the_row_limit(app):
    app.config.update(IMPORT_MAX_ROWS=1000)
    try:
        blank = "".join(f'<row r="{n}"><c r="B{n}" t="inlineStr"><is><t></t></is></c></row>'
                        for n in range(3, 3000))  # fmt: skip
        result = run(_with_rows(workbook({"customers": [customer_row()]}), blank))
        assert any("文件超过 1000 行" in m for m in messages(result)), messages(result)
    finally:
        app.config.update(IMPORT_MAX_ROWS=1_000_000)


def _rewrite_sheet(data: bytes, edit) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename.startswith("xl/worksheets/sheet"):
                content = edit(content.decode()).encode()
            target.writestr(item, content)
    return buffer.getvalue()


def _declare(data: bytes, ref: str) -> bytes:
    def edit(text: str) -> str:
        start = text.index("<dimension ref=")
        end = text.index("/>", start) + 2
        return text[:start] + f'<dimension ref="{ref}"/>' + text[end:]

    return _rewrite_sheet(data, edit)


def _with_rows(data: bytes, rows: str) -> bytes:
    return _rewrite_sheet(data, lambda text: text.replace("</sheetData>", rows + "</sheetData>"))


# Races: every loser of a race gets the ordinary "someone else did it first" answer.


def signed_in_clients(app, username: str, count: int) -> list:
    """`count` browsers sharing one sign-in (signing in twenty times costs twenty hashes)."""
    first = app.test_client()
    assert (
        first.post("/login", data={"username": username, "password": DEFAULT_PASSWORD}).status_code
        == 302
    )
    cookie = first.get_cookie("session")
    clients = [first]
    for _ in range(count - 1):
        client = app.test_client()
        client.set_cookie("session", cookie.value)
        clients.append(client)
    return clients


def race(clients, send) -> list[int]:
    """Every client sends at the same moment; the statuses they got."""
    start = threading.Barrier(len(clients))
    statuses: list[int] = []

    def go(client) -> None:
        start.wait(timeout=30)
        statuses.append(send(client).status_code)

    threads = [threading.Thread(target=go, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(statuses) == len(clients)
    return statuses


@pytest.mark.commits  # the requests race in threads
def test_twenty_parallel_signings_of_one_draft_sign_it_once(app, users):
    account = key_account()
    contract = draft(account.customer, users[Role.MARKETING])
    form = {
        "signed_on": TODAY.isoformat(), "starts_on": TODAY.isoformat(),
        "ends_on": TODAY.replace(year=TODAY.year + 5).isoformat(),
        "customer_signatory": "王经理", "utility_signatory": "李主任",
    }  # fmt: skip
    clients, number = signed_in_clients(app, "marketing", 20), contract.number
    statuses = race(clients, lambda c: c.post(f"/contracts/{number}/sign", data=form))
    assert 500 not in statuses and set(statuses) <= {302, 409}, statuses
    db.session.expire_all()
    assert db.session.get(Contract, contract.id).status == ContractStatus.SIGNED
    files = select(func.count()).select_from(ContractFile).where(ContractFile.role == "signed")
    assert db.session.scalar(files) == 1


@pytest.mark.commits  # the requests race in threads
def test_twenty_parallel_undos_of_one_import_undo_it_once(app, users):
    rows = [customer_row(account_no=f"31000080{n:02d}") for n in range(5)]
    imported = run(workbook({"customers": rows}))
    assert imported.committed and count(Customer) == 5
    clients = signed_in_clients(app, "marketing", 20)
    batch_id = imported.batch.id
    statuses = race(clients, lambda c: c.post(f"/archive/imports/{batch_id}/undo"))
    assert 500 not in statuses, statuses
    assert count(Customer) == 0
    db.session.expire_all()
    changes = select(func.count()).select_from(ChangeSet)
    assert db.session.scalar(changes) == 2  # the import and one undo


@pytest.mark.commits  # the requests race in threads
def test_two_overlapping_import_commits_import_once(app, client, login_as):
    data = workbook({"customers": [customer_row(account_no=f"31000090{n:02d}") for n in range(30)]})
    clients = signed_in_clients(app, "marketing", 2)
    previews = [
        c.post("/archive/import", data={"workbook": (io.BytesIO(data), "archive.xlsx")},
               content_type="multipart/form-data").get_data(as_text=True)
        for c in clients
    ]  # fmt: skip
    forms = iter([commit_form(preview) for preview in previews])
    statuses = race(clients, lambda c: c.post("/archive/import/commit", data=next(forms)))
    assert 500 not in statuses, statuses
    assert count(Customer) == 30
    assert db.session.scalar(select(func.count()).select_from(ImportBatch)) == 1


# A form or request without the version it was loaded at overwrites nothing.


def test_a_customer_form_without_its_version_is_refused(client, login_as):
    customer = create_customer(name="原名称")
    login_as(Role.MARKETING)
    for version in (None, "abc", "0"):
        form = customer_form(customer, name="新名称")
        form.pop("version") if version is None else form.update(version=version)
        response = client.post(f"/archive/customers/{customer.account_no}/edit", data=form)
        assert response.status_code in (200, 409)
        assert "刷新页面" in response.get_data(as_text=True)
    db.session.expire_all()
    assert (customer.name, customer.version) == ("原名称", 1)


def test_a_delete_without_its_version_is_refused(client, login_as):
    customer = create_customer()
    contact = create_contact(customer)
    login_as(Role.MARKETING)
    response = client.post(
        f"/archive/customers/{customer.account_no}/contacts/{contact.id}/delete",
        data={"reason": "x"}, follow_redirects=True,
    )  # fmt: skip
    assert "刷新页面" in response.get_data(as_text=True)
    assert count(Contact) == 1


def test_a_finding_step_without_its_version_is_refused(client, login_as, runner):
    account = key_account()
    change(account.meter, multiplier=80)
    assert runner.invoke(args=["validate", "run"]).exit_code == 0
    finding = db.session.scalars(select(Finding)).one()
    login_as(Role.INSPECTOR)
    response = client.post(
        f"/validation/findings/{finding.id}/resolve", data={"note": "改好了"},
        follow_redirects=True,
    )  # fmt: skip
    assert "刷新页面" in response.get_data(as_text=True)
    db.session.expire_all()
    assert finding.status == "open"


# Upload limits: each page that takes a file has its own, in force before CSRF reads it.


def csrf_client(database_url):
    app = create_app(settings_for(database_url, WTF_CSRF_ENABLED=True))
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]
    login = {"username": "marketing", "password": DEFAULT_PASSWORD, "csrf_token": token}
    assert client.post("/login", data=login).status_code == 302
    return app, client


def token_of(client, url: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                     client.get(url).get_data(as_text=True))[1]  # fmt: skip


def test_the_import_page_takes_files_over_the_general_form_limit(database_url, users):
    app, client = csrf_client(database_url)
    big = b"PK" + secrets.token_bytes(17 * 2**20)  # over the 16 MiB of other forms
    with app.app_context():
        response = client.post(
            "/archive/import", content_type="multipart/form-data",
            data={"csrf_token": token_of(client, "/archive/import"),
                  "workbook": (io.BytesIO(big), "archive.xlsx")},
        )  # fmt: skip
    assert response.status_code == 200
    assert "不是 Excel 工作簿" in response.get_data(as_text=True)  # read, and refused as such


def test_a_file_over_the_page_limit_is_told_the_limit(database_url, users):
    app, browser = csrf_client(database_url)
    app.config["CONTRACT_SCAN_MAX_BYTES"] = 2**20
    account = key_account()
    contract = draft(account.customer, users[Role.MARKETING])
    with app.app_context():
        response = browser.post(
            f"/contracts/{contract.number}/scan", content_type="multipart/form-data",
            data={"csrf_token": token_of(browser, f"/contracts/{contract.number}"),
                  "scan": (io.BytesIO(b"%PDF" + b"0" * (2 * 2**20)), "scan.pdf")},
        )  # fmt: skip
    assert response.status_code == 413
    assert "文件超过 1 MB，这是本页接受的上限" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ContractFile)) == 0


# The preview runs every check the commit will: what the database refuses is named first.


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"contract_capacity_kva": "99999999999999999999999"}, "应为 0 至 2147483647 的整数"),
        ({"contract_capacity_kva": -5}, "应为 0 至 2147483647 的整数"),
        ({"contract_demand_kw": 0, "tariff_structure": "two_part",
          "basic_charge_basis": "demand"}, "应为 1 至 2147483647 的整数"),
        ({"name": "名" * 201}, "最多 200 个字符"),
    ],
)  # fmt: skip
def test_the_preview_refuses_what_the_database_would(app, overrides, expected):
    data = workbook({"customers": [customer_row(**overrides)]})
    preview = run(data, dry_run=True)
    assert any(expected in message for message in messages(preview)), messages(preview)
    committed = run(data)
    assert not committed.committed and messages(committed) == messages(preview)
    assert count(Customer) == 0


@pytest.mark.parametrize("name", ["data", "formdata", "obj", "prefix", "meta", "customer"])
def test_query_names_of_form_arguments_are_no_defaults(client, login_as, name):
    customer = create_customer()
    login_as(Role.MARKETING)
    for url in (f"/archive/customers/{customer.account_no}/contacts/new",
                f"/archive/customers/{customer.account_no}/sources/new",
                "/archive/network/nodes/new"):  # fmt: skip
        response = client.get(f"{url}?{name}=x")
        assert response.status_code == 200, (url, response.status_code)


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (b"\xe6\x88\xb7\xe5\x8f\xb7,\xe6\x9c\x88\xe4\xbb\xbd,\xe7\x94\xb5\xe9\x87\x8f,"
         b"\xe7\x94\xb5\xe8\xb4\xb9\n3100000001,2026-09,1\r0,1\n", "consumption.csv"),
        (("户号,月份,电量,电费\n3100000001,2026-09," + "9" * 140_000 + ",1\n").encode(),
         "consumption.csv"),
    ],
)  # fmt: skip
def test_the_consumption_import_reads_damaged_files_without_a_500(client, login_as, data, filename):
    login_as(Role.MARKETING)
    response = client.post(
        "/accounts/consumption/import", content_type="multipart/form-data",
        data={"workbook": (io.BytesIO(data), filename)},
    )  # fmt: skip
    assert response.status_code == 422  # the page, listing the problems
    assert "无法读取该 CSV 文件" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(MonthlyConsumption)) == 0
