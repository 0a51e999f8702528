"""Role-by-role access to every URL: one truth table, and a check that it covers every route."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tests.conftest import joined_session
from tests.factories import (
    create_contact,
    create_customer,
    create_line,
    create_node,
    create_source,
    create_user,
)
from utilitycrm.archive.history import ChangeSource, recording
from utilitycrm.archive.models import ImportBatch
from utilitycrm.archive.workbook import uploads
from utilitycrm.auth.models import User
from utilitycrm.auth.roles import Role
from utilitycrm.contracts.models import Contract, ContractFile
from utilitycrm.core.extensions import db
from utilitycrm.core.jobs import Job, JobStatus
from utilitycrm.core.pdf import PDF_MIMETYPE as PDF
from utilitycrm.deadlines.calendar import WorkCalendar
from utilitycrm.projects import acceptance
from utilitycrm.projects.models import TimeLimitProfile
from utilitycrm.projects.profiles import SGCC_2023
from utilitycrm.projects.types import BusinessType
from utilitycrm.validation.models import Finding, ValidationRun

ANY = frozenset(Role)
ADMIN = frozenset({Role.ADMIN})
EDITORS = frozenset({Role.ADMIN, Role.MARKETING})
EDITORS_AND_OWN_MANAGER = EDITORS | {Role.ACCOUNT_MANAGER}  # the customer's own manager
INSPECTORS = frozenset({Role.INSPECTOR})  # and whoever a finding is assigned to
PROJECT_MANAGERS = frozenset({Role.MARKETING, Role.CHIEF})
PROJECT_WORKERS = PROJECT_MANAGERS | {Role.ACCOUNT_MANAGER}  # the project's own manager
CONTRACT_WORKERS = frozenset({Role.MARKETING, Role.ACCOUNT_MANAGER})  # managers: their own
COMPLAINT_HANDLERS = frozenset({Role.MARKETING, Role.ACCOUNT_MANAGER, Role.CHIEF})
VISITORS = EDITORS_AND_OWN_MANAGER | {Role.CHIEF}
FOLLOW_UP_OWNER = frozenset({Role.ACCOUNT_MANAGER})
RUNNERS = frozenset({Role.ADMIN, Role.INSPECTOR})  # who runs validation and line losses
CHIEFS = frozenset({Role.CHIEF})
PUBLIC = "public"
C = "/archive/customers/{customer}"
P = "/projects/{project}"
K = "/contracts/{contract}"

# endpoint: (method, path, who may use it[, what they get]). Placeholders name records made
# by `records`. Whoever may use it gets the page (200) or, for a POST, the redirect that
# follows an action (302), unless the entry says otherwise (400: an empty form refused).
ACCESS_TABLE = {
    "auth.login": ("GET", "/login", PUBLIC),
    "health.healthz": ("GET", "/healthz", PUBLIC),
    "favicon": ("GET", "/favicon.ico", PUBLIC),
    "auth.language": ("POST", "/language", PUBLIC),
    "auth.logout": ("POST", "/logout", ANY),
    "auth.profile": ("GET", "/profile", ANY),
    "auth.change_password": ("POST", "/profile/password", ANY, 400),
    "auth.create_token": ("POST", "/profile/tokens", ANY),
    "auth.revoke_token": ("POST", "/profile/tokens/{token}/revoke", ANY),
    "auth.end_other_sessions": ("POST", "/profile/sessions/end", ANY),
    "home.index": ("GET", "/", ANY),
    "admin.users": ("GET", "/admin/users", ADMIN),
    "admin.create_user": ("GET", "/admin/users/new", ADMIN),
    "admin.edit_user": ("GET", "/admin/users/{user}", ADMIN),
    "admin.reset_password": ("POST", "/admin/users/{user}/password", ADMIN, 400),
    "admin.sign_out_everywhere": ("POST", "/admin/users/{user}/sign-out", ADMIN),
    "admin.security_events": ("GET", "/admin/security-log", ADMIN),
    "jobs.job_list": ("GET", "/admin/jobs?status=failed", ADMIN),
    "archive.import_job": ("GET", "/archive/import/jobs/{import_job}", EDITORS),
    "jobs.retry": ("POST", "/admin/jobs/{job}/retry", ADMIN),
    "jobs.progress": ("GET", "/jobs/{job}/progress", ANY),
    "jobs.job_detail": ("GET", "/jobs/{job}", ADMIN),  # the starter's and the operators'
    "jobs.download": ("GET", "/jobs/{job}/file", ADMIN, 404),  # a failed job made no file
    "archive.customers": ("GET", "/archive/customers?q=31", ANY),
    "archive.create_customer": ("GET", "/archive/customers/new", EDITORS),
    "archive.export_customers": ("GET", "/archive/customers/export.xlsx?q=31", ANY),
    "archive.workbook_template": ("GET", "/archive/workbook-template.xlsx", ANY),
    "archive.import_upload": ("GET", "/archive/import", EDITORS),
    "archive.import_commit": ("POST", "/archive/import/commit", EDITORS),
    "archive.import_problems": ("GET", "/archive/import/{sha}/problems.xlsx", EDITORS),
    "archive.import_batches": ("GET", "/archive/imports", ANY),
    "archive.undo_import": ("POST", "/archive/imports/{batch}/undo", EDITORS),
    "archive.customer": ("GET", C, ANY),
    "archive.edit_customer": ("GET", C + "/edit", EDITORS_AND_OWN_MANAGER),
    "archive.close_customer": ("POST", C + "/close", EDITORS),
    "archive.customer_history": ("GET", C + "/history", ANY),
    "archive.export_customer_history": ("GET", C + "/history.xlsx", ANY),
    "archive.new_customer_record": ("GET", C + "/sources/new", EDITORS),
    "archive.edit_customer_record": ("GET", C + "/sources/{source}/edit", EDITORS),
    "archive.delete_customer_record": ("POST", C + "/sources/{source}/delete", EDITORS),
    "archive.customer_record_history": ("GET", C + "/sources/{source}/history", ANY),
    "archive.new_network_record": ("GET", "/archive/network/lines/new", EDITORS),
    "archive.edit_network_record": ("GET", "/archive/network/lines/{line}/edit", EDITORS),
    "archive.delete_network_record": ("POST", "/archive/network/nodes/{node}/delete", EDITORS),
    "archive.network_record_history": ("GET", "/archive/network/lines/{line}/history", ANY),
    "archive.substations": ("GET", "/archive/substations", ANY),
    "archive.lines": ("GET", "/archive/lines", ANY),
    "archive.line": ("GET", "/archive/lines/{line}", ANY),
    "archive.transformers": ("GET", "/archive/transformers", ANY),
    "archive.meters": ("GET", "/archive/meters", ANY),
    "validation.findings": ("GET", "/validation/findings?family=metering", ANY),
    "validation.findings_report": ("GET", "/validation/findings/report.pdf?family=metering", ANY),
    "validation.export_findings": ("GET", "/validation/findings/export.xlsx?family=metering", ANY),
    "validation.finding": ("GET", "/validation/findings/{finding}", ANY),
    "validation.assign": ("POST", "/validation/findings/{finding}/assign", INSPECTORS),
    "validation.rectify": ("POST", "/validation/findings/{finding}/rectify", INSPECTORS),
    "validation.resolve": ("POST", "/validation/findings/{finding}/resolve", INSPECTORS),
    "validation.waive": ("POST", "/validation/findings/{finding}/waive", INSPECTORS),
    "validation.comment": ("POST", "/validation/findings/{finding}/comment", INSPECTORS),
    # Starting a run (POST) is tested in tests/validation/test_pages.py.
    "validation.runs": ("GET", "/validation/runs", ANY),
    "validation.run": ("GET", "/validation/runs/{run}", ANY),
    "validation.thresholds": ("GET", "/validation/thresholds", ANY),
    "network.losses_index": ("GET", "/network/losses?kind=area", ANY),
    "network.line_losses": ("GET", "/network/losses/lines/{line}", ANY),
    "network.losses_workbook": ("GET", "/network/losses.xlsx", ANY),
    "network.losses_report": ("GET", "/network/losses.pdf", ANY, 404),  # none computed
    "network.compute": ("POST", "/network/losses/compute", RUNNERS),
    "network.readings_import": ("GET", "/network/readings/import", EDITORS),
    "network.readings_template": ("GET", "/network/readings/template.xlsx", ANY),
    "network.line_cim": ("GET", "/network/lines/{line}/cim.xml", ANY),
    "network.choose_line": ("POST", "/network" + P + "/line/{line}", PROJECT_WORKERS),
    "network.override": ("POST", "/network" + P + "/override", CHIEFS),
    "deadlines.calendar": ("GET", "/calendar?year=2027", ANY),
    "deadlines.set_day": ("POST", "/calendar/days", ADMIN),
    "deadlines.remove_day": ("POST", "/calendar/days/2027-01-01/delete", ADMIN),
    "deadlines.confirm_year": ("POST", "/calendar/years", ADMIN),
    "inbox.index": ("GET", "/inbox", ANY),
    "saved_filters.save": ("POST", "/saved-filters", ANY),
    "saved_filters.delete": ("POST", "/saved-filters/1/delete", ANY),
    "inbox.snooze": ("POST", "/inbox/finding:{finding}/snooze", ANY),
    "inbox.finish": ("POST", "/inbox/finding:{finding}/finish", ANY),
    "inbox.reassign": ("POST", "/inbox/finding:{finding}/reassign", ANY),
    "projects.index": ("GET", "/projects?manager=all", ANY),
    "projects.new": ("GET", "/projects/new", PROJECT_WORKERS),  # managers: their own
    "projects.project": ("GET", P, ANY),
    "projects.start": ("POST", P + "/start", PROJECT_WORKERS),
    "projects.finish": ("POST", P + "/finish", PROJECT_WORKERS),
    "projects.pause": ("POST", P + "/pause", PROJECT_WORKERS),
    "projects.resume": ("POST", P + "/resume", PROJECT_WORKERS),
    "projects.cancel": ("POST", P + "/cancel", PROJECT_WORKERS),
    "projects.metering": ("POST", P + "/metering", PROJECT_WORKERS),
    "projects.draft_plan": ("POST", P + "/plan", PROJECT_WORKERS),
    "projects.edit_plan": ("POST", P + "/plan/edit", PROJECT_WORKERS),
    "projects.approve_plan": ("POST", P + "/plan/approve", PROJECT_WORKERS),
    "projects.plan_pdf": ("GET", P + "/plan.pdf", ANY, 404),  # the project has no plan
    "projects.record_unit": ("POST", P + "/units", PROJECT_WORKERS),
    "projects.raise_defects": ("POST", P + "/defects", PROJECT_WORKERS),
    "projects.close_defect": ("POST", P + "/defects/1/close", PROJECT_WORKERS),
    "projects.start_grid_work": ("POST", P + "/grid-works", PROJECT_WORKERS),
    "projects.finish_grid_work": ("POST", P + "/grid-works/1/done", PROJECT_WORKERS),
    "projects.upload_attachment": ("POST", P + "/attachments", PROJECT_WORKERS),
    "projects.attachment": ("GET", P + "/attachments/1", ANY, 404),  # none kept
    "projects.printout": ("GET", P + "/forms/accept.pdf", ANY),
    "projects.record_return_visit": ("POST", P + "/return-visit", PROJECT_WORKERS),
    "projects.record_follow_up": ("POST", P + "/return-visit/follow-up", PROJECT_WORKERS),
    "projects.report": ("GET", "/projects/report?start=2026-01-01&end=2026-12-31", ANY),
    "projects.profiles": ("GET", "/projects/profiles", ANY),
    "projects.new_profile": ("GET", "/projects/profiles/new", ADMIN),
    "projects.edit_profile": ("GET", "/projects/profiles/sgcc/edit", ADMIN),
    "contracts.index": ("GET", "/contracts?q=GYD&ending=90", ANY),
    "contracts.new": ("GET", "/contracts/new?customer={customer}", CONTRACT_WORKERS),
    "contracts.contract": ("GET", K, ANY),
    "contracts.document": ("GET", K + "/document.pdf", ANY),
    "contracts.file": ("GET", K + "/files/{contract_file}", ANY),
    "contracts.sign": ("POST", K + "/sign", CONTRACT_WORKERS),
    "contracts.scan": ("POST", K + "/scan", CONTRACT_WORKERS),
    "contracts.terminate": ("POST", K + "/terminate", CONTRACT_WORKERS),
    "contracts.renew": ("POST", K + "/renew", CONTRACT_WORKERS),
    "contracts.paper_new": ("GET", "/contracts/paper?customer={customer}", CONTRACT_WORKERS),
    "contracts.paper_edit": ("GET", "/contracts/{paper_contract}/paper", CONTRACT_WORKERS),
    "accounts.index": ("GET", "/accounts", ANY),
    "accounts.reassign": ("POST", "/accounts/reassign", frozenset({Role.CHIEF})),
    "accounts.account": ("GET", "/accounts/customers/{customer}", ANY),
    "accounts.new_visit": ("GET", "/accounts/customers/{customer}/visits/new", VISITORS),
    "accounts.follow_up_done": ("POST", "/accounts/follow-ups/{follow_up}/done", FOLLOW_UP_OWNER),
    "accounts.complaints_index": ("GET", "/accounts/complaints?show=all", ANY),
    "accounts.new_complaint": ("GET", "/accounts/complaints/new", COMPLAINT_HANDLERS),
    "accounts.complaint": ("GET", "/accounts/complaints/{complaint}", ANY),
    "accounts.complaint_contact": (
        "POST",
        "/accounts/complaints/{complaint}/contact",
        COMPLAINT_HANDLERS,
    ),
    "accounts.complaint_advance": (
        "POST",
        "/accounts/complaints/{complaint}/advance",
        COMPLAINT_HANDLERS,
    ),
    "accounts.consumption_lists": ("GET", "/accounts/consumption?month=2026-10", ANY),
    "accounts.consumption_import": ("GET", "/accounts/consumption/import", EDITORS),
}

# Contacts and documents: also the customer's own account manager, and nobody else.
RELATIONSHIP_TABLE = {
    "new contact": ("GET", C + "/contacts/new", EDITORS_AND_OWN_MANAGER),
    "edit contact": ("GET", C + "/contacts/{contact}/edit", EDITORS_AND_OWN_MANAGER),
    "delete contact": ("POST", C + "/contacts/{contact}/delete", EDITORS_AND_OWN_MANAGER),
    "new document": ("GET", C + "/documents/new", EDITORS_AND_OWN_MANAGER),
}


@pytest.fixture(scope="module")
def module_records(app, module_connection) -> tuple[dict[str, object], dict[Role, int]]:
    """Built once for the module's 600-odd cases, each of which rolls back its own work."""
    with app.app_context(), joined_session(module_connection):
        users = {role: create_user(role=role, username=role.value.replace("_", "-"))
                 for role in Role}  # fmt: skip
        return build_records(users), {role: user.id for role, user in users.items()}


