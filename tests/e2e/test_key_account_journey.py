"""An account manager visits an overdue A-class customer, takes a complaint through to
its return visit and closing, and watches the dashboard follow, in Chromium."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect

from tests.e2e.test_roles_journey import sign_in
from tests.factories import create_customer
from utilitycrm.accounts import visits
from utilitycrm.auth.roles import Role
from utilitycrm.core.dates import local_today
from utilitycrm.core.extensions import db


def test_visit_and_complaint_journey(page, users):
    manager = users[Role.ACCOUNT_MANAGER]
    customer = create_customer(account_manager_id=manager.id, value_class="A",
                               name="示范重工有限公司")  # fmt: skip
    visits.plan_visits(local_today() - timedelta(days=60))  # due a month ago
    db.session.commit()
    row = f"#portfolio tr:has-text('{customer.account_no}')"

    sign_in(page, manager.username)
    expect(page.locator(row).locator(".visit-overdue")).to_be_visible()

    page.locator(row).get_by_role("link", name=customer.account_no).click()
    page.locator("#new-visit").click()
    page.get_by_label("会见人员").fill("王总、设备科李工")
    page.get_by_label("交流内容").fill("明年增容计划与电费结算")
    page.locator("#visit-form button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text("走访已登记")
    expect(page.locator("#visits")).to_contain_text("明年增容计划与电费结算")
    expect(page.locator("#customer-timeline")).to_contain_text("明年增容计划与电费结算")

    page.goto("/")
    expect(page.locator(row).locator(".visit-overdue")).to_have_count(0)

    page.locator(row).get_by_role("link", name=customer.account_no).click()
    page.get_by_role("link", name="登记投诉").click()
    page.get_by_label("渠道").select_option("95598")
    page.get_by_label("类别").select_option("business")
    page.get_by_label("客户诉求").fill("增容报装超过承诺时限未送电")
    page.locator("#complaint-form button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text("已受理")
    number = page.locator("h1").inner_text()

    page.goto("/")
    expect(page.locator(row).locator("td").nth(4)).to_have_text("1")  # an open complaint

    page.goto(f"/accounts/complaints/{number}")
    page.locator("#contact-form button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text("首次联系已登记")
    for note, step in (("已电话联系客户，情况属实", "整改"), ("已协调施工队，当日送电", "回访"),
                       ("客户表示满意", "归档"), ("资料已归档", "已办结")):  # fmt: skip
        page.get_by_label("处理情况").fill(note)
        if step == "归档":
            page.get_by_label("客户是否满意").select_option("satisfied")
        page.locator("#advance-form button[type=submit]").click()
        expect(page.locator("#complaint-step")).to_contain_text(step)
    expect(page.locator("#complaint-steps")).to_contain_text("客户表示满意")

    page.goto("/")
    expect(page.locator(row).locator("td").nth(4)).to_have_text("")
