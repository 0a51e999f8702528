"""A list's query-string filters: what is valid filters the list, what is not is ignored,
and a page and its export read the same filters from the same query."""

from __future__ import annotations

from dataclasses import dataclass

from werkzeug.datastructures import MultiDict
from wtforms import IntegerField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange, Optional

from utilitycrm.core.forms import FilterForm


@dataclass(frozen=True)
class Filters:
    status: str = ""
    ending_within: int | None = None


class ExampleForm(FilterForm):
    FILTER_NAMES = {"ending": "ending_within"}

    status = SelectField(
        choices=[SelectChoice("", ""), SelectChoice("open", "open")], validators=[Optional()]
    )
    ending = IntegerField(validators=[Optional(), NumberRange(min=0, max=9999)])


def form_for(app, query: dict) -> ExampleForm:
    with app.test_request_context():
        form = ExampleForm(MultiDict(query))
        form.validate()
        return form


def test_valid_values_become_the_filters_under_their_own_names(app):
    form = form_for(app, {"status": "open", "ending": "90", "page": "3"})
    assert form.filters(Filters) == Filters(status="open", ending_within=90)
    assert form.page_number == 3


def test_invalid_values_are_dropped_not_fatal(app):
    form = form_for(app, {"status": "bogus", "ending": "ninety", "page": "-1"})
    assert form.filters(Filters) == Filters()
    assert form.page_number == 1
    assert form.value("status", "open") == "open" and form.value("ending") is None


def test_projects_and_contracts_lists_ignore_bad_filters(client, login_as):
    from utilitycrm.auth.roles import Role

    login_as(Role.MARKETING)
    assert client.get("/projects?status=bogus&type=%00&manager=-3").status_code == 200
    assert client.get("/contracts?ending=1e9&kind=x&status=y&page=zz").status_code == 200
    assert client.get("/projects/report?start=2026-13-01&end=x&manager=0").status_code == 200
