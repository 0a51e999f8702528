"""Check on save: the archive announces a committed save, the rules run again for the
customers it touched, so the page the user lands on shows their findings at once."""

from __future__ import annotations

from flask import current_app, flash
from flask_babel import gettext as _

from utilitycrm.core.extensions import db
from utilitycrm.validation.queries import open_count
from utilitycrm.validation.services import check_customers


def check_on_save(_app, *, customer_ids: list[int], actor) -> None:
    """Re-run the rules for the customers a save touched, so the page they land on shows
    their findings at once. The save is committed already: a failed check only warns."""
    try:
        check_customers(customer_ids, actor=actor)
    except Exception:
        db.session.rollback()
        current_app.logger.exception("check on save failed for customers %s", customer_ids)
        flash(_("Saved, but the archive rules could not be checked now."), "warning")
        return
    count = open_count(customer_ids)
    if count:
        flash(
            _(
                "The archive rules find %(count)d open problems here: see Findings below.",
                count=count,
            ),
            "warning",
        )