@pytest.fixture
def users(module_records) -> dict[Role, User]:
    """The module's users, loaded into this test's session."""
    return {role: db.session.get(User, user_id) for role, user_id in module_records[1].items()}


@pytest.fixture
def records(module_records) -> dict[str, object]:
    return module_records[0]


def build_records(users) -> dict[str, object]:
    """One of each record the table's paths name; the customer belongs to the manager."""
    line = create_line()
    customer = create_customer(account_manager_id=users[Role.ACCOUNT_MANAGER].id)
    return {
        "user": users[Role.MARKETING].id,
        "customer": customer.account_no,
        "source": create_source(customer, line).id,
        "contact": create_contact(customer).id,
        "line": line.id,
        "node": create_node(line).id,
        "sha": uploads.keep(b"not a workbook", "x.xlsx"),
        "batch": _batch(),
        "job": _failed_job(),
        "import_job": _failed_job("archive.import"),
        "token": 999_999,  # revoking someone else's or no token: refused, never a 403
        "project": project_record(customer, users[Role.MARKETING]),
        **_finding(customer),
        **contract_records(customer),
        **key_account_records(customer, users[Role.ACCOUNT_MANAGER]),
    }


def _failed_job(kind: str = "gone.kind") -> int:
    """By default of a kind no app knows: its retry fails again at once, touching nothing."""
    job = Job(kind=kind, status=JobStatus.FAILED, error="gone", attempts=3)
    db.session.add(job)
    db.session.flush()
    return job.id


