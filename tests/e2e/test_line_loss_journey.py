"""An inspector opens the 线损 page, follows the worst line to its what-if and opens the
finding behind it, in Chromium."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.clock import TODAY, month_text
from tests.e2e.test_roles_journey import sign_in
from tests.network.conftest import MONTH, two_lines  # noqa: F401 - the fixture
from tests.validation.dbarchive import change
from utilitycrm.auth.roles import Role
from utilitycrm.core.extensions import db
from utilitycrm.network import losses
from utilitycrm.validation import services
from utilitycrm.validation.snapshot import Scope


def test_the_worst_line_its_what_if_and_its_finding(page, users, two_lines):  # noqa: F811
    change(two_lines.b.source, line_id=two_lines.east.id)  # B recorded on the wrong line
    run = services.begin_run({}, trigger="cli", actor=None)
    db.session.commit()
    services.execute_run(run.id, Scope(), today=TODAY)
    losses.compute(MONTH, today=TODAY)
    db.session.commit()

    sign_in(page, users[Role.INSPECTOR].username)
    page.get_by_role("button", name="电网").click()
    page.get_by_role("link", name="线损分析").click()
    page.locator("#month").select_option(month_text(1))
    page.get_by_role("button", name="查看").click()
    first = page.locator("#losses-table tbody tr").first
    expect(first).to_contain_text("城东一线")
    expect(first).to_contain_text("负损")

    first.get_by_role("link", name="城东一线").click()
    what_if = page.locator("#what-if")
    expect(what_if).to_contain_text("3100000456")
    expect(what_if).to_contain_text("按电网拓扑移至 城东二线")
    expect(what_if.locator("tbody tr").first).to_contain_text("4.8%")

    what_if.get_by_role("link", name="问题").click()
    expect(page.locator("h1")).to_contain_text("档案线路与拓扑追溯线路不符")
    expect(page.locator("body")).to_contain_text("3100000456")
