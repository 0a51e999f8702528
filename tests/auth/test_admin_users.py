"""Administrators create, edit, disable users and reset passwords."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.auth.test_login import events, page
from tests.factories import DEFAULT_PASSWORD, create_user
from utilitycrm.auth.models import SecurityEventKind, User
from utilitycrm.auth.roles import Role
from utilitycrm.core.extensions import db


def user_named(name: str) -> User | None:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.username == name))


def new_user_form(**overrides) -> dict[str, str]:
    data = {
        "username": "ｌｉ.ｍｉｎｇ ",
        "display_name": "李明",
        "email": "li.ming@example.cn",
        "role": "account_manager",
        "is_active": "y",
        "password": "Manager-pass-1",
        "confirm": "Manager-pass-1",
    }
    data.update(overrides)
    return data


def edit_form(user: User, **overrides) -> dict[str, object]:
    data = {
        "display_name": user.display_name,
        "email": user.email or "",
        "role": user.role,
        "is_active": "y" if user.is_active else "",
        "version": user.version,
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value != ""}


def test_admin_creates_a_user_who_can_sign_in(client, app, login_as):
    login_as(Role.ADMIN)
    response = client.post("/admin/users/new", data=new_user_form())
    assert response.status_code == 302
    user = user_named("li.ming")  # full-width input normalised, spaces stripped
    assert user.role == "account_manager"
    assert events(SecurityEventKind.USER_CREATED) == 1
    other = app.test_client()
    assert (
        other.post("/login", data={"username": "li.ming", "password": "Manager-pass-1"}).status_code
        == 302
    )
    assert "客户经理工作台" in page(other.get("/"))


def test_users_list_filters_by_role(client, login_as):
    login_as(Role.ADMIN)
    create_user(username="wang", role=Role.INSPECTOR)
    listing = page(client.get("/admin/users?role=inspector"))
    assert "wang" in listing
    assert ">marketing<" not in listing


def test_duplicate_user_name_is_refused(client, login_as, users):
    login_as(Role.ADMIN)
    response = client.post("/admin/users/new", data=new_user_form(username="Marketing"))
    assert response.status_code == 200
    assert "用户名 marketing 已被占用" in page(response)
    assert db.session.scalar(select(func.count()).select_from(User)) == len(users)


def test_bad_new_user_input_gets_field_messages_and_saves_nothing(client, login_as, users):
    login_as(Role.ADMIN)
    cases = [
        ({"username": "张三"}, "用户名须为"),
        ({"password": "short", "confirm": "short"}, "至少需要 10 个字符"),
        ({"password": "li.ming-secret1", "confirm": "li.ming-secret1"}, "不能包含用户名"),
        ({"confirm": "something-else-2"}, "两次输入的密码不一致"),
        ({"email": "not-mail"}, "invalid-feedback"),
        ({"role": "superuser"}, "invalid-feedback"),
        ({"display_name": "名" * 81}, "80"),
    ]
    for overrides, message in cases:
        response = client.post("/admin/users/new", data=new_user_form(**overrides))
        assert response.status_code == 200, overrides
        assert message in page(response), overrides
    assert db.session.scalar(select(func.count()).select_from(User)) == len(users)


def test_admin_changes_a_role(client, login_as, users):
    login_as(Role.ADMIN)
    target = users[Role.MARKETING]
    response = client.post(f"/admin/users/{target.id}", data=edit_form(target, role="inspector"))
    assert response.status_code == 302
    assert user_named("marketing").role == "inspector"
    assert events(SecurityEventKind.USER_CHANGED) == 1
    log = page(client.get("/admin/security-log?kind=user_changed"))
    assert "用户已修改" in log and "角色: 营销人员 → 稽查人员" in log


def test_stale_user_edit_is_refused_and_nothing_overwritten(client, login_as, users):
    login_as(Role.ADMIN)
    target = users[Role.MARKETING]
    stale = edit_form(target, display_name="旧表单")
    client.post(f"/admin/users/{target.id}", data=edit_form(target, display_name="新名字"))
    response = client.post(f"/admin/users/{target.id}", data=stale)
    assert "在您打开表单后已被他人修改" in page(response)
    assert user_named("marketing").display_name == "新名字"


def test_last_admin_cannot_be_demoted(client, login_as, users):
    admin = login_as(Role.ADMIN)
    response = client.post(f"/admin/users/{admin.id}", data=edit_form(admin, role="marketing"))
    assert "最后一位启用的系统管理员" in page(response)
    assert user_named("admin").role == "admin"


def test_admin_cannot_disable_themselves(client, login_as, users):
    create_user(username="second-admin", role=Role.ADMIN)
    admin = login_as(Role.ADMIN)
    response = client.post(f"/admin/users/{admin.id}", data=edit_form(admin, is_active=""))
    assert "不能停用自己的账号" in page(response)
    assert user_named("admin").is_active


def test_disabling_a_user_signs_them_out(client, app, login_as, users):
    victim = app.test_client()
    victim.post("/login", data={"username": "inspector", "password": DEFAULT_PASSWORD})
    assert victim.get("/").status_code == 200
    login_as(Role.ADMIN)
    target = user_named("inspector")
    client.post(f"/admin/users/{target.id}", data=edit_form(target, is_active=""))
    assert victim.get("/").status_code == 302
    response = victim.post("/login", data={"username": "inspector", "password": DEFAULT_PASSWORD})
    assert "该账号已停用" in page(response)


def test_password_reset_by_admin(client, app, login_as, users):
    login_as(Role.ADMIN)
    target = users[Role.INSPECTOR]
    response = client.post(
        f"/admin/users/{target.id}/password",
        data={"pw-password": "Reset-pass-99", "pw-confirm": "Reset-pass-99"},
    )
    assert response.status_code == 302
    other = app.test_client()
    assert (
        other.post(
            "/login", data={"username": "inspector", "password": "Reset-pass-99"}
        ).status_code
        == 302
    )


def test_weak_password_reset_is_refused(client, login_as, users):
    login_as(Role.ADMIN)
    target = users[Role.INSPECTOR]
    response = client.post(
        f"/admin/users/{target.id}/password",
        data={"pw-password": "12345678901", "pw-confirm": "12345678901"},
    )
    assert response.status_code == 400
    assert "请混合使用字母与数字或符号" in page(response)


def test_unknown_user_is_a_404_page(client, login_as):
    login_as(Role.ADMIN)
    response = client.get("/admin/users/99999")
    assert response.status_code == 404
    assert "页面不存在" in page(response)


def test_security_log_lists_failed_sign_ins(client, app, auth, login_as, users):
    app.test_client().post("/login", data={"username": "inspector", "password": "bad-password-1"})
    login_as(Role.ADMIN)
    log = page(client.get("/admin/security-log?kind=login_failed"))
    table = log.split('id="events-table"')[1]
    assert "inspector" in table and "登录失败" in table and "login_failed" not in table
    home = page(client.get("/"))
    assert "登录失败" in home
