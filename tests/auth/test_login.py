"""Signing in and out: messages, throttling, redirects, session invalidation, CSRF."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import settings_for
from tests.factories import create_user
from utilitycrm import create_app
from utilitycrm.auth.models import SecurityEvent, SecurityEventKind
from utilitycrm.auth.roles import Role
from utilitycrm.extensions import db


def events(kind: SecurityEventKind) -> int:
    return db.session.scalar(
        select(func.count()).select_from(SecurityEvent).where(SecurityEvent.kind == kind.value)
    )


def page(response) -> str:
    return response.get_data(as_text=True)


def test_sign_in_lands_on_the_role_home_page(client, auth, users):
    response = auth.login("marketing")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    home = client.get("/")
    assert "营销工作台" in page(home)
    assert events(SecurityEventKind.LOGIN_SUCCEEDED) == 1


def test_user_name_is_case_and_space_insensitive(client, auth, users):
    assert auth.login("  Marketing ").status_code == 302


@pytest.mark.parametrize("username", ["marketing", "nobody"])
def test_wrong_credentials_get_one_message(client, auth, users, username):
    response = auth.login(username, "wrong-password-1")
    assert response.status_code == 200
    assert "用户名或密码错误" in page(response)
    assert events(SecurityEventKind.LOGIN_FAILED) == 1
    assert client.get("/").status_code == 302  # still anonymous


def test_disabled_account_is_told_so(client, auth):
    create_user(username="gone", is_active=False)
    response = auth.login("gone")
    assert "该账号已停用" in page(response)
    assert client.get("/").status_code == 302


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"username": "", "password": "x"}, "用户名"),
        ({"username": "a" * 41, "password": "x"}, "40"),
        ({"username": "marketing", "password": "p" * 201}, "200"),
    ],
)
def test_bad_form_input_gets_field_messages(client, users, data, message):
    response = client.post("/login", data=data)
    assert response.status_code == 200
    assert "invalid-feedback" in page(response)
    assert message in page(response)
    assert events(SecurityEventKind.LOGIN_FAILED) == 0


def test_repeated_failures_lock_the_account_then_the_lock_expires(client, auth, users):
    for _ in range(5):
        auth.login("marketing", "wrong-password-1")
    response = auth.login("marketing")  # the right password, but locked
    assert "登录失败次数过多" in page(response)
    assert client.get("/").status_code == 302
    assert events(SecurityEventKind.LOGIN_LOCKED) == 1

    for event in db.session.scalars(select(SecurityEvent)):
        event.occurred_at -= timedelta(minutes=16)
    db.session.commit()
    assert auth.login("marketing").status_code == 302


def test_a_successful_sign_in_clears_the_user_failure_count(client, auth, users):
    for _ in range(4):
        auth.login("marketing", "wrong-password-1")
    assert auth.login("marketing").status_code == 302
    auth.logout()
    for _ in range(4):
        auth.login("marketing", "wrong-password-1")
    assert auth.login("marketing").status_code == 302


def test_many_failures_from_one_address_lock_it_for_every_name(client, auth, users):
    for number in range(20):
        auth.login(f"guess{number}", "wrong-password-1")
    response = auth.login("inspector")
    assert "登录失败次数过多" in page(response)


def test_next_parameter_is_followed_only_within_the_site(client, auth, users):
    response = auth.login("admin", next="/admin/users?role=admin")
    assert response.headers["Location"] == "/admin/users?role=admin"
    auth.logout()
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        response = auth.login("admin", next=target)
        assert response.headers["Location"] == "/", target
        auth.logout()


def test_anonymous_user_is_sent_to_sign_in_and_back(client, auth, users):
    response = client.get("/admin/users")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    login_page = client.get(response.headers["Location"])
    assert "请先登录" in page(login_page)


def test_sign_out_needs_a_post_and_ends_the_session(client, auth, users):
    auth.login("marketing")
    assert client.get("/logout").status_code == 405
    response = auth.logout()
    assert response.headers["Location"] == "/login"
    assert client.get("/").status_code == 302
    assert events(SecurityEventKind.LOGOUT) == 1


def test_a_disabled_user_is_signed_out_at_the_next_request(client, auth, users):
    auth.login("marketing")
    users[Role.MARKETING].is_active = False
    db.session.commit()
    assert client.get("/").status_code == 302


def test_missing_csrf_token_gets_a_clear_message_and_no_sign_in(database_url, users):
    app = create_app(settings_for(database_url, WTF_CSRF_ENABLED=True))
    client = app.test_client()
    response = client.post("/login", data={"username": "marketing", "password": "x"})
    assert response.status_code == 400
    assert "缺少安全令牌" in page(response)
    assert events(SecurityEventKind.LOGIN_FAILED) == 0


def test_sign_in_with_csrf_token_works(database_url, users):
    app = create_app(settings_for(database_url, WTF_CSRF_ENABLED=True))
    client = app.test_client()
    html = page(client.get("/login"))
    token = html.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post(
        "/login",
        data={"username": "marketing", "password": "correct-horse-42", "csrf_token": token},
    )
    assert response.status_code == 302
