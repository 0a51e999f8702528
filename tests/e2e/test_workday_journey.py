"""The demo as its users meet it, in Chromium: every page of every role fits 1280 and 390 px
in both languages, and an account manager works through their to-do inbox."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.e2e.test_roles_journey import sign_in
from utilitycrm.accounts.models import Complaint
from utilitycrm.archive.models import Customer, FeederLine
from utilitycrm.contracts.models import Contract
from utilitycrm.core.extensions import db
from utilitycrm.demo.seeding import DEMO_PASSWORD
from utilitycrm.projects.models import Project
from utilitycrm.validation.models import Finding, ValidationRun

ROLES = ("admin", "marketing", "manager", "inspector", "chief")
WIDTHS = (1280, 390)


@pytest.fixture
def demo(runner):
    result = runner.invoke(args=["demo", "seed", "--customers", "150"])
    assert result.exit_code == 0, result.output


def _first(column):
    return db.session.scalar(select(column).order_by(column).limit(1))


def _page_shapes() -> list[str]:
    """One page of each kind, with the demo's first record where a page needs one."""
    key = db.session.scalar(
        select(Customer.account_no)
        .where(Customer.account_manager_id.is_not(None))
        .order_by(Customer.id)
        .limit(1)
    )
    return [
        "/", "/inbox", "/archive/customers", f"/archive/customers/{key}",
        f"/archive/customers/{key}/edit", f"/archive/customers/{key}/history",
        "/archive/lines", f"/archive/lines/{_first(FeederLine.id)}", "/archive/substations",
        "/archive/transformers", "/archive/meters", "/archive/imports",
        "/validation/findings", f"/validation/findings/{_first(Finding.id)}", "/validation/runs",
        f"/validation/runs/{_first(ValidationRun.id)}", "/validation/thresholds",
        "/projects", f"/projects/{_first(Project.number)}", "/projects/new", "/contracts",
        f"/contracts/{_first(Contract.number)}", "/accounts", f"/accounts/customers/{key}",
        "/accounts/complaints", f"/accounts/complaints/{_first(Complaint.number)}",
        "/calendar", "/profile", "/admin/users", "/admin/jobs", "/admin/security-log",
    ]  # fmt: skip


def _switch_language(page, locale: str) -> None:
    if page.locator("html").get_attribute("lang") != ("en" if locale == "en" else "zh-CN"):
        with page.expect_navigation():
            page.locator("select[name=locale]").first.select_option(locale)


def test_every_page_of_every_role_fits_the_screen(browser, live_server, demo):
    shapes, too_wide, seen = _page_shapes(), [], 0
    for username in ROLES:
        for locale in ("zh_CN", "en"):
            for width in WIDTHS:
                context = browser.new_context(
                    base_url=live_server, locale="zh-CN", viewport={"width": width, "height": 900}
                )
                page = context.new_page()
                sign_in(page, username, DEMO_PASSWORD)
                _switch_language(page, locale)
                for path in shapes:
                    if page.goto(path).status != 200:
                        continue  # not this role's page (tests/test_access.py)
                    seen += 1
                    scroll = page.evaluate("document.documentElement.scrollWidth")
                    if scroll > width:
                        too_wide.append(f"{username} {locale} {width} px {path}: {scroll} px")
                context.close()
    assert too_wide == []
    assert seen > len(ROLES) * 4 * 20  # each role opened most pages


def test_a_manager_works_through_the_inbox(page, demo):
    sign_in(page, "manager", DEMO_PASSWORD)
    page.locator("#inbox-link").click()
    inbox = page.locator("#inbox")
    stage = inbox.locator('.inbox-item[data-urgency="overdue"]', has_text="YK-").first
    finding = inbox.locator('.inbox-item[data-key^="finding:"]').first
    visit = inbox.locator('.inbox-item[data-urgency="overdue"]', has_text="走访").first
    stage_key, finding_key = stage.get_attribute("data-key"), finding.get_attribute("data-key")
    visit_key = visit.get_attribute("data-key")
    count = int(page.locator("#inbox-count").inner_text())

    # The overdue stage is finished on the project's page.
    stage.locator("td a").first.click()
    page.locator("#finish-form textarea, #finish-form input[name=note]").first.fill("方案已答复")
    page.locator("#finish-form button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    # The finding is resolved from the inbox itself.
    page.locator("#inbox-link").click()
    row = page.locator(f'.inbox-item[data-key="{finding_key}"]')
    row.locator(".dropdown-toggle").click()
    row.locator(".inbox-finish input[name=note]").fill("已现场核实并更正")
    row.locator(".inbox-finish button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text("事项已办结")
    # The visit is recorded from the account's page.
    page.locator(f'.inbox-item[data-key="{visit_key}"] td a').first.click()
    page.locator("#new-visit").click()
    page.locator("#visit-form input[name=people_met]").fill("总经理")
    page.locator("#visit-form textarea[name=topics], #visit-form input[name=topics]").first.fill(
        "年度用电计划"
    )
    page.locator("#visit-form button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()

    page.locator("#inbox-link").click()
    for key in (stage_key, finding_key, visit_key):
        expect(page.locator(f'.inbox-item[data-key="{key}"]')).to_have_count(0)
    expect(page.locator("#inbox-count")).to_have_text(str(count - 3))
