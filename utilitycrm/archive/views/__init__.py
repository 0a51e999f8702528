"""The archive's pages: one blueprint, a module per area."""

from flask import Blueprint

bp = Blueprint("archive", __name__, url_prefix="/archive")

from utilitycrm.archive.views import customers, imports, network, records  # noqa: E402,F401
