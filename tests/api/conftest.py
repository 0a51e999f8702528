"""API fixtures: a token per role, and a client that sends it."""

from __future__ import annotations

import pytest

from utilitycrm.auth.roles import Role
from utilitycrm.auth.services import create_api_token
from utilitycrm.core.extensions import db


@pytest.fixture
def tokens(users) -> dict[Role, str]:
    secrets = {role: create_api_token(users[role], "test")[1] for role in Role}
    db.session.commit()
    return secrets


@pytest.fixture
def api(client, tokens):
    """api(role).get(path) … with that role's token."""

    class Caller:
        def __init__(self, role):
            self.headers = {"Authorization": f"Bearer {tokens[role]}"}

        def __getattr__(self, method):
            def call(path, **kwargs):
                return client.open(path, method=method.upper(), headers=self.headers, **kwargs)

            return call

    return Caller
