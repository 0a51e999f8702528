"""`flask contracts`: render a draft to a file, expire ended terms."""

from __future__ import annotations

from datetime import date

from tests.factories import create_customer
from tests.pdftext import pdf_text
from utilitycrm.contracts.models import Contract
from utilitycrm.core.extensions import db


def test_render_writes_a_draft_in_either_language(runner, account, tmp_path):
    out = tmp_path / "draft.pdf"
    result = runner.invoke(args=["contracts", "render", account.customer.account_no,
                                 "--out", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert account.customer.name in pdf_text(out.read_bytes())
    result = runner.invoke(args=["contracts", "render", account.customer.account_no,
                                 "--out", str(out), "--lang", "en"])  # fmt: skip
    assert "Supply mode, sources and capacity" in pdf_text(out.read_bytes())
    assert db.session.query(Contract).count() == 0  # a rendering records nothing


def test_render_refuses_with_what_is_missing(runner, tmp_path):
    customer = create_customer()
    result = runner.invoke(args=["contracts", "render", customer.account_no,
                                 "--out", str(tmp_path / "x.pdf")])  # fmt: skip
    assert result.exit_code == 1
    assert "计量点" in result.output and not (tmp_path / "x.pdf").exists()
    unknown = runner.invoke(args=["contracts", "render", "0000000000", "--out", "x.pdf"])
    assert unknown.exit_code == 1 and "0000000000" in unknown.output


def test_daily_expires_ended_terms(runner, signed, monkeypatch):
    monkeypatch.setattr("utilitycrm.contracts.cli.local_today", lambda: date(2032, 1, 1))
    result = runner.invoke(args=["contracts", "daily"])
    assert result.exit_code == 0 and "1 contract(s) expired" in result.output
    db.session.refresh(signed)
    assert signed.status == "expired"
