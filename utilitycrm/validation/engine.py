"""Runs rules over the archive and keeps the findings: new, still open, resolved, back.

Evaluation reads through `snapshot.py` only and keeps what rules find in memory; the
findings are then written in one transaction, so a failed run changes nothing.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import bindparam, select, update

from utilitycrm.archive.thresholds import dated_standards
from utilitycrm.core.database import utcnow
from utilitycrm.core.extensions import db
from utilitycrm.validation import rules as _rules  # noqa: F401 - registers the rules
from utilitycrm.validation import snapshot
from utilitycrm.validation.facts import Network, Snapshot
from utilitycrm.validation.models import (
    EventAction,
    Finding,
    FindingEvent,
    FindingStatus,
    RunStatus,
    ValidationRun,
)
from utilitycrm.validation.registry import RULES, Hit, Rule

CHUNK = 900  # ids per IN (...) list, below every database's parameter limit
TOPOLOGY_WRONG = ("topology.line_mismatch", "topology.unreachable_transformer")


def fingerprint(rule: Rule, hit: Hit) -> str:
    """The finding's identity across runs: its rule, message and objects."""
    objects = ",".join(f"{ref.type}:{ref.id}" for ref in hit.objects)
    return hashlib.sha256(f"{rule.id}|{hit.key}|{objects}".encode()).hexdigest()


@dataclass
class Found:
    rule: Rule
    hit: Hit
    line_id: int | None


@dataclass
class Evaluation:
    """What a run found, before it is stored."""

    found: dict[str, Found] = field(default_factory=dict)
    customer_ids: set[int] = field(default_factory=set)
    transformers: int = 0  # dedicated, not removed, of the customers checked
    lv_customers: int = 0  # on a public transformer
    wrong_transformers: set[int] = field(default_factory=set)
    wrong_lv_customers: set[int] = field(default_factory=set)

    def add(self, rule: Rule, hit: Hit, line_id: int | None) -> None:
        self.found.setdefault(fingerprint(rule, hit), Found(rule, hit, line_id))

    def indicators(self) -> dict:
        """中压拓扑关系准确率 = 1 − transformers on a wrong line / all; 低压户变关系准确率 =
        1 − low-voltage customers whose line differs from their transformer's / all."""
        return {
            "transformers": self.transformers,
            "transformers_wrong": len(self.wrong_transformers),
            "mv_accuracy": _ratio(len(self.wrong_transformers), self.transformers),
            "lv_customers": self.lv_customers,
            "lv_customers_wrong": len(self.wrong_lv_customers),
            "lv_accuracy": _ratio(len(self.wrong_lv_customers), self.lv_customers),
        }


def _ratio(wrong: int, total: int) -> float | None:
    return round(1 - wrong / total, 6) if total else None


def evaluate_snapshot(snap: Snapshot, rules: Iterable[Rule], evaluation: Evaluation) -> None:
    """Run customer rules on one slice and add what they find."""
    transformers = snap.network.transformers
    for rule in rules:
        for hit in rule.check(snap):
            main = snap.main_source(hit.customer_id) if hit.customer_id else None
            evaluation.add(rule, hit, hit.line_id or (main.line_id if main else None))
            if rule.id in TOPOLOGY_WRONG:
                for ref in hit.objects:
                    if ref.type != "transformer":
                        continue
                    if transformers[ref.id].is_public:
                        evaluation.wrong_lv_customers.add(hit.customer_id)
                    else:
                        evaluation.wrong_transformers.add(ref.id)
    evaluation.customer_ids.update(c.id for c in snap.customers)
    for customer in snap.customers:
        evaluation.transformers += sum(
            1 for t in snap.network.transformers_of[customer.id] if not t.is_removed
        )
        if customer.supply_transformer_id is not None:
            evaluation.lv_customers += 1


def select_rules(rule_ids: Sequence[str] | None) -> list[Rule]:
    if not rule_ids:
        return list(RULES.values())
    unknown = sorted(set(rule_ids) - set(RULES))
    if unknown:
        raise KeyError(", ".join(unknown))
    return [RULES[rule_id] for rule_id in rule_ids]


def evaluate(
    scope: snapshot.Scope,
    rules: Sequence[Rule],
    *,
    today: date,
    progress: Callable[[int], None] = lambda percent: None,
) -> tuple[Evaluation, date | None]:
    standards, effective_on = dated_standards(today)
    network = snapshot.load_network(today)
    ids = snapshot.customer_ids(scope)
    namesakes = snapshot.load_namesakes(scope, ids)
    evaluation = Evaluation()
    customer_rules = [r for r in rules if r.scope == "customer"]
    network_rules = [r for r in rules if r.scope == "network"]
    if network_rules and scope.customer_ids is None:
        _evaluate_network(network, standards, today, network_rules, scope, evaluation)
    total = max(len(ids), 1)
    done = 0
    for chunk in snapshot.slices(ids):
        snap = snapshot.load_slice(
            chunk,
            network=network,
            standards=standards,
            today=today,
            contiguous=scope.is_full,
            namesakes=namesakes,
        )
        evaluate_snapshot(snap, customer_rules, evaluation)
        done += len(chunk)
        progress(min(99, round(100 * done / total)))
    return evaluation, effective_on


