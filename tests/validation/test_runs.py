import json

from sqlalchemy import select

from tests.validation.dbarchive import change, key_account
from utilitycrm.archive import thresholds
from utilitycrm.core.extensions import db
from utilitycrm.validation.models import Finding, FindingEvent, ValidationRun


def _run(runner, *args):
    result = runner.invoke(args=["validate", "run", *args])
    assert result.exit_code == 0, result.output
    return result.output


def _findings(rule_id=None):
    query = select(Finding)
    if rule_id:
        query = query.where(Finding.rule_id == rule_id)
    return db.session.scalars(query.execution_options(populate_existing=True)).all()


def test_a_consistent_archive_has_no_findings(runner):
    key_account()
    output = _run(runner)
    assert "1 customers checked; 0 errors, 0 warnings" in output
    assert _findings() == []
    run = db.session.scalars(select(ValidationRun)).one()
    assert run.status == "done" and run.indicators["mv_accuracy"] == 1.0


def test_a_run_finds_keeps_resolves_and_reopens(runner):
    account = key_account()
    change(account.meter, multiplier=80)
    assert "new 1" in _run(runner)
    (finding,) = _findings()
    assert finding.rule_id == "metering.multiplier"
    assert finding.customer_id == account.customer.id
    assert [o["type"] for o in finding.objects] == ["meter", "metering_point", "customer"]
    assert "800" in finding.message  # what would be right

    assert "still open 1" in _run(runner)
    change(account.meter, multiplier=800)
    assert "resolved 1" in _run(runner)
    assert _findings()[0].status == "resolved"

    change(account.meter, multiplier=80)
    assert "reopened 1" in _run(runner)
    (finding,) = _findings()
    assert finding.status == "open"
    actions = [e.action for e in db.session.scalars(select(FindingEvent).order_by(FindingEvent.id))]
    assert actions == ["found", "auto_resolved", "reopened"]


def test_a_customer_run_judges_only_that_customer(runner):
    first = key_account()
    second = key_account(first.line, tariff=False)
    change(first.meter, multiplier=80)
    change(second.meter, multiplier=80)
    _run(runner)
    assert len(_findings()) == 2
    change(first.meter, multiplier=800)
    change(second.meter, multiplier=800)
    assert "resolved 1" in _run(runner, "--customer", first.customer.account_no)
    statuses = {f.customer_id: f.status for f in _findings()}
    assert statuses == {first.customer.id: "resolved", second.customer.id: "open"}


def test_a_line_run_and_the_json_file(runner, tmp_path):
    account = key_account()
    change(account.source, property_boundary=None)
    path = tmp_path / "run.json"
    _run(runner, "--line", account.line.code, "--json", str(path))
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["run"]["scope"] == {"line": account.line.code}
    (finding,) = document["findings"]
    assert finding["rule"] == "completeness.property_boundary"
    assert finding["customer"] == account.customer.account_no
    assert finding["line"] == account.line.code


def test_bad_arguments_are_refused_and_nothing_is_stored(runner):
    result = runner.invoke(args=["validate", "run", "--line", "NOPE"])
    assert result.exit_code != 0 and "NOPE" in result.output
    result = runner.invoke(args=["validate", "run", "--rule", "no.such.rule"])
    assert result.exit_code != 0 and "no.such.rule" in result.output
    assert db.session.scalars(select(ValidationRun)).all() == []


def test_thresholds_in_effect_on_the_run_day_are_used(runner):
    from datetime import date

    from tests import factories

    account = key_account()
    admin = factories.create_user(role="admin")
    # A stricter CT band in which a 40 A CT at 36.4 A full load (91%) is oversized.
    thresholds.add_threshold_set(
        {"ct_band_max": 0.8}, effective_on=date(2020, 1, 1), note="", actor=admin
    )
    db.session.commit()
    _run(runner)
    (finding,) = _findings()
    assert finding.rule_id == "metering.ct_band" and finding.customer_id == account.customer.id
    run = db.session.scalars(select(ValidationRun)).one()
    assert run.thresholds_effective_on == date(2020, 1, 1)
