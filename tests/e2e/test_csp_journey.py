"""The Content-Security-Policy blocks nothing the pages need: no console complaints while
a user works through the main pages in Chromium."""

from __future__ import annotations

from tests.e2e.test_roles_journey import sign_in
from utilitycrm.auth.roles import Role


def test_pages_run_under_the_policy(page, users):
    complaints = []
    page.on("console", lambda message: complaints.append(message.text)
            if "Content Security Policy" in message.text else None)  # fmt: skip
    sign_in(page, users[Role.CHIEF].username)
    for path in ("/", "/archive/customers", "/projects", "/contracts", "/accounts",
                 "/accounts/complaints", "/validation/findings", "/calendar"):  # fmt: skip
        response = page.goto(path)
        assert response.status == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"]
    with page.expect_navigation():
        page.locator("select[name=locale]").first.select_option("en")  # app.js still runs
    assert complaints == []
