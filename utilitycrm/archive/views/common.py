"""What the archive's views share: loading a customer, announcing a save."""

from __future__ import annotations

from flask import abort, current_app
from flask_login import current_user

from utilitycrm.archive import queries
from utilitycrm.archive.models import Customer
from utilitycrm.archive.signals import customers_saved


def get_customer_or_404(account_no: str) -> Customer:
    customer = queries.customer_by_account_no(account_no)
    if customer is None:
        abort(404)
    return customer


def announce_saved(customer_ids: list[int]) -> None:
    """Tell the wings a committed save touched these customers (check on save)."""
    customers_saved.send(
        current_app._get_current_object(), customer_ids=customer_ids, actor=current_user
    )
