"""Chinese by default, English on request, remembered per user; catalogs complete."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from tests.auth.test_login import page
from utilitycrm.auth.roles import Role

ROOT = Path(__file__).resolve().parents[1]
CATALOG = ROOT / "utilitycrm/translations/zh_Hans_CN/LC_MESSAGES/messages.po"


def test_chinese_is_the_default(client):
    html = page(client.get("/login"))
    assert '<html lang="zh-CN">' in html
    assert "登录" in html


def test_anonymous_language_switch_lasts_for_the_session(client):
    response = client.post("/language", data={"locale": "en", "next": "/login"})
    assert response.headers["Location"] == "/login"
    html = page(client.get("/login"))
    assert '<html lang="en">' in html
    assert "Sign in" in html and "登录" not in html


def test_language_choice_is_kept_per_user(client, app, login_as, users):
    login_as(Role.MARKETING)
    client.post("/language", data={"locale": "en", "next": "/"})
    assert "Marketing workbench" in page(client.get("/"))

    other_browser = app.test_client()
    other_browser.post("/login", data={"username": "marketing", "password": "correct-horse-42"})
    html = page(other_browser.get("/"))
    assert "Marketing workbench" in html
    # Domain terms keep their Chinese original beside the English gloss.
    assert "Marketing staff (营销人员)" in html


def test_language_switch_refuses_unknown_locales_and_foreign_targets(client):
    response = client.post("/language", data={"locale": "xx", "next": "https://evil.example"})
    assert response.headers["Location"] == "/"
    assert '<html lang="zh-CN">' in page(client.get("/login"))


def test_every_string_in_the_code_is_translated():
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle)
    translated = {
        message.id[0] if isinstance(message.id, tuple) else message.id
        for message in catalog
        if message.id and message.string and all(message.string) and not message.fuzzy
    }
    method_map = [("utilitycrm/**.py", "python"), ("templates/**.html", "jinja2")]
    keywords = {
        "_": None,
        "gettext": None,
        "ngettext": (1, 2),
        "lazy_gettext": None,
        "_l": None,
        "stage_name": None,
    }
    found = {
        message[2] if isinstance(message[2], str) else message[2][0]
        for message in extract_from_dir(ROOT, method_map=method_map, keywords=keywords)
    }
    missing = sorted(found - translated)
    assert not missing, f"untranslated: {missing}; run `make translations-update`"
