"""What the crawler and the fuzz share: the demo utility, signed in as a role's demo
user, and the links of a page that stay on the site."""

from __future__ import annotations

import re
from urllib.parse import urldefrag, urljoin, urlsplit

from utilitycrm.auth.roles import Role
from utilitycrm.demo.seeding import DEMO_PASSWORD, DEMO_USERS

LINK = re.compile(r'href="([^"]+)"')
NOT_FOLLOWED = ("/logout", "/static/", "/api/v1/openapi.json")


def demo_client(app, runner, role: Role, *, customers: int):
    """A client signed in as the role's first demo user on a freshly seeded demo utility."""
    seeded = runner.invoke(args=["demo", "seed", "--customers", str(customers), "--faults", "0.2"])
    assert seeded.exit_code == 0, seeded.output
    username = next(name for name, _display, user_role in DEMO_USERS if user_role is role)
    client = app.test_client()
    signed_in = client.post("/login", data={"username": username, "password": DEMO_PASSWORD})
    assert signed_in.status_code == 302
    return client


def page_links(base: str, html: str) -> list[str]:
    """The page's links on this site (path and query), but sign-out, assets and the spec."""
    found = []
    for href in LINK.findall(html):
        url = urldefrag(urljoin(base, href.replace("&amp;", "&")))[0]
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost") or not parts.path.startswith("/"):
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if not path.startswith(NOT_FOLLOWED):
            found.append(path)
    return found
