"""`flask users ...` commands."""

from __future__ import annotations

from tests.auth.test_admin_users import user_named


def test_create_user_with_password_option(runner, client):
    result = runner.invoke(
        args=["users", "create", "Chen", "--role", "inspector", "--password", "Inspect-pass-3"]
    )
    assert result.exit_code == 0, result.output
    assert "Created user chen" in result.output
    assert user_named("chen").role == "inspector"
    assert (
        client.post("/login", data={"username": "chen", "password": "Inspect-pass-3"}).status_code
        == 302
    )


def test_create_user_prompts_for_the_password(runner):
    result = runner.invoke(
        args=["users", "create", "zhou", "--role", "admin"], input="Admin-pass-77\nAdmin-pass-77\n"
    )
    assert result.exit_code == 0, result.output
    assert user_named("zhou").role == "admin"


def test_create_user_refusals(runner, users):
    bad_role = runner.invoke(
        args=["users", "create", "x1", "--role", "boss", "--password", "Pass-word-11"]
    )
    assert bad_role.exit_code == 2 and "boss" in bad_role.output
    taken = runner.invoke(
        args=["users", "create", "admin", "--role", "admin", "--password", "Pass-word-11"]
    )
    assert taken.exit_code == 1 and "已被占用" in taken.output
    weak = runner.invoke(args=["users", "create", "x2", "--role", "admin", "--password", "short"])
    assert weak.exit_code == 1 and "至少需要 10 个字符" in weak.output
    assert user_named("x2") is None


def test_list_and_set_password(runner, client, users):
    listing = runner.invoke(args=["users", "list"])
    assert "account-manager\taccount_manager\tactive" in listing.output
    result = runner.invoke(
        args=["users", "set-password", "inspector", "--password", "Recover-me-12"]
    )
    assert result.exit_code == 0, result.output
    assert (
        client.post(
            "/login", data={"username": "inspector", "password": "Recover-me-12"}
        ).status_code
        == 302
    )
    missing = runner.invoke(args=["users", "set-password", "ghost", "--password", "Recover-me-12"])
    assert missing.exit_code == 1 and "No user named ghost" in missing.output
