"""Sessions end on the server: a copied session cookie or remember token stops working
the moment its sign-in ends, whatever ended it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.factories import DEFAULT_PASSWORD
from utilitycrm.auth import services
from utilitycrm.auth.roles import Role
from utilitycrm.core.extensions import db

COOKIES = ("session", "remember_token")


def signed_in(app, username: str, *, remember: bool = True):
    client = app.test_client()
    data = {"username": username, "password": DEFAULT_PASSWORD}
    if remember:
        data["remember"] = "y"
    assert client.post("/login", data=data).status_code == 302
    return client


def copy_of(app, client, names=COOKIES):
    """Another browser holding the cookies copied from `client` (one, or both)."""
    thief = app.test_client()
    for name in names:
        cookie = client.get_cookie(name)
        if cookie is not None:
            thief.set_cookie(name, cookie.value)
    return thief


def opens_profile(client) -> bool:
    return client.get("/profile").status_code == 200


@pytest.mark.parametrize("cookie", ["session", "remember_token"])
def test_signing_out_ends_a_copied_cookie_too(app, users, cookie):
    browser = signed_in(app, "marketing")
    copied = copy_of(app, browser, [cookie])
    assert opens_profile(copied)
    browser.post("/logout")
    assert not opens_profile(copied)
    assert not opens_profile(browser)


def test_a_password_change_ends_every_other_sign_in_but_keeps_api_tokens(app, users, client):
    other = signed_in(app, "marketing")
    copied = copy_of(app, other)
    browser = signed_in(app, "marketing", remember=False)
    token = browser.post("/profile/tokens", data={"token-name": "SCADA"}).get_data(as_text=True)
    secret = token.split('user-select-all">')[1].split("<")[0]
    changed = browser.post(
        "/profile/password",
        data={"pw-current": DEFAULT_PASSWORD, "pw-password": "new-pass-word-9", "pw-confirm": "new-pass-word-9"},
    )  # fmt: skip
    assert changed.status_code == 302
    assert opens_profile(browser)  # this browser stays signed in
    assert not opens_profile(other) and not opens_profile(copied)
    api = client.get("/api/v1/customers", headers={"Authorization": f"Bearer {secret}"})
    assert api.status_code == 200  # documented: tokens are revoked one by one


def test_disabling_a_user_ends_their_sign_ins(app, users):
    browser = signed_in(app, "marketing")
    copied = copy_of(app, browser)
    admin = signed_in(app, "admin")
    user = users[Role.MARKETING]
    saved = admin.post(
        f"/admin/users/{user.id}",
        data={"display_name": user.display_name, "role": "marketing", "version": user.version},
    )  # is_active left out: the box is unticked
    assert saved.status_code == 302, saved.data
    user.is_active = True  # even enabled again, the old sessions stay ended
    db.session.commit()
    assert not opens_profile(browser) and not opens_profile(copied)


def test_an_administrator_signs_a_user_out_everywhere(app, users):
    first, second = signed_in(app, "inspector"), signed_in(app, "inspector", remember=False)
    admin = signed_in(app, "admin")
    edit = admin.get(f"/admin/users/{users[Role.INSPECTOR].id}").get_data(as_text=True)
    assert "已在 2 个浏览器登录" in edit
    response = admin.post(
        f"/admin/users/{users[Role.INSPECTOR].id}/sign-out", follow_redirects=True
    )
    assert "已退出 2 个会话" in response.get_data(as_text=True)
    assert not opens_profile(first) and not opens_profile(second)
    assert opens_profile(admin)


def test_a_user_signs_out_every_other_browser(app, users):
    phone, desk = signed_in(app, "marketing"), signed_in(app, "marketing")
    profile = desk.get("/profile").get_data(as_text=True)
    assert profile.count("本浏览器") == 1 and "登录位置" in profile
    assert desk.post("/profile/sessions/end").status_code == 302
    assert opens_profile(desk) and not opens_profile(phone)


def test_a_sign_in_ends_after_its_lifetime_whatever_the_cookie_says(app, users, clock):
    plain, remembered = signed_in(app, "marketing", remember=False), signed_in(app, "marketing")
    copied = copy_of(app, remembered, ["remember_token"])
    clock.shift(timedelta(hours=12, minutes=1))
    assert not opens_profile(copy_of(app, plain, ["session"]))
    assert opens_profile(copied)
    clock.shift(timedelta(days=14))
    assert not opens_profile(copy_of(app, remembered, ["remember_token"]))
    assert services.active_sessions(users[Role.MARKETING]) == []
