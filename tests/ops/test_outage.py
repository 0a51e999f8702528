"""The database server going away in the middle of a request, and coming back.

The app reaches PostgreSQL through a TCP relay that the test cuts: every open connection is
dropped and new ones are hung up on, as when the server restarts or the network fails. A
database file cannot go away like a server, so this runs in the PostgreSQL pass only.
"""

from __future__ import annotations

import contextlib
import socket
import threading

import pytest
from sqlalchemy import event, select
from sqlalchemy.engine import make_url

from tests.conftest import IsolatedClient, settings_for
from tests.factories import DEFAULT_PASSWORD, create_customer
from utilitycrm import create_app
from utilitycrm.archive.models import Customer
from utilitycrm.auth.roles import Role
from utilitycrm.core.extensions import db

pytestmark = pytest.mark.commits  # the database server goes away under the app

UNAVAILABLE = "暂时无法连接数据库，未保存任何内容"


def _hang_up(end: socket.socket) -> None:
    """Shut down before closing: a close() alone neither wakes a recv() blocked on the
    socket in another thread nor, while it blocks, ends the connection."""
    with contextlib.suppress(OSError):  # already shut down
        end.shutdown(socket.SHUT_RDWR)
    end.close()


class Relay:
    """127.0.0.1:<port> → the database server, until cut."""

    def __init__(self, host: str, port: int) -> None:
        self.upstream = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.down = False
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.down:
                client.close()  # the server is gone: hang up at once
                continue
            server = socket.create_connection(self.upstream)
            with self.lock:
                self.sockets += [client, server]
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, target: socket.socket) -> None:
        with contextlib.suppress(OSError):  # the other direction was cut
            while data := source.recv(65536):
                target.sendall(data)
        for end in (source, target):
            _hang_up(end)

    def cut(self) -> None:
        self.down = True
        with self.lock:
            for end in self.sockets:
                _hang_up(end)
            self.sockets.clear()

    def restore(self) -> None:
        self.down = False

    def close(self) -> None:
        self.cut()
        self.listener.close()


@pytest.fixture
def relayed(database_url):
    url = make_url(database_url)
    if not url.drivername.startswith("postgresql"):
        pytest.skip("a database server going away: PostgreSQL pass only")
    relay = Relay(url.host or "127.0.0.1", url.port or 5432)
    relayed_url = url.set(host="127.0.0.1", port=relay.port)
    app = create_app(
        settings_for(
            relayed_url.render_as_string(hide_password=False),
            SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True},  # as in production
        )
    )
    app.test_client_class = IsolatedClient
    try:
        yield app, relay
    finally:
        relay.close()  # the server ends what the relayed connections left open
        with app.app_context():
            db.engine.dispose()


def _cut_at_statement(app, relay, number: int, starting: str = ""):
    """Cut the relay just before the request's `number`th statement (that starts with
    `starting`) goes to the server."""
    seen = []

    def before(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(starting):
            seen.append(statement)
            if len(seen) == number:
                relay.cut()

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    return lambda: event.remove(engine, "before_cursor_execute", before)


def test_a_page_whose_database_goes_away_gets_the_503_page_and_recovers(relayed, users):
    app, relay = relayed
    customer = create_customer(name="断线前的客户")
    client = app.test_client()
    signed_in = client.post(
        "/login", data={"username": users[Role.MARKETING].username, "password": DEFAULT_PASSWORD}
    )
    assert signed_in.status_code == 302
    page = f"/archive/customers/{customer.account_no}"
    assert client.get(page).status_code == 200

    stop = _cut_at_statement(app, relay, 3)  # the user is loaded; the customer's rows are not
    try:
        gone = client.get(page)
    finally:
        stop()
    assert gone.status_code == 503
    text = gone.get_data(as_text=True)
    assert UNAVAILABLE in text and "Traceback" not in text and "断线前的客户" not in text

    still_down = client.get(page)  # the pool checks its connection, the server refuses
    assert still_down.status_code == 503 and UNAVAILABLE in still_down.get_data(as_text=True)
    health = client.get("/healthz")
    assert health.status_code == 503 and "unreachable" in health.json["database"]

    relay.restore()
    back = client.get(page)  # same session: the user is still signed in
    assert back.status_code == 200 and "断线前的客户" in back.get_data(as_text=True)
    assert client.get("/healthz").status_code == 200


def test_a_save_cut_off_by_the_database_writes_nothing(relayed, users):
    app, relay = relayed
    customer = create_customer(name="原来的名称")
    client = app.test_client()
    client.post(
        "/login", data={"username": users[Role.MARKETING].username, "password": DEFAULT_PASSWORD}
    )
    edit = f"/archive/customers/{customer.account_no}/edit"
    form = client.get(edit)
    assert form.status_code == 200

    from tests.htmlforms import page_forms

    (fields,) = [f for f in page_forms(edit, form.get_data(as_text=True)) if f.action == edit]
    values = fields.values() | {"name": "断线时保存的名称", "phone": "0571-88886666"}
    stop = _cut_at_statement(app, relay, 2, starting="INSERT")  # the customer row is updated
    try:
        cut_off = client.post(edit, data=values)
    finally:
        stop()
    assert cut_off.status_code == 503
    assert "Nothing was saved" in str(app.extensions) or UNAVAILABLE in cut_off.get_data(
        as_text=True
    )

    relay.restore()
    stored = db.session.scalar(
        select(Customer).where(Customer.id == customer.id).execution_options(populate_existing=True)
    )
    assert (stored.name, stored.version) == ("原来的名称", 1)
    again = client.post(edit, data=values)  # the form the user still has saves once it is back
    assert again.status_code == 302
    db.session.refresh(stored)
    assert (stored.name, stored.version) == ("断线时保存的名称", 2)
