"""Signing in and out: messages, throttling, redirects, session invalidation, CSRF."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import settings_for
from tests.factories import DEFAULT_PASSWORD, create_user
from utilitycrm import create_app
from utilitycrm.auth.models import SecurityEvent, SecurityEventKind
from utilitycrm.auth.roles import Role
from utilitycrm.core.extensions import db


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


def test_repeated_failures_back_off_and_the_wait_passes(client, auth, users, clock):
    for _ in range(5):
        auth.login("marketing", "wrong-password-1")
    response = auth.login("marketing")  # the right password, but too soon
    assert "登录失败次数过多。请等待 30 秒后重试" in page(response)
    assert client.get("/").status_code == 302
    assert events(SecurityEventKind.LOGIN_LOCKED) == 1
    clock.shift(timedelta(seconds=31))
    assert auth.login("marketing").status_code == 302


def test_each_further_failure_doubles_the_wait(client, auth, users, clock):
    for wait in (0, 0, 0, 0, 0, 30, 60, 120):
        clock.shift(timedelta(seconds=wait + 1))
        auth.login("marketing", "wrong-password-1")
    assert "请等待 240 秒" in page(auth.login("marketing"))
    clock.shift(timedelta(minutes=16))  # the failures are out of the window
    assert auth.login("marketing").status_code == 302


def test_a_successful_sign_in_clears_the_user_failure_count(client, auth, users):
    for _ in range(4):
        auth.login("marketing", "wrong-password-1")
    assert auth.login("marketing").status_code == 302
    auth.logout()
    for _ in range(4):
        auth.login("marketing", "wrong-password-1")
    assert auth.login("marketing").status_code == 302


def from_address(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_many_failures_from_one_address_slow_that_address_only(app, users):
    stranger = from_address(app, "192.0.2.66")
    for number in range(20):
        stranger.post("/login", data={"username": f"guess{number}", "password": "x"})
    response = stranger.post("/login", data={"username": "inspector", "password": "x"})
    assert "登录失败次数过多" in page(response)
    colleague = from_address(app, "192.0.2.10")
    signed_in = colleague.post(
        "/login", data={"username": "inspector", "password": DEFAULT_PASSWORD}
    )
    assert signed_in.status_code == 302


def test_a_stranger_cannot_keep_a_named_user_out(app, users, clock):
    owner = from_address(app, "192.0.2.10")
    login = {"username": "marketing", "password": DEFAULT_PASSWORD}
    assert owner.post("/login", data=login).status_code == 302  # its usual address
    owner.post("/logout")
    for host in range(20, 30):  # ten addresses, five wrong passwords each
        stranger = from_address(app, f"192.0.2.{host}")
        for _ in range(5):
            stranger.post("/login", data={"username": "marketing", "password": "guess-1234"})
    elsewhere = from_address(app, "192.0.2.11")  # a new address waits a minute at most
    wait = re.search(r"请等待 (\d+) 秒", page(elsewhere.post("/login", data=login)))
    assert wait and 0 < int(wait[1]) <= 60
    assert owner.post("/login", data=login).status_code == 302  # at once, where it always is


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


def test_behind_a_trusted_proxy_the_client_address_counts(database_url, users, request_log):
    app = create_app(settings_for(database_url, TRUSTED_PROXY_HOPS=1))
    proxy = app.test_client()  # nginx: every request comes from 127.0.0.1

    def sign_in(client_address: str, username: str, password: str = "guess-1234"):
        return proxy.post(
            "/login", data={"username": username, "password": password},
            headers={"X-Forwarded-For": client_address},
        )  # fmt: skip

    with app.app_context():
        for number in range(20):
            sign_in("192.0.2.66", f"guess{number}")
        assert "登录失败次数过多" in page(sign_in("192.0.2.66", "inspector", DEFAULT_PASSWORD))
        request_log.clear()
        assert sign_in("192.0.2.10", "inspector", DEFAULT_PASSWORD).status_code == 302
        assert '"ip": "192.0.2.10"' in request_log.text
        addresses = set(db.session.scalars(select(SecurityEvent.ip_address)))
        assert addresses == {"192.0.2.66", "192.0.2.10"}


def test_without_the_proxy_setting_a_forwarded_header_is_ignored(client, users):
    client.post(
        "/login", data={"username": "marketing", "password": "x"},
        headers={"X-Forwarded-For": "192.0.2.99"},
    )  # fmt: skip
    assert set(db.session.scalars(select(SecurityEvent.ip_address))) == {"127.0.0.1"}
