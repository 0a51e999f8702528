"""What the archive's views share: loading a customer, announcing a save."""

from __future__ import annotations

from flask import current_app
from flask_login import current_user

from utilitycrm.archive import queries
from utilitycrm.archive.models import Customer
from utilitycrm.archive.signals import customers_saved
from utilitycrm.core.extensions import db


def get_customer_or_404(account_no: str) -> Customer:
    return db.first_or_404(queries.customer_page_query(account_no))


def announce_saved(customer_ids: list[int]) -> None:
    """Tell the wings a committed save touched these customers (check on save)."""
    customers_saved.send(
        current_app._get_current_object(), customer_ids=customer_ids, actor=current_user
    )
