"""Line losses on hand-built lines: the arithmetic, the bands (dated), the what-if of a
customer recorded on the wrong line and of a wrong multiplier, and the loss-band rules."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.clock import TODAY, month_start
from tests.factories import create_user
from tests.network.conftest import MONTH, head, sell
from tests.validation.dbarchive import change
from utilitycrm.archive.thresholds import add_threshold_set
from utilitycrm.core.errors import UtilityCRMError
from utilitycrm.core.extensions import db
from utilitycrm.network import losses
from utilitycrm.network.models import AreaReading, LineReading, LossResult
from utilitycrm.network.types import Band, LossKind
from utilitycrm.network.what_if import what_if
from utilitycrm.validation import services
from utilitycrm.validation.models import Finding
from utilitycrm.validation.snapshot import Scope


def compute(month=MONTH):
    computation = losses.compute(month, today=TODAY)
    db.session.commit()
    return computation


def line(line_obj, month=MONTH) -> LossResult:
    return losses.line_result(line_obj.id, month)


def validate() -> None:
    run = services.begin_run({}, trigger="cli", actor=None)
    db.session.commit()
    services.execute_run(run.id, Scope(), today=TODAY)


def test_a_line_sells_its_dedicated_customers_and_its_areas_meters(two_lines):
    computation = compute()
    east, west = line(two_lines.east), line(two_lines.west)
    assert (east.supplied_kwh, east.sold_kwh, east.counted) == (126_000, 120_000, 2)
    assert east.rate == pytest.approx(6_000 / 126_000) and east.band is Band.NORMAL
    assert (west.sold_kwh, west.loss_kwh) == (200_000, 10_000)
    area = db.session.scalar(select(LossResult).where(LossResult.kind == LossKind.AREA))
    assert (area.line_id, area.supplied_kwh, area.sold_kwh, area.counted) == (
        two_lines.east.id, 20_000, 19_000, 3)  # fmt: skip
    assert area.rate == pytest.approx(0.05) and area.band is Band.NORMAL
    assert computation.counts["line"] == {"normal": 2} and computation.counts["area"] == {
        "normal": 1
    }


def area(two_lines, month, supplied=20_000, sold=19_000) -> None:
    db.session.add(AreaReading(transformer_id=two_lines.public.id, month=month,
                               supplied_kwh=supplied, sold_kwh=sold))  # fmt: skip


def test_negative_and_high_bands_and_a_line_without_head_meter(two_lines):
    head(two_lines.east, 118_000, month_start(2))  # sells 120,000 of 118,000: −1.7%
    sell(two_lines.a.customer, 100_000, month_start(2))
    area(two_lines, month_start(2))
    head(two_lines.west, 230_000, month_start(2))  # 200,000 of 230,000: 13.0%
    sell(two_lines.b.customer, 200_000, month_start(2))
    db.session.commit()
    compute(month_start(2))
    east, west = line(two_lines.east, month_start(2)), line(two_lines.west, month_start(2))
    assert east.band is Band.NEGATIVE and east.rate == pytest.approx(-2_000 / 118_000)
    assert west.band is Band.HIGH and west.excess == pytest.approx(30_000 / 230_000 - 0.10)
    worst = losses.ranked(month_start(2), losses.LossFilter(abnormal=True), page=1,
                          per_page=10, limit=100).items  # fmt: skip
    assert [r.line_id for r in worst] == [two_lines.west.id, two_lines.east.id]

    sell(two_lines.a.customer, 100_000, month_start(3))  # no head reading that month
    db.session.commit()
    compute(month_start(3))
    alone = line(two_lines.east, month_start(3))
    assert (alone.band, alone.rate, alone.sold_kwh) == (Band.NO_READING, None, 100_000)


def test_the_bands_are_the_standards_in_force_at_the_months_end(two_lines):
    add_threshold_set({"loss_high_share_line": 0.04}, effective_on=MONTH + timedelta(days=3),
                      note="省公司考核口径", actor=create_user(role="admin"))  # fmt: skip
    db.session.commit()
    computation = compute()
    assert computation.limits["high_line"] == 0.04
    assert line(two_lines.east).band is Band.HIGH and line(two_lines.west).band is Band.HIGH


def test_a_month_not_over_has_no_losses_and_a_second_computation_replaces_the_first(two_lines):
    with pytest.raises(UtilityCRMError):
        losses.compute(TODAY.replace(day=1), today=TODAY)
    compute()
    db.session.get(LineReading, (two_lines.west.id, MONTH)).supplied_kwh = 250_000
    db.session.commit()
    compute()
    assert db.session.query(LossResult).filter_by(kind=LossKind.LINE).count() == 2
    assert line(two_lines.west).band is Band.HIGH


def test_a_customer_on_the_wrong_line_and_the_what_if_that_moves_it(two_lines):
    # B's source is recorded on east while its transformer hangs on west.
    change(two_lines.b.source, line_id=two_lines.east.id)
    validate()
    compute()
    east, west = line(two_lines.east), line(two_lines.west)
    assert east.band is Band.NEGATIVE and east.sold_kwh == 320_000  # 120,000 + B's 200,000
    assert west.band is Band.HIGH and west.sold_kwh == 0
    analysis = what_if(east)
    [move] = analysis.corrections
    assert move.customer.account_no == "3100000456" and move.other_line.id == two_lines.west.id
    assert move.change_here == -200_000 and move.rate_here == pytest.approx(6_000 / 126_000)
    assert move.rate_other == pytest.approx(10_000 / 210_000)
    mismatch = db.session.scalar(select(Finding).where(Finding.rule_id == "topology.line_mismatch"))
    assert mismatch in analysis.related
    # Seen from the line it belongs on: the same move, into it.
    [back] = what_if(line(two_lines.west)).corrections
    assert back.change_here == 200_000 and back.rate_here == pytest.approx(10_000 / 210_000)


def test_a_wrong_multiplier_and_the_what_if_that_bills_it_with_ct_times_pt(two_lines):
    change(two_lines.a.meter, multiplier=two_lines.a.meter.multiplier * 2)
    sell(two_lines.a.customer, 100_000, month_start(2))  # billed double: used 50,000
    head(two_lines.east, 72_600, month_start(2))  # 50,000 + 20,000 of 台区, 3.6% lost
    area(two_lines, month_start(2))
    db.session.commit()
    validate()
    compute(month_start(2))
    east = line(two_lines.east, month_start(2))
    assert east.band is Band.NEGATIVE
    [fix] = what_if(east).corrections
    assert fix.multiplier[1] * 2 == fix.multiplier[0] and fix.change_here == -50_000
    assert fix.rate_here == pytest.approx(2_600 / 72_600)


def test_the_loss_band_rules_find_the_lines_and_areas_outside_their_band(two_lines):
    db.session.get(LineReading, (two_lines.west.id, MONTH)).supplied_kwh = 250_000
    db.session.get(AreaReading, (two_lines.public.id, MONTH)).sold_kwh = 21_000
    db.session.commit()
    compute()
    validate()
    found = {(f.rule_id, f.message_key, f.line_id) for f in db.session.scalars(
        select(Finding).where(Finding.family == "line_loss"))}  # fmt: skip
    assert found == {("line_loss.line", "high", two_lines.west.id),
                     ("line_loss.area", "negative", two_lines.east.id)}  # fmt: skip
    finding = db.session.scalar(select(Finding).where(Finding.rule_id == "line_loss.line"))
    assert "20.0%" in finding.message and "250,000" in finding.message
    # A run of the east line's customers judges its 台区 again and keeps the finding open.
    scope, label = services.resolve_scope(two_lines.east.code, ())
    run = services.begin_run(label, trigger="cli", actor=None)
    db.session.commit()
    services.execute_run(run.id, scope, today=TODAY)
    area = db.session.scalar(select(Finding).where(Finding.rule_id == "line_loss.area"))
    assert area.status.value == "open" and area.last_run_id == run.id