def _evaluate_network(network: Network, standards, today, rules, scope, evaluation) -> None:
    snap = Snapshot(today=today, network=network, standards=standards)
    for rule in rules:
        for hit in rule.check(snap):
            involved = {ref.id for ref in hit.objects if ref.type == "feeder_line"}
            if scope.line_id is None or scope.line_id in involved:
                evaluation.add(rule, hit, hit.line_id)


def _chunks(items: Sequence, size: int = CHUNK) -> Iterable[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _open_in_scope(scope, evaluation, rules) -> list[tuple[int, str]]:
    open_statuses = [FindingStatus.OPEN.value, FindingStatus.RECTIFYING.value]
    base = select(Finding.id, Finding.fingerprint).where(
        Finding.status.in_(open_statuses), Finding.rule_id.in_([r.id for r in rules])
    )
    if scope.is_full:
        return list(db.session.execute(base))
    rows = []
    customers = sorted(evaluation.customer_ids)
    for chunk in _chunks(customers):
        rows += db.session.execute(base.where(Finding.customer_id.in_(chunk)))
    if scope.line_id is not None:
        rows += db.session.execute(
            base.where(Finding.customer_id.is_(None), Finding.line_id == scope.line_id)
        )
    return rows


def store(run: ValidationRun, scope: snapshot.Scope, rules, evaluation: Evaluation) -> dict:
    """Write the evaluation as findings and events; returns the run's counts."""
    found = evaluation.found
    existing = {}
    for chunk in _chunks(list(found)):
        for row in db.session.execute(
            select(Finding.id, Finding.fingerprint, Finding.status, Finding.params).where(
                Finding.fingerprint.in_(chunk)
            )
        ):
            existing[row.fingerprint] = row
    now = utcnow()
    counts = Counter()
    events, created, reopened, changed_params = [], [], [], []
    for key, item in found.items():
        params = item.hit.params
        row = existing.get(key)
        counts[item.rule.severity.value] += 1
        counts[f"family:{item.rule.family.value}"] += 1
        if row is None:
            finding = Finding(
                fingerprint=key,
                rule_id=item.rule.id,
                family=item.rule.family.value,
                severity=item.rule.severity.value,
                customer_id=item.hit.customer_id,
                line_id=item.line_id,
                objects=[ref.as_dict() for ref in item.hit.objects],
                message_key=item.hit.key,
                params=params,
                first_run_id=run.id,
                last_run_id=run.id,
            )
            created.append(finding)
            counts["new"] += 1
            continue
        if params != row.params:
            changed_params.append({"b_id": row.id, "b_params": params})
        if row.status == FindingStatus.RESOLVED.value:
            reopened.append(row.id)
            events.append(_event(row.id, run, EventAction.REOPENED, now))
            counts["reopened"] += 1
        elif row.status == FindingStatus.WAIVED.value:
            counts["waived"] += 1
        else:
            counts["still_open"] += 1
    table = Finding.__table__
    if changed_params:  # one executemany, not an UPDATE per finding
        db.session.execute(
            table.update()
            .where(table.c.id == bindparam("b_id"))
            .values(params=bindparam("b_params")),
            changed_params,
        )
    for chunk in _chunks([row.id for row in existing.values()]):
        db.session.execute(update(Finding).where(Finding.id.in_(chunk)).values(last_run_id=run.id))
    _set_status(reopened, FindingStatus.OPEN, now)
    db.session.add_all(created)
    db.session.flush()
    events += [_event(finding.id, run, EventAction.FOUND, now) for finding in created]
    gone = [
        finding_id
        for finding_id, key in _open_in_scope(scope, evaluation, rules)
        if key not in found
    ]
    _set_status(gone, FindingStatus.RESOLVED, now)
    events += [_event(finding_id, run, EventAction.AUTO_RESOLVED, now) for finding_id in gone]
    counts["resolved"] = len(gone)
    if events:
        db.session.execute(FindingEvent.__table__.insert(), events)
    return dict(counts)


def _set_status(ids: Sequence[int], status: FindingStatus, now) -> None:
    """A run's status change; the version moves so a form opened before it is refused."""
    for chunk in _chunks(ids):
        db.session.execute(
            update(Finding)
            .where(Finding.id.in_(chunk))
            .values(status=status.value, version=Finding.version + 1, updated_at=now)
        )


def _event(finding_id: int, run: ValidationRun, action: EventAction, at) -> dict:
    return {
        "finding_id": finding_id,
        "occurred_at": at,
        "actor_id": None,
        "run_id": run.id,
        "action": action.value,
        "note": "",
    }


def execute(
    run: ValidationRun,
    scope: snapshot.Scope,
    rules: Sequence[Rule],
    *,
    today: date,
    progress: Callable[[int], None] = lambda percent: None,
) -> None:
    """Evaluate on one state of the archive, then store; the caller commits (or rolls
    back, and nothing is written)."""
    with snapshot.one_state():
        evaluation, effective_on = evaluate(scope, rules, today=today, progress=progress)
    counts = store(run, scope, rules, evaluation)
    run.counts = counts
    run.customers_checked = len(evaluation.customer_ids)
    run.thresholds_effective_on = effective_on
    if scope.customer_ids is None:
        run.indicators = evaluation.indicators()
    run.status = RunStatus.DONE.value
    run.progress = 100
    run.finished_at = utcnow()
