"""`flask projects alerts`: overdue and due-soon stages listed, mailed once per threshold."""

from __future__ import annotations

from datetime import date

from tests import factories
from tests.projects.conftest import accept, new_connection


def _today(monkeypatch, day: date) -> None:
    from utilitycrm.deadlines import cli

    monkeypatch.setattr(cli, "local_today", lambda: day)


def test_alerts_list_and_mail_each_stage_once(runner, manager, staff, smtp_sink, monkeypatch):
    project = accept(new_connection(factories.create_line(), manager), staff)
    _today(monkeypatch, date(2026, 10, 15))  # 8 of 10 working days used: due soon
    listed = runner.invoke(args=["projects", "alerts"])
    assert listed.exit_code == 0
    assert listed.output.startswith(f"due_soon\t2026-10-16\tli\t{project.number}")

    assert runner.invoke(args=["projects", "alerts", "--send"]).exit_code == 0
    assert runner.invoke(args=["projects", "alerts", "--send"]).exit_code == 0
    assert len(smtp_sink.messages) == 1
    assert project.number in smtp_sink.messages[0].content.decode()

    _today(monkeypatch, date(2026, 10, 19))  # past the due day: a second mail, overdue
    assert runner.invoke(args=["projects", "alerts", "--send"]).exit_code == 0
    assert len(smtp_sink.messages) == 2
    assert smtp_sink.messages[1].rcpt_tos == ["li@example.cn"]
