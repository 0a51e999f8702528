"""An account manager takes a 新装 high-voltage application through the supply plan, a
design review with a defect, a grid-side bay, the inspections with the builder's licence,
装表接电 and 归档, then records the return visit, in Chromium; a chief approves the plan."""

from __future__ import annotations

from playwright.sync_api import expect

from tests import factories
from tests.clock import TODAY
from tests.e2e.test_roles_journey import sign_in
from tests.pdftext import pdf_text
from tests.projects.conftest import new_connection, sign_contract
from utilitycrm.auth.roles import Role
from utilitycrm.core.extensions import db
from utilitycrm.deadlines.calendar import WorkCalendar
from utilitycrm.projects import acceptance
from utilitycrm.projects.models import Project, TimeLimitProfile
from utilitycrm.projects.profiles import SEEDED

PDF = b"%PDF-1.4 scanned papers"


def _accepted(users) -> Project:
    db.session.add_all(TimeLimitProfile(**profile) for profile in SEEDED)
    line = factories.create_line(name="城南一线")
    request = new_connection(line, users[Role.ACCOUNT_MANAGER], on=TODAY)
    project = acceptance.accept(request, actor=users[Role.MARKETING], calendar=WorkCalendar(),
                                today=TODAY)  # fmt: skip
    db.session.commit()
    return project


def _upload(page, kind: str, name: str) -> None:
    page.locator("#attachment-section summary").click()
    form = page.locator("#attachment-form")
    form.locator("select[name=kind]").select_option(kind)
    form.locator("input[type=file]").set_input_files(
        {"name": name, "mimeType": "application/pdf", "buffer": PDF}
    )
    form.locator("button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text("已存档")


def _start(page) -> None:
    page.locator("#start-form button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()


def _finish(page, expected: str = "环节已完成") -> None:
    page.locator("#finish-form button[type=submit]").click()
    expect(page.locator(".alert").first).to_contain_text(expected)


def _unit(page, role: str, **fields) -> None:
    page.locator("#unit-section summary").click()
    form = page.locator("#unit-form")
    form.locator("select[name=role]").select_option(role)
    for name, value in fields.items():
        if name == "licence_class":
            form.locator("select[name=licence_class]").select_option(value)
        else:
            form.locator(f"input[name={name}]").fill(value)
    form.locator("button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text("已按客户自选记录")


def test_a_new_connection_from_plan_to_return_visit(page, users):
    project = _accepted(users)
    url = f"/projects/{project.number}"
    page.on("dialog", lambda dialog: dialog.accept())  # every stage step is confirmed
    sign_in(page, users[Role.ACCOUNT_MANAGER].username)
    page.goto(url)

    # The survey: the application's documents, then the plan drafted from it.
    for kind, name in (("id_document", "营业执照.pdf"), ("property", "产权证明.pdf"),
                       ("load_list", "用电设备清单.pdf")):  # fmt: skip
        _upload(page, kind, name)
    _finish(page)
    page.locator("#draft-plan-form button").click()
    expect(page.locator("#plan-status")).to_have_text("草稿")
    expect(page.locator("#plan-scheme")).to_contain_text("高供高计")
    page.locator("#grid-section summary").click()
    grid = page.locator("#grid-form")
    grid.locator("select[name=kind]").select_option("bay")
    grid.locator("input[name=department]").fill("运维检修部")
    grid.locator("input[name=planned_on]").fill(TODAY.replace(day=30).isoformat())
    grid.locator("input[name=description]").fill("城南变 10 kV 出线间隔扩建")
    grid.locator("button[type=submit]").click()
    expect(page.locator(".grid-work-row")).to_contain_text("城南变 10 kV 出线间隔扩建")

    # A chief approves the plan; its PDF is the customer's copy.
    page.context.clear_cookies()
    sign_in(page, users[Role.CHIEF].username)
    page.goto(url)
    page.locator("#approve-plan-form button").click()
    expect(page.locator("#plan-status")).to_have_text("已审批")
    plan_pdf = page.request.get(page.locator("#plan-pdf").get_attribute("href"))
    assert plan_pdf.headers["content-type"] == "application/pdf"
    text = pdf_text(plan_pdf.body())
    assert "城南一线" in text and "#12杆T接点" in text and "630" in text and "高供高计" in text

    page.context.clear_cookies()
    sign_in(page, users[Role.ACCOUNT_MANAGER].username)
    page.goto(url)
    _finish(page)  # the plan answered

    # The design review: the designer, the drawings, one defect raised and closed.
    _start(page)
    _unit(page, "designer", name="示范电力设计院有限公司", qualification="电力行业乙级",
          valid_until="2030-12-31")  # fmt: skip
    _upload(page, "drawings", "施工图.pdf")
    page.locator("#defects-section summary").click()
    page.locator("#defects-form textarea[name=texts]").fill("计量柜位置未标注")
    page.locator("#defects-form button[type=submit]").click()
    expect(page.locator(".defect-row")).to_contain_text("计量柜位置未标注")
    expect(page.locator("#finish-form button[type=submit]")).to_be_disabled()  # paused
    page.locator(".close-defect-form button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text("恢复计时")
    _finish(page)

    # The inspections check the builder's licence (class 5 covers 10 kV) on their day.
    _start(page)
    _unit(page, "builder", name="示范电力安装工程有限公司", licence_no="5-1-00077-2022",
          licence_class="5", valid_until="2020-01-01")  # fmt: skip
    _finish(page, "不在有效期内")  # the licence lapsed
    _unit(page, "builder", name="示范电力安装工程有限公司", licence_no="5-1-00077-2022",
          licence_class="5", valid_until="2029-01-01")  # fmt: skip
    _finish(page)
    _start(page)
    _upload(page, "test_report", "交接试验报告.pdf")
    _finish(page)

    # The contract is signed on the contracts' pages (their own journey); its frozen PDF
    # states what the plan approved.
    db.session.expire_all()
    contract = sign_contract(db.session.get(Project, project.id), users[Role.MARKETING], TODAY)
    signed = pdf_text(page.request.get(f"/contracts/{contract.number}/document.pdf").body())
    assert "40/5" in signed and "630" in signed and "#12杆T接点" in signed
    page.reload()
    _finish(page)  # the contract stage

    # 装表接电 waits for the bay; the metering form comes filled with the plan's scheme.
    _finish(page, "配套电网工程尚未完成")
    page.locator(".grid-done-form button").click()
    expect(page.locator(".alert-success")).to_contain_text("配套电网工程已完成")
    metering = page.locator("#metering-form")
    expect(metering.locator("input[name=ct_ratio]")).to_have_value("40/5")
    metering.locator("input[name=meter_asset_no]").fill("3310007770001")
    metering.locator("button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    _finish(page)
    _finish(page, "档案已更新")  # 归档

    page.locator("#return-visit-form select[name=satisfaction]").select_option("4")
    page.locator("#return-visit-form textarea[name=remarks]").fill("接电及时")
    page.locator("#return-visit-form button[type=submit]").click()
    expect(page.locator("#return-visit-rating")).to_contain_text("满意")

    # The archive holds what the plan approved.
    page.goto(f"/archive/customers/{project.customer.account_no}")
    body = page.locator("body")
    expect(body).to_contain_text("630")
    expect(body).to_contain_text("3310007770001")
    expect(body).to_contain_text("城南一线")