def key_account_records(customer, manager) -> dict[str, object]:
    """A visit with a follow-up of the customer's manager, and a complaint."""
    from utilitycrm.accounts import complaints, visits

    today = date(2026, 11, 23)
    visit = visits.record_visit(customer, visits.VisitRequest(
        today, "王总", "电费", follow_ups=(visits.FollowUpRequest("回电", manager.id, today),),
    ), actor=manager, today=today)  # fmt: skip
    received = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    complaint = complaints.log_complaint(
        complaints.ComplaintRequest(customer, "95598", "service", received, "服务态度"),
        actor=manager, calendar=WorkCalendar(), now=received,
    )  # fmt: skip
    db.session.commit()
    return {"follow_up": visit.follow_ups[0].id, "complaint": complaint.number}


def contract_records(customer) -> dict[str, object]:
    """A draft of the customer's, with a stored file (made directly: this customer's
    archive is too thin for the service to draft from), and a contract signed on paper."""
    contract = Contract(number="GYD-2026-000001", customer_id=customer.id, kind="hv")
    contract.files.append(ContractFile(role="scan", filename="scan.pdf", media_type=PDF,
                                       size=5, sha256="0" * 64, content=b"%PDF-"))  # fmt: skip
    paper = Contract(number="GY-2019-0001", customer_id=customer.id, kind="hv",
                     status="signed", signed_on=date(2019, 12, 20),
                     starts_on=date(2020, 1, 1), ends_on=date(2029, 12, 31))  # fmt: skip
    with recording(None, source=ChangeSource.SYSTEM):
        db.session.add_all([contract, paper])
        db.session.commit()
    return {"contract": contract.number, "contract_file": contract.files[0].id,
            "paper_contract": paper.number}  # fmt: skip


