"""`flask demo seed`: demo users on an empty database only."""

from __future__ import annotations

from utilitycrm.demo.seeding import DEMO_PASSWORD, DEMO_USERS


def test_seed_creates_the_demo_users_who_can_sign_in(runner, app):
    result = runner.invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    assert DEMO_PASSWORD in result.output
    for username, _name, _role in DEMO_USERS:
        client = app.test_client()
        response = client.post("/login", data={"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, username


def test_seed_refuses_a_database_with_data(runner, users):
    result = runner.invoke(args=["demo", "seed"])
    assert result.exit_code == 1
    assert "has data already" in result.output


def test_seed_if_empty_skips_quietly(runner, users):
    result = runner.invoke(args=["demo", "seed", "--if-empty"])
    assert result.exit_code == 0
    assert "skipped" in result.output
