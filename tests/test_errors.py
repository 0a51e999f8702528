"""Friendly error pages; JSON errors under /api; a crash or a lost database changes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.auth.test_login import page
from tests.conftest import settings_for
from utilitycrm import create_app
from utilitycrm.auth.access import public
from utilitycrm.auth.models import User
from utilitycrm.auth.roles import Role
from utilitycrm.core.extensions import db


def test_404_page_is_translated_and_friendly(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "页面不存在" in page(response)
    assert "返回首页" in page(response)


def test_404_in_english(client):
    client.post("/language", data={"locale": "en"})
    assert "Page not found" in page(client.get("/no-such-page"))


def test_405_page(client):
    response = client.put("/login")
    assert response.status_code == 405
    assert "不允许的操作" in page(response)


def test_api_errors_are_json(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json["error"]["status"] == 404
    assert response.json["error"]["title"]


def test_oversized_request_gets_413_page(database_url, users):
    app = create_app(settings_for(database_url, MAX_CONTENT_LENGTH=1024))
    response = app.test_client().post("/login", data={"username": "x", "password": "y" * 4096})
    assert response.status_code == 413
    assert "上传内容过大" in page(response)


def test_crash_mid_request_rolls_back_and_shows_500(database_url, users):
    app = create_app(settings_for(database_url))

    @app.route("/crash")
    @public
    def crash():
        db.session.add(User(username="half", display_name="x", role="admin", password_hash="x"))
        db.session.flush()
        raise RuntimeError("simulated fault after a write")

    response = app.test_client().get("/crash")
    assert response.status_code == 500
    assert "未保存任何内容" in page(response)
    assert (
        db.session.scalar(select(func.count()).select_from(User).where(User.username == "half"))
        == 0
    )


@pytest.mark.commits  # the app of another database has sessions of its own
def test_unreachable_database_gives_503(tmp_path):
    app = create_app(settings_for(f"sqlite:///{tmp_path}/missing-dir/db.sqlite"))
    response = app.test_client().post("/login", data={"username": "x", "password": "y"})
    assert response.status_code == 503
    assert "暂时无法连接数据库" in page(response)


def test_403_page(client, login_as):
    login_as(Role.MARKETING)
    response = client.get("/admin/users")
    assert response.status_code == 403
    assert "您的角色无权访问此页面" in page(response)


def test_forms_drop_characters_no_database_can_store(client, login_as):
    login_as(Role.MARKETING)
    page = client.get("/archive/customers?q=abc%00def")
    assert page.status_code == 200
    assert 'value="abcdef"' in page.get_data(as_text=True)