def project_record(customer, actor) -> str:
    """A change of use of the manager's customer, so that it is the manager's project."""
    db.session.add(
        TimeLimitProfile(code="sgcc", name="SGCC", effective_on=date(2023, 1, 1),
                         is_default=True, limits=SGCC_2023["limits"])
    )  # fmt: skip
    accepted = date(2026, 9, 28)
    request = acceptance.ProjectRequest(
        BusinessType.CATEGORY_CHANGE, accepted, customer=customer,
        new_category="general_commercial", effective_on=date(2026, 10, 16),
    )  # fmt: skip
    project = acceptance.accept(request, actor=actor, calendar=WorkCalendar(), today=accepted)
    db.session.commit()
    return project.number


def _finding(customer) -> dict[str, int]:
    run = ValidationRun(trigger="cli", status="done")
    db.session.add(run)
    db.session.flush()
    finding = Finding(
        fingerprint="0" * 64,
        rule_id="completeness.missing_phone",
        family="completeness",
        severity="warning",
        customer_id=customer.id,
        objects=[],
        first_run_id=run.id,
        last_run_id=run.id,
    )
    db.session.add(finding)
    db.session.commit()
    return {"run": run.id, "finding": finding.id}


def _batch() -> int:
    batch = ImportBatch(file_name="x.xlsx", sha256="0" * 64, counts={})
    db.session.add(batch)
    db.session.commit()
    return batch.id


