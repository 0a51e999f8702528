"""Role-by-role access to every URL: one truth table, and a check that it covers every route."""

from __future__ import annotations

import pytest

from utilitycrm.auth.roles import Role

ANY = frozenset(Role)
ADMIN = frozenset({Role.ADMIN})
PUBLIC = "public"

# endpoint: (method, path, who may use it). {user} is the id of an existing user.
ACCESS_TABLE = {
    "auth.login": ("GET", "/login", PUBLIC),
    "auth.language": ("POST", "/language", PUBLIC),
    "auth.logout": ("POST", "/logout", ANY),
    "auth.profile": ("GET", "/profile", ANY),
    "auth.change_password": ("POST", "/profile/password", ANY),
    "home.index": ("GET", "/", ANY),
    "admin.users": ("GET", "/admin/users", ADMIN),
    "admin.create_user": ("GET", "/admin/users/new", ADMIN),
    "admin.edit_user": ("GET", "/admin/users/{user}", ADMIN),
    "admin.reset_password": ("POST", "/admin/users/{user}/password", ADMIN),
    "admin.security_events": ("GET", "/admin/security-log", ADMIN),
}


def test_the_table_covers_every_route(app):
    endpoints = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if not (rule.endpoint == "static" or rule.endpoint.endswith(".static"))
    }
    assert endpoints == set(ACCESS_TABLE), "declare new routes in ACCESS_TABLE"


CASES = [(endpoint, role) for endpoint in ACCESS_TABLE for role in [None, *Role]]


@pytest.mark.parametrize(
    ("endpoint", "role"), CASES, ids=[f"{e}-{r or 'anonymous'}" for e, r in CASES]
)
def test_access(client, users, login_as, endpoint, role):
    method, path, allowed = ACCESS_TABLE[endpoint]
    path = path.format(user=users[Role.MARKETING].id)
    if role is not None:
        login_as(role)
    response = client.open(path, method=method)
    if allowed == PUBLIC:
        assert response.status_code in {200, 302}
        assert "/login?next" not in response.headers.get("Location", "")
    elif role is None:
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login?next=")
    elif role in allowed:
        assert response.status_code not in {401, 403, 404, 500}
    else:
        assert response.status_code == 403
        assert "无权访问" in response.get_data(as_text=True)


def test_refusals_are_logged(client, login_as):
    from tests.auth.test_login import events
    from utilitycrm.auth.models import SecurityEventKind

    login_as(Role.INSPECTOR)
    client.get("/admin/users")
    assert events(SecurityEventKind.PERMISSION_DENIED) == 1


@pytest.mark.parametrize(
    ("role", "visible", "hidden"),
    [
        (Role.ADMIN, ["/admin/users", "/admin/security-log"], []),
        (Role.MARKETING, [], ["/admin/users"]),
        (Role.ACCOUNT_MANAGER, [], ["/admin/users"]),
        (Role.INSPECTOR, [], ["/admin/users"]),
    ],
)
def test_navigation_shows_each_role_what_it_can_use(client, login_as, role, visible, hidden):
    login_as(role)
    html = client.get("/").get_data(as_text=True)
    nav = html.split('id="main-nav"')[1].split("</ul>")[0]
    for path in visible:
        assert f'href="{path}"' in nav
    for path in hidden:
        assert f'href="{path}"' not in nav
