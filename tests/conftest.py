"""Shared fixtures: one app and schema per session, every table emptied after each test.

The suite runs against DATABASE_URL when it is set (CI's PostgreSQL pass) and a temporary
SQLite file otherwise. The database it is pointed at is emptied: never point it at real data.
"""

from __future__ import annotations

import http.server
import os
import re
import socket
import threading

import pytest
import time_machine
from aiosmtpd.controller import Controller
from flask.testing import FlaskClient
from flask_migrate import stamp
from sqlalchemy import MetaData, text

from tests.clock import NOW
from tests.factories import DEFAULT_PASSWORD, create_user
from utilitycrm import create_app
from utilitycrm.auth.roles import Role
from utilitycrm.core.config import TestConfig
from utilitycrm.core.extensions import db


def settings_for(database_url: str, **overrides: object) -> dict[str, object]:
    settings = {key: getattr(TestConfig, key) for key in dir(TestConfig) if key.isupper()}
    settings["SQLALCHEMY_DATABASE_URI"] = database_url
    settings.update(overrides)
    return settings


@pytest.fixture(scope="session", autouse=True)
def frozen_session_clock():
    """Session fixtures (the app, seeded demos, the live server) start on TODAY too."""
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture(autouse=True)
def clock(frozen_session_clock):
    """Each test starts at NOW and time runs on from there; `clock.shift(timedelta)` and
    `clock.move_to(moment)` move it (the app's `local_today()` follows)."""
    with time_machine.travel(NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        return re.sub(r"^postgres(ql)?://", "postgresql+psycopg://", url)
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"


class IsolatedClient(FlaskClient):
    """Each request gets its own app context, as in production.

    Flask reuses an app context that is already pushed (the test's own), which would share
    `g` (Flask-Login's cached user) and the database session between requests and clients.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    app = create_app(
        settings_for(database_url, IMPORT_FOLDER=str(tmp_path_factory.mktemp("imports")))
    )
    app.test_client_class = IsolatedClient
    with app.app_context():
        # Reflected, so that tables another branch left in the scratch database go too.
        leftover = MetaData()
        leftover.reflect(db.engine)
        leftover.drop_all(db.engine)
        db.create_all()
        stamp(revision="head")  # the schema is the newest migration's (the health check asks)
    return app


def empty_all_tables(keep: tuple[str, ...] = ()) -> None:
    tables = [table for table in db.metadata.sorted_tables if table.name not in keep]
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{table.name}"' for table in tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        # Customers and transformers refer to each other; no delete order satisfies both.
        db.session.execute(text("PRAGMA defer_foreign_keys=ON"))
        for table in reversed(tables):
            db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture(autouse=True)
def app_context(app):
    with app.app_context():
        yield
        db.session.rollback()
        empty_all_tables()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    def __init__(self, client):
        self.client = client

    def login(self, username: str, password: str = DEFAULT_PASSWORD, **extra):
        return self.client.post(
            "/login", data={"username": username, "password": password, **extra}
        )

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def users() -> dict[Role, object]:
    """One active user of each role, named after it."""
    return {role: create_user(role=role, username=role.value.replace("_", "-")) for role in Role}


@pytest.fixture
def login_as(client, users, auth):
    def login(role: Role):
        response = auth.login(users[role].username)
        assert response.status_code == 302, response.data
        db.session.refresh(users[role])  # signing in bumped its version
        return users[role]

    return login


class Sink:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp_sink(app, monkeypatch):
    """Mail really goes over SMTP to a local server for the test."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    state = app.extensions["mail"]
    monkeypatch.setattr(state, "server", "127.0.0.1")
    monkeypatch.setattr(state, "port", port)
    monkeypatch.setattr(state, "suppress", False)
    yield sink
    controller.stop()


@pytest.fixture
def listener():
    """A local HTTP server that counts the requests it gets."""
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            """Requests are not logged: the test output stays readable."""

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], hits
    server.shutdown()