def test_the_table_covers_every_route(app):
    endpoints = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if not (rule.endpoint == "static" or rule.endpoint.endswith(".static"))
        and not rule.rule.startswith("/api/")  # the API has its own table (tests/api)
    }
    assert endpoints == set(ACCESS_TABLE), "declare new routes in ACCESS_TABLE"


CASES = [(endpoint, role) for endpoint in ACCESS_TABLE for role in [None, *Role]]


@pytest.mark.parametrize(
    ("endpoint", "role"), CASES, ids=[f"{e}-{r or 'anonymous'}" for e, r in CASES]
)
def test_access(client, records, login_as, endpoint, role):
    check(client, login_as, ACCESS_TABLE[endpoint], records, role)


RELATIONSHIP_CASES = [(name, role) for name in RELATIONSHIP_TABLE for role in Role]


@pytest.mark.parametrize(
    ("name", "role"), RELATIONSHIP_CASES, ids=[f"{n}-{r}" for n, r in RELATIONSHIP_CASES]
)
def test_relationship_access(client, records, login_as, name, role):
    check(client, login_as, RELATIONSHIP_TABLE[name], records, role)


def test_other_managers_customers_are_read_only_for_a_manager(client, records, login_as):
    other = create_customer()  # no manager: not this manager's customer
    login_as(Role.ACCOUNT_MANAGER)
    assert client.get(f"/archive/customers/{other.account_no}").status_code == 200
    assert client.get(f"/archive/customers/{other.account_no}/edit").status_code == 403
    assert client.get(f"/archive/customers/{other.account_no}/contacts/new").status_code == 403


