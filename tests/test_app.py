"""The application factory, configuration and cookie settings."""

from __future__ import annotations

import stat

import pytest

from tests.conftest import settings_for
from utilitycrm import create_app
from utilitycrm.auth.access import public
from utilitycrm.core.config import database_url, load_secret_key


def test_secret_key_is_generated_once_and_kept_private(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = load_secret_key(str(tmp_path))
    second = load_secret_key(str(tmp_path))
    assert first == second and len(first) == 64
    mode = stat.S_IMODE((tmp_path / "secret_key").stat().st_mode)
    assert mode == 0o600


def test_secret_key_from_environment_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    assert load_secret_key(str(tmp_path)) == "from-the-environment"
    assert not (tmp_path / "secret_key").exists()


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (None, "sqlite:////srv/instance/utilitycrm.sqlite"),
        ("postgres://u@db/crm", "postgresql+psycopg://u@db/crm"),
        ("postgresql://u@db/crm", "postgresql+psycopg://u@db/crm"),
        ("postgresql+psycopg://u@db/crm", "postgresql+psycopg://u@db/crm"),
    ],
)
def test_database_url_from_environment(monkeypatch, given, expected):
    if given is None:
        monkeypatch.delenv("DATABASE_URL", raising=False)
    else:
        monkeypatch.setenv("DATABASE_URL", given)
    assert database_url("/srv/instance") == expected


def test_environment_configuration(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "k" * 40)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/x.sqlite")
    monkeypatch.setenv("UTILITYCRM_SECURE_COOKIES", "true")
    monkeypatch.setenv("UTILITYCRM_LOCALE", "en")
    monkeypatch.setenv("MAIL_SERVER", "smtp.example.internal")
    monkeypatch.setenv("MAIL_PORT", "2525")
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    assert app.config["BABEL_DEFAULT_LOCALE"] == "en"
    assert app.config["MAIL_SERVER"] == "smtp.example.internal"
    assert app.config["MAIL_PORT"] == 2525
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("x.sqlite")


def test_session_cookie_is_httponly_and_samesite(client, users, auth):
    response = auth.login(users[next(iter(users))].username)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_session_cookie_secure_when_configured(database_url, users):
    app = create_app(settings_for(database_url, SESSION_COOKIE_SECURE=True))
    response = app.test_client().post(
        "/login", data={"username": "admin", "password": "correct-horse-42"}
    )
    assert "Secure" in response.headers["Set-Cookie"]


def test_a_view_without_access_rule_stops_the_app(database_url):
    app = create_app(settings_for(database_url))

    @app.route("/forgotten")
    def forgotten():
        return "open to all?"

    from utilitycrm.auth.access import check_declarations

    with pytest.raises(RuntimeError, match="forgotten"):
        check_declarations(app)

    public(forgotten)
    check_declarations(app)


def test_static_assets_are_served_locally(client):
    html = client.get("/login").get_data(as_text=True)
    assert "cdn" not in html.lower()
    assert "http://" not in html and "https://" not in html
    for asset in (
        "/bootstrap/static/css/bootstrap.min.css",
        "/static/js/app.js",
        "/static/favicon.svg",
    ):
        assert asset in html
        assert client.get(asset).status_code == 200
    icon = client.get("/favicon.ico")  # what a browser asks for a PDF or a download
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"


def test_forms_drop_control_characters_but_keep_lines_and_tabs():
    """NUL cannot be stored, and no control character can be exported to a workbook."""
    from utilitycrm.core.forms import tidy_block, tidy_line

    assert tidy_line("ab\x00c\x01\x1f\x7f ") == "abc"
    assert tidy_block(" 备注\x00\x0b第一行\n第二行\t完 ") == "备注第一行\n第二行\t完"
