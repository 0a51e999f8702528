"""A deadline kind of the tests' own, and a local SMTP server that keeps what it receives."""

from __future__ import annotations

import socket
from datetime import date

import pytest
from aiosmtpd.controller import Controller

from utilitycrm.deadlines import services
from utilitycrm.deadlines.calendar import WorkCalendar
from utilitycrm.extensions import db

services.register_kind(
    "test",
    "Test task",
    lambda items: {
        d.id: services.Described(f"Task {d.key}", f"subject {d.subject_id}", "/notifications")
        for d in items
    },
)


def open_test_deadline(owner, key: str, *, starts_on: date, limit: int = 5):
    deadline = services.open_workday_deadline(
        "test", 1, key, owner_id=owner.id, starts_on=starts_on, limit=limit, warn_share=0.8,
        calendar=WorkCalendar(), today=starts_on,
    )  # fmt: skip
    db.session.commit()
    return deadline


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
