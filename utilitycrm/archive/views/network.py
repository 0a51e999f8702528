"""Lists of substations, lines, transformers and meters, and the line page."""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user

from utilitycrm.archive import queries
from utilitycrm.archive.forms.search import LineSearchForm, SearchForm, TransformerSearchForm
from utilitycrm.archive.models import FeederLine
from utilitycrm.archive.topology import line_diagram
from utilitycrm.archive.views import bp
from utilitycrm.archive.views.common import list_settings
from utilitycrm.auth.access import requires
from utilitycrm.auth.roles import Permission
from utilitycrm.extensions import db


def _args() -> dict[str, object]:
    """Template context every list shares: its query string without the page, and rights."""
    return {
        "args": {key: value for key, value in request.args.items() if key != "page"},
        "can_edit": current_user.can(Permission.EDIT_ARCHIVE),
    }


@bp.route("/substations")
@requires(Permission.VIEW_ARCHIVE)
def substations():
    form = SearchForm(request.args)
    form.validate()
    page = queries.substation_page(form.q.data or "", page=form.page_number, **list_settings())
    return render_template("archive/substations.html", form=form, page=page, **_args())


@bp.route("/lines")
@requires(Permission.VIEW_ARCHIVE)
def lines():
    form = LineSearchForm(request.args)
    form.validate()
    page = queries.line_page(
        form.filters(queries.LineFilters), page=form.page_number, **list_settings()
    )
    return render_template("archive/lines.html", form=form, page=page, **_args())


@bp.route("/lines/<int:line_id>")
@requires(Permission.VIEW_ARCHIVE)
def line(line_id: int):
    feeder = db.get_or_404(FeederLine, line_id)
    return render_template(
        "archive/line.html",
        line=feeder,
        diagram=line_diagram(feeder),
        can_edit=current_user.can(Permission.EDIT_ARCHIVE),
    )


@bp.route("/transformers")
@requires(Permission.VIEW_ARCHIVE)
def transformers():
    form = TransformerSearchForm(request.args)
    form.validate()
    page = queries.transformer_page(
        form.filters(queries.TransformerFilters), page=form.page_number, **list_settings()
    )
    return render_template("archive/transformers.html", form=form, page=page, **_args())


@bp.route("/meters")
@requires(Permission.VIEW_ARCHIVE)
def meters():
    form = SearchForm(request.args)
    form.validate()
    page = queries.meter_page(form.q.data or "", page=form.page_number, **list_settings())
    return render_template("archive/meters.html", form=form, page=page, **_args())
