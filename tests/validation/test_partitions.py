"""A whole-archive run cut into parts (`validation.partitions`) finds exactly what one
reader of the whole archive finds, on the demo utility with faults and the legacy oddities
that could tear a part: a node recorded on no line, a customer fed from two lines, a
transformer placed on no node."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from tests.clock import TODAY
from utilitycrm.archive.models import Customer
from utilitycrm.core.extensions import db
from utilitycrm.validation import engine, jobs, partitions, services, snapshot
from utilitycrm.validation.registry import RULES
from utilitycrm.validation.snapshot import Scope


def _found(evaluation: engine.Evaluation) -> dict:
    return {
        key: (item.rule.id, item.hit.params, item.hit.customer_id, item.line_id)
        for key, item in evaluation.found.items()
    }


def test_parts_find_exactly_what_one_reader_finds(oddities):
    rules = list(RULES.values())
    whole, _ = engine.evaluate(Scope(), rules, today=TODAY)
    parts = partitions.plan(4)
    assert len(parts) == 5 and parts[-1].unplaced  # four of lines, one of the unplaced
    parted, _ = engine.evaluate(Scope(), rules, today=TODAY, parts=parts)

    assert _found(parted) == _found(whole)
    assert parted.indicators() == whole.indicators()
    assert parted.checked == whole.checked
    twins = [i for i in whole.found.values() if i.rule.id == "identity.duplicate_meter"]
    assert len(twins) == 2 and {i.hit.params["asset_no"] for i in twins} == {oddities["twinned"]}
    families = {item.rule.family.value for item in whole.found.values()}
    assert {"topology", "identity", "metering", "tariff", "capacity", "completeness"} <= families
    assert any(item.rule.id == "topology.feeders_joined" for item in whole.found.values())


def test_every_customer_is_checked_in_exactly_one_part_beside_its_network(oddities):
    parts = partitions.plan(4)
    with snapshot.one_state():
        checked = [snapshot.customer_ids(Scope(), part) for part in parts]
        everyone = snapshot.customer_ids(Scope())
    assert sorted(i for ids in checked for i in ids) == everyone
    a, b, c = oddities["lines"]
    by_line = {line_id: part for part in parts for line_id in part.lines}
    assert by_line[b.id] is by_line[c.id]  # one customer's transformers on both
    assert oddities["loose"].id in by_line[a.id].nodes  # joined to line a's node
    assert oddities["nowhere"].id in checked[-1]
    customers = db.session.scalars(select(Customer.id).where(Customer.name == "两条线路供电的客户"))
    assert set(customers) <= set(checked[parts.index(by_line[b.id])])


def test_a_run_cut_into_parts_keeps_every_finding_of_a_run_in_one_piece(oddities, monkeypatch):
    def run() -> dict:
        started = services.begin_run({}, trigger="cli", actor=None)
        db.session.commit()
        jobs.start(started, Scope(), actor_id=None, here=True)
        return db.session.get(type(started), started.id).counts

    first = run()
    monkeypatch.setitem(current_app.config, "VALIDATION_PARTS", 4)
    planned, plan = [], partitions.plan
    monkeypatch.setattr(partitions, "plan", lambda count: planned.append(count) or plan(count))
    second = run()  # one reader here (SQLite, or a test's transaction): part after part
    assert planned == [4]
    assert first["new"] > 40 and second.get("new", 0) == 0 and second["resolved"] == 0
    assert second["still_open"] == first["new"]


def _of(evaluation: engine.Evaluation, customer_ids: set[int]) -> dict:
    return {
        key: found
        for key, found in _found(evaluation).items()
        if found[2] in customer_ids and RULES[found[0]].scope != "network"
    }


def test_a_check_on_save_reads_the_customers_feeders_and_finds_what_a_full_run_finds(oddities):
    rules = list(RULES.values())
    whole, _ = engine.evaluate(Scope(), rules, today=TODAY)
    odd = db.session.scalars(select(Customer.id).where(Customer.account_no.like("88000000%")))
    by_rule: dict[str, set[int]] = {}
    for item in whole.found.values():
        if item.hit.customer_id is not None:
            by_rule.setdefault(item.rule.id, set()).add(item.hit.customer_id)
    finders = set().union(*(sorted(ids)[:3] for ids in by_rule.values()))
    others = db.session.scalars(select(Customer.id).order_by(Customer.id)).all()[::60]
    saved = sorted(set(odd) | finders | set(others))
    assert len(by_rule) > 15 and len(saved) > 40
    for customer_id in saved:  # one save each, as the archive's pages make them
        checked, _ = engine.evaluate(Scope(customer_ids=(customer_id,)), rules, today=TODAY)
        assert _of(checked, {customer_id}) == _of(whole, {customer_id}), customer_id
    together, _ = engine.evaluate(Scope(customer_ids=tuple(saved)), rules, today=TODAY)
    assert _of(together, set(saved)) == _of(whole, set(saved))

    _a, b, c = oddities["lines"]
    two_lines = db.session.scalar(select(Customer.id).where(Customer.account_no == "8800000002"))
    read = partitions.around([two_lines])
    assert set(read.lines) == {b.id, c.id}  # of 8 lines: no closed tie joins these two
    assert partitions.around([oddities["nowhere"].id]).lines == ()
