"""The demo's readings: losses in band except on the lines its injected archive errors
touch; the loss-band rules find them, the same in one process and in parts, and the
what-if of each abnormal line brings it back into its band."""

from __future__ import annotations

from sqlalchemy import select

from tests.clock import TODAY
from utilitycrm.archive.models import NetworkNode, PowerSource, Transformer
from utilitycrm.core.extensions import db
from utilitycrm.demo import seeding
from utilitycrm.demo.accounts import seed_key_account_work
from utilitycrm.demo.models import DemoFault
from utilitycrm.demo.readings import seed_readings
from utilitycrm.network import losses
from utilitycrm.network.types import Band, LossKind
from utilitycrm.network.what_if import what_if
from utilitycrm.validation import engine, partitions, services
from utilitycrm.validation.registry import RULES
from utilitycrm.validation.snapshot import Scope


def _lines_touched_by_faults() -> set[int]:
    customers = set(db.session.scalars(select(DemoFault.customer_id)))
    recorded = db.session.scalars(
        select(PowerSource.line_id).where(PowerSource.customer_id.in_(customers))
    )
    traced = db.session.scalars(
        select(NetworkNode.line_id).join(Transformer, Transformer.node_id == NetworkNode.id)
        .where(Transformer.customer_id.in_(customers)))  # fmt: skip
    return set(recorded) | set(traced)


def test_the_demo_losses_point_at_its_injected_errors():
    seeding.seed(customers=1500, seed=7, fault_rate=0.3, today=TODAY)
    db.session.commit()
    seed_key_account_work(TODAY, 7)
    seed_readings(TODAY, 7)
    db.session.commit()
    month = losses.latest_month(TODAY)
    results = losses.ranked(month, losses.LossFilter(), page=1, per_page=1000, limit=1000).items
    abnormal = {r.line_id for r in results if r.band.is_abnormal}
    assert abnormal and abnormal <= _lines_touched_by_faults()
    areas = losses.ranked(month, losses.LossFilter(kind=LossKind.AREA), page=1, per_page=1000,
                          limit=1000).items  # fmt: skip
    assert areas and all(r.band is Band.NORMAL for r in areas)

    rules = list(RULES.values())
    whole, _ = engine.evaluate(Scope(), rules, today=TODAY)
    parted, _ = engine.evaluate(Scope(), rules, today=TODAY, parts=partitions.plan(3))
    assert set(parted.found) == set(whole.found)
    loss_lines = {i.line_id for i in whole.found.values() if i.rule.id == "line_loss.line"}
    assert loss_lines == abnormal

    run = services.begin_run({}, trigger="cli", actor=None)
    db.session.commit()
    services.execute_run(run.id, Scope(), today=TODAY)
    fixed = []
    for result in results:
        if result.band.is_abnormal:
            analysis = what_if(result)
            assert analysis.related and analysis.corrections, result.line.name
            fixed.append(losses.band_of(analysis.rate_all, LossKind.LINE,
                                        losses.Limits.of(_standards()))[0])  # fmt: skip
    assert fixed and all(band is Band.NORMAL for band in fixed)


def _standards():
    from utilitycrm.archive.thresholds import standards_on

    return standards_on(TODAY)
