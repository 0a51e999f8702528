"""API tokens in the user's profile: created once, shown once, stored hashed, revoked."""

from __future__ import annotations

from sqlalchemy import select

from utilitycrm.auth.models import ApiToken
from utilitycrm.auth.roles import Role
from utilitycrm.core.extensions import db


def test_create_use_and_revoke_a_token(client, app, login_as):
    login_as(Role.INSPECTOR)
    page = client.post("/profile/tokens", data={"token-name": "GIS 同步"}).get_data(as_text=True)
    secret = page.split('id="new-token"')[1].split("<code")[1].split(">")[1].split("<")[0]
    assert secret.startswith("ucrm_")
    token = db.session.scalar(select(ApiToken))
    assert token.name == "GIS 同步" and secret not in (token.token_hash, token.prefix)
    assert secret not in client.get("/profile").get_data(as_text=True)  # shown once only

    api = app.test_client()
    headers = {"Authorization": f"Bearer {secret}"}
    assert api.get("/api/v1/customers", headers=headers).status_code == 200
    client.post(f"/profile/tokens/{token.id}/revoke")
    assert api.get("/api/v1/customers", headers=headers).status_code == 401


def test_cannot_revoke_someone_elses_token(client, users, login_as):
    from utilitycrm.auth.services import create_api_token

    token, _secret = create_api_token(users[Role.ADMIN], "admin's")
    db.session.commit()
    login_as(Role.INSPECTOR)
    response = client.post(f"/profile/tokens/{token.id}/revoke", follow_redirects=True)
    assert "没有该令牌" in response.get_data(as_text=True)
    db.session.refresh(token)
    assert token.revoked_at is None


def test_token_needs_a_name(client, login_as):
    login_as(Role.INSPECTOR)
    response = client.post("/profile/tokens", data={"token-name": ""}, follow_redirects=True)
    assert "请为令牌命名" in response.get_data(as_text=True)
    assert db.session.scalar(select(ApiToken)) is None
