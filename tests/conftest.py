"""Shared fixtures: one app and schema per session (per xdist worker), each test inside a
transaction that is rolled back at its end.

Every session a test opens (its own, and one per request of the test client) joins the
test's one connection, and a commit only releases a savepoint of it (SQLAlchemy's
"joining a session into an external transaction"). Tests whose work must really commit
(other threads or processes, a live server, DDL) carry the `commits` marker: their tables
are emptied after them instead.

The suite runs against DATABASE_URL when it is set (CI's PostgreSQL pass; each xdist
worker gets its own database beside it) and a temporary SQLite file otherwise. The
database it is pointed at is emptied: never point it at real data.
"""

from __future__ import annotations

import contextlib
import http.server
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import time_machine
from aiosmtpd.controller import Controller
from flask.testing import FlaskClient
from flask_migrate import stamp
from flask_sqlalchemy.session import Session
from sqlalchemy import MetaData, create_engine, event, make_url, text

from tests.clock import NOW
from tests.factories import DEFAULT_PASSWORD, create_user
from tests.workers import STALE_SECONDS
from utilitycrm import create_app
from utilitycrm.auth.roles import Role
from utilitycrm.auth.services import create_api_token
from utilitycrm.core.config import TestConfig
from utilitycrm.core.extensions import db

ROOT = Path(__file__).resolve().parents[1]


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
def forget_the_test_deadline_kind():
    """The tests' own deadline kind lives for the test that opened one (open_test_deadline)."""
    yield
    from utilitycrm.deadlines import services

    services.KINDS.pop("test", None)


@pytest.fixture(autouse=True)
def clock(frozen_session_clock):
    """Each test starts at NOW and time runs on from there; `clock.shift(timedelta)` and
    `clock.move_to(moment)` move it (the app's `local_today()` follows)."""
    with time_machine.travel(NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture(scope="session")
def database_url(tmp_path_factory, worker_id) -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"
    url = make_url(re.sub(r"^postgres(ql)?://", "postgresql+psycopg://", url))
    if worker_id == "master":
        return url.render_as_string(hide_password=False)
    return worker_database(url, f"{url.database}_{worker_id}")


def worker_database(url, name: str) -> str:
    """A database of its own for one xdist worker, made on the same server if missing."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        exists = connection.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
        )
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


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


class JoinedSession(Session):
    """A session bound to the test's connection (Flask-SQLAlchemy's would take the engine)."""

    def get_bind(self, *args, **kwargs):
        return self.bind


@contextlib.contextmanager
def joined_session(connection):
    """db.session bound to `connection`, each commit only releasing a savepoint of it."""
    shared = db.session
    db.session = db._make_scoped_session(
        {"bind": connection, "join_transaction_mode": "create_savepoint", "class_": JoinedSession}
    )
    try:
        yield
    finally:
        db.session.remove()
        db.session = shared


@contextlib.contextmanager
def rolled_back(app):
    """A connection inside a transaction that is rolled back at the end."""
    with app.app_context():
        connection = db.engine.connect()
    driver = connection.connection.driver_connection
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # pysqlite begins transactions itself and would let the first RELEASE SAVEPOINT
        # commit: the test's transaction is begun explicitly (SQLAlchemy's recipe).
        isolation, driver.isolation_level = driver.isolation_level, None
    outer = connection.begin()
    if sqlite:
        connection.exec_driver_sql("BEGIN")
    try:
        yield connection
    finally:
        outer.rollback()
        if sqlite:
            driver.isolation_level = isolation
        connection.close()


@pytest.fixture(scope="module")
def module_connection(app):
    """For a module whose tests share records built once (`module_records`): the module's
    transaction, each test's work a savepoint inside it rolled back after the test."""
    with rolled_back(app) as connection:
        yield connection


@pytest.fixture(autouse=True)
def app_context(app, request):
    if request.node.get_closest_marker("commits"):
        with app.app_context():
            yield
            db.session.rollback()
            empty_all_tables()
        return
    if "module_connection" in request.fixturenames:
        connection = request.getfixturevalue("module_connection")
        savepoint = connection.begin_nested()
        try:
            with app.app_context(), joined_session(connection):
                yield
        finally:
            savepoint.rollback()
        return
    with rolled_back(app) as connection, app.app_context(), joined_session(connection):
        yield


@pytest.fixture
def count_queries(app):
    """`with count_queries() as sent:` lists the statements sent inside the block."""

    @contextlib.contextmanager
    def counting():
        statements: list[str] = []

        def record(_connection, _cursor, statement, *_args):
            statements.append(statement)

        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            event.remove(engine, "before_cursor_execute", record)

    return counting


@pytest.fixture
def request_log(caplog, monkeypatch):
    """The app's request log, captured from here on whatever an earlier test did to it
    (an app made without TESTING gives it a handler of its own and stops propagation)."""
    logger = logging.getLogger("utilitycrm.requests")
    monkeypatch.setattr(logger, "propagate", True)
    with caplog.at_level(logging.INFO, logger=logger.name):
        caplog.clear()
        yield caplog


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


@pytest.fixture
def tokens(users) -> dict[Role, str]:
    """An API token per role."""
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


class Sink:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def queue_url(tmp_path) -> str:
    """A SQLite queue file of the test's own, for it and the workers it starts."""
    return f"sqlite:///{tmp_path / 'jobs.sqlite'}"


@pytest.fixture
def start_worker(database_url, queue_url, tmp_path):
    """Starts real `flask jobs worker` processes on the test's database and queue; they
    are stopped after the test."""
    started: list[subprocess.Popen] = []

    def start() -> subprocess.Popen:
        environment = os.environ | {
            "DATABASE_URL": database_url,
            "UTILITYCRM_JOBS_URL": queue_url,
            "UTILITYCRM_JOBS_MODULES": "tests.jobs_support",
            "UTILITYCRM_JOBS_STALE_SECONDS": str(STALE_SECONDS),
            "SECRET_KEY": "test-worker",
            "PYTHONPATH": str(ROOT),
        }
        command = [sys.executable, "-m", "flask", "--app", "utilitycrm", "jobs", "worker",
                   "--threads", "1", "--no-schedule"]  # fmt: skip
        log = (tmp_path / f"worker-{len(started)}.log").open("w")
        process = subprocess.Popen(
            command, cwd=tmp_path, env=environment, stdout=log, stderr=subprocess.STDOUT
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()


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
