"""The demo as its users meet it, in Chromium: every page of every role fits 1280 and 390 px
in both languages, and an account manager works through their to-do inbox."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.test_roles_journey import sign_in
from tests.pages import DEMO_USERS, page_shapes, seed_demo
from utilitycrm.demo.seeding import DEMO_PASSWORD

WIDTHS = (1280, 390)


@pytest.fixture
def demo(runner):
    seed_demo(runner)


def _switch_language(page, locale: str) -> None:
    if page.locator("html").get_attribute("lang") != ("en" if locale == "en" else "zh-CN"):
        with page.expect_navigation():
            page.locator("select[name=locale]").first.select_option(locale)


def test_every_page_of_every_role_fits_the_screen(browser, live_server, demo):
    shapes, too_wide, seen = page_shapes(), [], 0
    for username in DEMO_USERS:
        for locale in ("zh_CN", "en"):
            for width in WIDTHS:
                context = browser.new_context(
                    base_url=live_server, locale="zh-CN", viewport={"width": width, "height": 900}
                )
                page = context.new_page()
                sign_in(page, username, DEMO_PASSWORD)
                _switch_language(page, locale)
                for path in shapes:
                    status = page.goto(path).status
                    if status == 403:
                        continue  # not this role's page (tests/test_access.py)
                    assert status == 200, f"{username} {path}"
                    seen += 1
                    scroll = page.evaluate("document.documentElement.scrollWidth")
                    if scroll > width:
                        too_wide.append(f"{username} {locale} {width} px {path}: {scroll} px")
                context.close()
    assert too_wide == []
    assert seen > len(DEMO_USERS) * 4 * 20  # each role opened most pages


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
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.locator("#finish-form button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    assert asked and "已完成" in asked[0]  # finishing a stage is confirmed first
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


def test_marketing_sorts_the_customer_list_and_keeps_a_filter(page, demo):
    sign_in(page, "marketing", DEMO_PASSWORD)
    page.goto("/archive/customers?category=large_industry")
    table = page.locator("#customers-table")

    def capacities() -> list[int]:
        cells = table.locator("tbody tr td:nth-child(6)").all_inner_texts()
        return [int(cell.replace(",", "")) for cell in cells]

    table.locator('a.sort-link[data-sort="capacity"]').click()
    ascending = capacities()
    assert ascending == sorted(ascending) and len(ascending) > 3
    table.locator('a.sort-link[data-sort="capacity"]').click()  # again: largest first
    expect(table.locator('th[aria-sort="descending"]')).to_contain_text("合同容量")
    descending = capacities()
    assert descending == sorted(descending, reverse=True) and descending[0] >= ascending[-1]
    # Saved, the filter and its sort come back with one click from a bare list.
    page.locator("#save-filter input[name=name]").fill("大工业按容量")
    page.locator("#save-filter button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text("大工业按容量")
    page.goto("/archive/customers")
    page.locator("#saved-filters a", has_text="大工业按容量").click()
    assert "category=large_industry" in page.url and "sort=-capacity" in page.url
    assert capacities() == descending
