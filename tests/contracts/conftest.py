"""Contract fixtures: a key account ready for a contract, and a signed contract of it."""

from __future__ import annotations

from datetime import date

import pytest

from tests.clock import TODAY
from tests.validation.dbarchive import key_account
from utilitycrm.auth.roles import Role
from utilitycrm.contracts import services
from utilitycrm.core.extensions import db


@pytest.fixture
def account(app_context):
    return key_account()


def draft(customer, actor, **request) -> object:
    contract = services.create_draft(
        customer, services.DraftRequest(**request), actor=actor, today=TODAY
    )
    db.session.commit()
    return contract


def sign(contract, actor, *, signed_on=TODAY, starts_on=TODAY, ends_on=date(2031, 11, 22)):
    services.sign(
        contract,
        services.Signing(signed_on, starts_on, ends_on, "王经理", "李主任"),
        actor=actor,
        today=TODAY,
    )
    db.session.commit()
    return contract


@pytest.fixture
def signed(account, users):
    return sign(draft(account.customer, users[Role.MARKETING]), users[Role.MARKETING])
