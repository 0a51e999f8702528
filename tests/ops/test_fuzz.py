"""Property-based fuzz of every form and every query parameter the pages offer.

Each role signs in on the demo utility and walks its pages (a few per route), collecting
the forms it is shown and the query parameters its links and filters use. Hypothesis then
sends each form with its fields kept, dropped or replaced by hostile values, and each
route its parameters likewise. Whatever comes in: never a server error, and a form that
is refused (anything but the redirect of a success) leaves the database as it was.
"""

from __future__ import annotations

import io
from collections import defaultdict, deque
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from werkzeug.exceptions import HTTPException

from tests.htmlforms import PageForm, page_forms
from tests.ops.demo import demo_client, page_links
from utilitycrm.auth.roles import Role
from utilitycrm.core.extensions import db

pytestmark = pytest.mark.commits  # each post really commits; a refused one changes nothing

PAGES_PER_ROUTE = 3
EXAMPLES = 12
# Writes a refusal is meant to make: the security log records refused attempts.
REFUSALS_RECORDED = {"security_event"}
NOT_SENT = ("/logout",)  # would end the walk's session
HOSTILE = [
    "", " ", "0", "-1", "1.5", "99999999999999999999", "1e309", "NaN", "２０２６-１３-４５",
    "2026-02-30", "2026-13", "0000-00-00", "\x00", "<script>alert(1)</script>",
    "' OR 1=1 --", "../../etc/passwd", "%s%n", "☃" * 300, "9" * 5000, "true", "none",
    "http://evil.example/", "//evil.example", "javascript:alert(1)",
]  # fmt: skip


def _value(original: str, options: list[str]):
    choices = [st.just(original), st.sampled_from(HOSTILE), st.text(max_size=40)]
    if options:
        choices.append(st.sampled_from(options))
    return st.one_of(*choices)


def _form_data(form: PageForm):
    """Each field kept, replaced or dropped; each file field given some bytes."""
    names = list(dict.fromkeys([name for name, _ in form.fields] + list(form.options)))
    values = form.values()
    fields = {
        name: st.one_of(st.none(), _value(values.get(name, ""), form.options.get(name, [])))
        for name in names
    }
    files = {
        name: st.one_of(st.none(), st.binary(max_size=2048), st.just(b"PK\x03\x04broken zip"))
        for name in form.files
    }
    return st.fixed_dictionaries(fields), st.fixed_dictionaries(files)


def _state() -> dict[str, tuple[int, int]]:
    """Every table's row count and the sum of its versions: what a refused form must keep."""
    state = {}
    for table in db.metadata.sorted_tables:
        if table.name in REFUSALS_RECORDED:
            continue
        versions = func.sum(table.c.version) if "version" in table.c else func.count()
        state[table.name] = tuple(
            db.session.execute(select(func.count(), versions).select_from(table)).one()
        )
    db.session.rollback()
    return state


def _refused(response) -> bool:
    """A refusal: an error status, or a page (the form again, or where the refusal
    redirected to) with a field's error or an error flash."""
    if response.status_code >= 400:
        return True
    page = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
    return "is-invalid" in page or "alert-danger alert-dismissible" in page


def _walk(client) -> tuple[dict[tuple, PageForm], dict[str, set[str]]]:
    """The forms (one per action route and field set) and the query parameters per path."""
    adapter = client.application.url_map.bind("localhost")
    queue, seen = deque(["/"]), {"/"}
    per_route: dict[str, int] = defaultdict(int)
    forms: dict[tuple, PageForm] = {}
    params: dict[str, set[str]] = defaultdict(set)
    while queue:
        path = queue.popleft()
        response = client.get(path)
        if response.mimetype != "text/html":
            continue
        for form in page_forms(path, response.get_data(as_text=True)):
            action = urlsplit(form.action)
            if form.method == "get":
                params[action.path].update(name for name, _ in form.fields)
                params[action.path].update(form.options)
            elif not action.path.startswith(NOT_SENT):
                endpoint = adapter.match(action.path, method="POST")[0]
                key = (endpoint, tuple(sorted({n for n, _ in form.fields} | set(form.options))))
                forms.setdefault(key, form)
        for link in page_links(path, response.get_data(as_text=True)):
            parts = urlsplit(link)
            params[parts.path].update(name for name, _ in parse_qsl(parts.query))
            try:
                endpoint = adapter.match(parts.path)[0]
            except HTTPException:
                continue  # not a page of this app (checked by the crawler test)
            if link not in seen and per_route[endpoint] < PAGES_PER_ROUTE:
                seen.add(link)
                per_route[endpoint] += 1
                queue.append(link)
    return forms, {path: names for path, names in params.items() if names}


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_no_form_or_query_parameter_breaks_the_app(app, runner, role):
    client = demo_client(app, runner, role, customers=20)
    forms, params = _walk(client)
    assert forms and params

    for form in forms.values():
        _fuzz_form(client, form)
    for path, names in params.items():
        _fuzz_query(client, path, names)


FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                suppress_health_check=list(HealthCheck))  # fmt: skip


def _fuzz_form(client, form: PageForm) -> None:
    fields_strategy, files_strategy = _form_data(form)
    action = urlsplit(form.action)
    url = action.path + (f"?{action.query}" if action.query else "")

    @FUZZ
    @given(fields=fields_strategy, files=files_strategy)
    def post_form(fields, files):
        data = {name: value for name, value in fields.items() if value is not None}
        data |= {name: (io.BytesIO(body), "fuzz.xlsx")
                 for name, body in files.items() if body is not None}  # fmt: skip
        before = _state()
        response = client.post(url, data=data, follow_redirects=True)
        statuses = [r.status_code for r in [*response.history, response]]
        assert max(statuses) < 500, (form.action, data, statuses)
        if _refused(response):
            assert _state() == before, (form.action, data, response.status_code)

    post_form()


def _fuzz_query(client, path: str, names: set[str]) -> None:
    @FUZZ
    @given(query=st.fixed_dictionaries({name: _value("", []) for name in sorted(names)}))
    def get_page(query):
        response = client.get(f"{path}?{urlencode(query)}")
        assert response.status_code < 500, (path, query, response.status_code)

    get_page()