def check(client, login_as, entry, records, role) -> None:
    method, path, allowed, *status = entry
    expected = status[0] if status else 200 if method == "GET" else 302
    path = path.format(**records)
    if role is not None:
        login_as(role)
    response = client.open(path, method=method)
    if allowed == PUBLIC and role is not None and path == "/login":
        assert response.status_code == 302 and response.headers["Location"] == "/"  # signed in
    elif allowed == PUBLIC:
        assert response.status_code == expected
        assert "/login?next" not in response.headers.get("Location", "")
    elif role is None:
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login?next=")
    elif role in allowed:
        assert response.status_code == expected, response.get_data(as_text=True)[:500]
    else:
        assert response.status_code == 403
        assert "无权访问" in response.get_data(as_text=True)


def test_refusals_are_logged(client, login_as):
    from tests.auth.test_login import events
    from utilitycrm.auth.models import SecurityEventKind

    login_as(Role.INSPECTOR)
    client.get("/admin/users")
    assert events(SecurityEventKind.PERMISSION_DENIED) == 1


@pytest.mark.parametrize(
    ("role", "visible", "hidden"),
    [
        (Role.ADMIN, ["/admin/users", "/admin/security-log"], []),
        (Role.MARKETING, [], ["/admin/users"]),
        (Role.ACCOUNT_MANAGER, [], ["/admin/users"]),
        (Role.INSPECTOR, [], ["/admin/users"]),
    ],
)
def test_navigation_shows_each_role_what_it_can_use(client, login_as, role, visible, hidden):
    login_as(role)
    html = client.get("/").get_data(as_text=True)
    nav = html.split('id="main-menu"')[1].split('<div class="d-flex')[0]
    for path in visible:
        assert f'href="{path}"' in nav
    for path in hidden:
        assert f'href="{path}"' not in nav
