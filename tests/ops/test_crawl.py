"""Each role, on the demo utility, follows every link of every page it can see (one page
of each paginated list): no server error and no broken link anywhere a page points."""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest

from utilitycrm.auth.roles import Role
from utilitycrm.demo.seeding import DEMO_PASSWORD

LINK = re.compile(r'href="([^"]+)"')
SKIP = ("/logout", "/static/", "/api/v1/openapi.json")
PAGES_PER_ROLE = 5000  # a safety cap: the crawl ends when no new link is left
DEMO_USERS = {
    Role.ADMIN: "admin", Role.MARKETING: "marketing", Role.ACCOUNT_MANAGER: "manager",
    Role.INSPECTOR: "inspector", Role.CHIEF: "chief",
}  # fmt: skip


@pytest.fixture
def demo(runner):
    result = runner.invoke(args=["demo", "seed", "--customers", "60", "--faults", "0.2"])
    assert result.exit_code == 0, result.output


def _links(base: str, html: str) -> list[str]:
    found = []
    for href in LINK.findall(html):
        url = urldefrag(urljoin(base, href.replace("&amp;", "&")))[0]
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost") or not parts.path.startswith("/"):
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if not path.startswith(SKIP):
            found.append(path)
    return found


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_every_link_works_for_every_role(app, demo, role):
    client = app.test_client()
    signed_in = client.post(
        "/login", data={"username": DEMO_USERS[role], "password": DEMO_PASSWORD}
    )
    assert signed_in.status_code == 302
    queue, seen, broken = deque([("/", "")]), {"/"}, []
    visited = 0
    while queue and visited < PAGES_PER_ROLE:
        path, source = queue.popleft()
        response = client.get(path)
        visited += 1
        if response.status_code >= 500 or response.status_code == 404:
            broken.append(f"{response.status_code} {path} (linked from {source})")
            continue
        if response.mimetype != "text/html":
            continue
        for link in _links(path, response.get_data(as_text=True)):
            key = re.sub(r"page=\d+", "page=N", link)
            if key not in seen:
                seen.add(key)
                queue.append((link, path))
    assert broken == []
    assert not queue and visited > 20  # every link was followed
