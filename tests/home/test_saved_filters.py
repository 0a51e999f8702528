"""Saved filters: a user names a list's filters and opens them again; they are the user's
own, a name saved again replaces its filters, and no bad input is saved."""

from __future__ import annotations

from sqlalchemy import select

from tests.auth.test_login import page
from utilitycrm.auth.roles import Role
from utilitycrm.core.extensions import db
from utilitycrm.core.saved_filters import MAX_PER_LIST, SavedFilter


def _save(client, name, query, endpoint="archive.customers"):
    return client.post("/saved-filters", data={"name": name, "query": query, "endpoint": endpoint})


def test_a_saved_filter_opens_its_list_again_and_is_the_users_own(client, app, login_as, users):
    login_as(Role.MARKETING)
    response = _save(client, "城东大工业", "category=large_industry&page=3&sort=-capacity")
    assert response.status_code == 302
    assert response.headers["Location"] == (
        "/archive/customers?category=large_industry&sort=-capacity"
    )  # on its first page
    listing = page(client.get("/archive/customers"))
    assert (
        '<a class="btn btn-outline-secondary" href="/archive/customers?'
        'category=large_industry&amp;sort=-capacity">城东大工业</a>' in listing
    )
    _save(client, "城东大工业", "category=general_commercial")  # the same name replaces
    (saved,) = db.session.scalars(select(SavedFilter)).all()
    assert saved.query == "category=general_commercial"
    # Another user sees none of it and cannot delete it.
    other = app.test_client()
    other.post("/login", data={"username": "inspector", "password": "correct-horse-42"})
    assert "城东大工业" not in page(other.get("/archive/customers"))
    response = other.post(f"/saved-filters/{saved.id}/delete", follow_redirects=True)
    assert "没有这个已存筛选" in page(response)
    assert db.session.get(SavedFilter, saved.id) is not None
    client.post(f"/saved-filters/{saved.id}/delete")
    assert db.session.scalars(select(SavedFilter)).all() == []


def test_bad_filters_are_refused_with_a_message_and_nothing_saved(client, login_as):
    login_as(Role.MARKETING)
    for endpoint in ("no.such.page", "archive.customer", "https://evil.example"):
        response = _save(client, "x", "q=1", endpoint=endpoint)
        assert response.headers["Location"] == "/"
    response = _save(client, "   ", "q=1")
    assert "请为筛选命名" in page(client.get(response.headers["Location"]))
    response = _save(client, "长", "q=" + "长" * 400)
    assert "筛选条件过长" in page(client.get(response.headers["Location"]))
    for number in range(MAX_PER_LIST):
        _save(client, f"筛选{number}", f"q={number}")
    response = _save(client, "再多一个", "q=x")
    assert "最多保存 20 个筛选" in page(client.get(response.headers["Location"]))
    assert len(db.session.scalars(select(SavedFilter)).all()) == MAX_PER_LIST
