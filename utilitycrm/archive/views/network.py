"""Lists of substations, lines, transformers and meters, and the line page."""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user

from utilitycrm.archive import queries
from utilitycrm.archive.forms.search import (
    LineSearchForm,
    MeterSearchForm,
    SearchForm,
    TransformerSearchForm,
)
from utilitycrm.archive.models import FeederLine
from utilitycrm.archive.topology import line_diagram
from utilitycrm.archive.views import bp
from utilitycrm.auth.access import requires
from utilitycrm.auth.roles import Permission
from utilitycrm.core.dates import local_today
from utilitycrm.core.extensions import db
from utilitycrm.core.panels import list_columns, page_panels
from utilitycrm.core.views import list_args, list_settings


def _args() -> dict[str, object]:
    """Template context every list shares: its query string without the page, and rights."""
    return {
        "args": list_args(),
        "can_edit": current_user.can(Permission.EDIT_ARCHIVE),
    }


def _list_page(template: str, form_class, page_of):
    """One list page: the query string through its form, one page of rows, the columns
    the wings add to it, the template."""
    form = form_class(request.args)
    form.validate()
    page = page_of(form, page=form.page_number, **list_settings())
    columns = list_columns(request.endpoint, page.items)
    return render_template(template, form=form, page=page, columns=columns, **_args())


@bp.route("/substations")
@requires(Permission.VIEW_ARCHIVE)
def substations():
    return _list_page(
        "archive/substations.html",
        SearchForm,
        lambda form, **paging: queries.substation_page(form.q.data or "", **paging),
    )


@bp.route("/lines")
@requires(Permission.VIEW_ARCHIVE)
def lines():
    return _list_page(
        "archive/lines.html",
        LineSearchForm,
        lambda form, **paging: queries.line_page(form.filters(queries.LineFilters), **paging),
    )


@bp.route("/lines/<int:line_id>")
@requires(Permission.VIEW_ARCHIVE)
def line(line_id: int):
    feeder = db.get_or_404(FeederLine, line_id)
    return render_template(
        "archive/line.html",
        line=feeder,
        diagram=line_diagram(feeder),
        panels=page_panels("archive.line", feeder),
        can_edit=current_user.can(Permission.EDIT_ARCHIVE),
    )


@bp.route("/transformers")
@requires(Permission.VIEW_ARCHIVE)
def transformers():
    return _list_page(
        "archive/transformers.html",
        TransformerSearchForm,
        lambda form, **paging: queries.transformer_page(
            form.filters(queries.TransformerFilters), **paging
        ),
    )


@bp.route("/meters")
@requires(Permission.VIEW_ARCHIVE)
def meters():
    form = MeterSearchForm(request.args)
    form.validate()
    page = queries.meter_page(
        form.filters(queries.MeterFilters), page=form.page_number, **list_settings()
    )
    today = local_today()
    due = queries.rotation_dues((meter for meter, *_rest in page.items), today)
    return render_template(
        "archive/meters.html", form=form, page=page, rotation_due=due, today=today, **_args()
    )
