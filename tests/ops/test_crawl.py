"""Each role, on the demo utility, follows every link of every page it can see (one page
of each paginated list): no server error and no broken link anywhere a page points."""

from __future__ import annotations

import re
from collections import deque

import pytest

from tests.ops.demo import demo_client, page_links
from utilitycrm.auth.roles import Role

pytestmark = pytest.mark.commits  # each role's demo archive is seeded in many commits

PAGES_PER_ROLE = 5000  # a safety cap: the crawl ends when no new link is left


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_every_link_works_for_every_role(app, runner, role):
    client = demo_client(app, runner, role, customers=60)
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
        for link in page_links(path, response.get_data(as_text=True)):
            key = re.sub(r"page=\d+", "page=N", link)
            if key not in seen:
                seen.add(key)
                queue.append((link, path))
    assert broken == []
    assert not queue and visited > 20  # every link was followed
