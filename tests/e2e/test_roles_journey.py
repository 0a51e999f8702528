"""Each role signs in, sees its home page, switches language and signs out, in Chromium."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.factories import DEFAULT_PASSWORD
from utilitycrm.auth.roles import Role

HOME_HEADINGS = {
    Role.ADMIN: ("系统管理", "Administration"),
    Role.MARKETING: ("营销工作台", "Marketing workbench"),
    Role.ACCOUNT_MANAGER: ("客户经理工作台", "Account manager workbench"),
    Role.INSPECTOR: ("稽查工作台", "Inspection workbench"),
    Role.CHIEF: ("主管工作台", "Chief workbench"),
}


def sign_in(page, username: str, password: str = DEFAULT_PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.locator("#login-form button[type=submit]").click()
    page.wait_for_load_state()  # scripts at the end of the page have run


@pytest.mark.parametrize("role", list(Role), ids=[role.value for role in Role])
def test_role_journey(page, users, role):
    chinese, english = HOME_HEADINGS[role]
    sign_in(page, users[role].username)
    expect(page.locator("h1")).to_have_text(chinese)
    expect(page.locator("#current-user")).to_contain_text(users[role].display_name)

    with page.expect_navigation():
        page.locator("select[name=locale]").first.select_option("en")  # submits on change
    expect(page.locator("h1")).to_have_text(english)
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.reload()
    expect(page.locator("h1")).to_have_text(english)  # the choice is kept

    page.locator("#logout").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.locator("h1")).to_have_text("Sign in")
    expect(page.locator(".alert-info")).to_contain_text("You have signed out.")
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login\?next="))


def test_wrong_password_shows_a_message_in_the_browser(page, users):
    sign_in(page, "marketing", "not-the-password-1")
    expect(page.locator(".alert-danger")).to_contain_text("用户名或密码错误")
    expect(page.locator("#login-form")).to_be_visible()


def test_admin_navigation_in_the_browser(page, users):
    sign_in(page, "admin")
    page.locator("#main-menu").get_by_role("button", name="系统管理").click()
    page.get_by_role("link", name="用户管理").click()
    expect(page.locator("#users-table")).to_contain_text("marketing")
    page.get_by_role("link", name="marketing").click()
    expect(page.locator("h1")).to_have_text("marketing")
