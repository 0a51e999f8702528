"""A user's own profile and password."""

from __future__ import annotations

from tests.auth.test_login import page
from tests.factories import DEFAULT_PASSWORD
from utilitycrm.auth.roles import Role
from utilitycrm.core.extensions import db


def test_profile_edit_is_saved(client, login_as):
    user = login_as(Role.INSPECTOR)
    response = client.post(
        "/profile",
        data={"display_name": "赵 静 ", "email": "zhao@example.cn", "version": user.version},
    )
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.display_name == "赵 静"
    assert user.email == "zhao@example.cn"


def test_profile_stale_form_is_refused(client, login_as):
    user = login_as(Role.INSPECTOR)
    response = client.post(
        "/profile", data={"display_name": "X", "email": "", "version": user.version + 5}
    )
    assert "已在其他窗口中修改" in page(response)
    db.session.refresh(user)
    assert user.display_name != "X"


def test_bad_email_is_refused(client, login_as):
    user = login_as(Role.INSPECTOR)
    response = client.post(
        "/profile", data={"display_name": "X", "email": "not-an-email", "version": user.version}
    )
    assert response.status_code == 200
    assert "invalid-feedback" in page(response)
    db.session.refresh(user)
    assert user.email is None


def test_password_change_needs_the_current_password(client, auth, login_as):
    login_as(Role.INSPECTOR)
    response = client.post(
        "/profile/password",
        data={"pw-current": "wrong", "pw-password": "new-secret-77", "pw-confirm": "new-secret-77"},
    )
    assert response.status_code == 400
    assert "当前密码不正确" in page(response)


def test_password_change_keeps_this_session_and_ends_the_others(client, app, auth, login_as):
    other = app.test_client()
    other.post("/login", data={"username": "inspector", "password": DEFAULT_PASSWORD})
    assert other.get("/").status_code == 200

    login_as(Role.INSPECTOR)
    response = client.post(
        "/profile/password",
        data={
            "pw-current": DEFAULT_PASSWORD,
            "pw-password": "new-secret-77",
            "pw-confirm": "new-secret-77",
        },
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert other.get("/").status_code == 302
    auth.logout()
    assert auth.login("inspector", "new-secret-77").status_code == 302


def test_weak_new_password_is_refused(client, login_as):
    login_as(Role.INSPECTOR)
    response = client.post(
        "/profile/password",
        data={"pw-current": DEFAULT_PASSWORD, "pw-password": "short", "pw-confirm": "short"},
    )
    assert response.status_code == 400
    assert "至少需要 10 个字符" in page(response)
