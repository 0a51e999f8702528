"""Runs rules over the archive and keeps the findings: new, still open, resolved, back.

Evaluation reads through `snapshot.py` only and keeps what rules find in memory; the
findings are then written in one transaction, so a failed run changes nothing.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import bindparam, select, update

from utilitycrm.archive.standards import Standards
from utilitycrm.archive.thresholds import dated_standards
from utilitycrm.core.database import utcnow
from utilitycrm.core.extensions import db
from utilitycrm.validation import partitions, snapshot
from utilitycrm.validation import rules as _rules  # noqa: F401 - registers the rules
from utilitycrm.validation.facts import Network, Snapshot
from utilitycrm.validation.models import (
    EventAction,
    Finding,
    FindingEvent,
    FindingStatus,
    RunStatus,
    ValidationRun,
)
from utilitycrm.validation.partitions import Partition
from utilitycrm.validation.registry import RULES, Hit, Ref, Rule

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
    """What a run found, before it is stored; the parts of a run each make one, merged."""

    found: dict[str, Found] = field(default_factory=dict)
    customer_ids: set[int] = field(default_factory=set)  # kept for a scoped run only
    checked: int = 0
    transformers: int = 0  # dedicated, not removed, of the customers checked
    lv_customers: int = 0  # on a public transformer
    wrong_transformers: set[int] = field(default_factory=set)
    wrong_lv_customers: set[int] = field(default_factory=set)

    def add(self, rule: Rule, hit: Hit, line_id: int | None) -> None:
        self.found.setdefault(fingerprint(rule, hit), Found(rule, hit, line_id))

    def merge(self, other: Evaluation) -> None:
        for key, item in other.found.items():
            self.found.setdefault(key, item)
        self.customer_ids |= other.customer_ids
        self.checked += other.checked
        self.transformers += other.transformers
        self.lv_customers += other.lv_customers
        self.wrong_transformers |= other.wrong_transformers
        self.wrong_lv_customers |= other.wrong_lv_customers

    def to_bytes(self) -> bytes:
        """The evaluation of a part as a worker hands it to the run (compressed JSON)."""
        found = [
            [item.rule.id, [list(ref.as_dict().values()) for ref in item.hit.objects],
             item.hit.customer_id, item.hit.line_id, item.hit.key, item.hit.params, item.line_id]
            for item in self.found.values()
        ]  # fmt: skip
        document = {
            "found": found,
            "checked": self.checked,
            "transformers": self.transformers,
            "lv_customers": self.lv_customers,
            "wrong_transformers": sorted(self.wrong_transformers),
            "wrong_lv_customers": sorted(self.wrong_lv_customers),
        }
        return zlib.compress(json.dumps(document, ensure_ascii=False).encode(), 6)

    @classmethod
    def from_bytes(cls, data: bytes) -> Evaluation:
        document = json.loads(zlib.decompress(data))
        evaluation = cls(
            checked=document["checked"],
            transformers=document["transformers"],
            lv_customers=document["lv_customers"],
            wrong_transformers=set(document["wrong_transformers"]),
            wrong_lv_customers=set(document["wrong_lv_customers"]),
        )
        for rule_id, objects, customer_id, hit_line, key, params, line_id in document["found"]:
            hit = Hit(tuple(Ref(*ref) for ref in objects), customer_id, hit_line, key, params)
            evaluation.add(RULES[rule_id], hit, line_id)
        return evaluation

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


def _add_hits(snap: Snapshot, rules: Iterable[Rule], evaluation: Evaluation) -> None:
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


def evaluate_snapshot(
    snap: Snapshot, rules: Iterable[Rule], evaluation: Evaluation, *, keep_ids: bool = True
) -> None:
    """Run customer rules on one slice and add what they find."""
    _add_hits(snap, rules, evaluation)
    evaluation.checked += len(snap.customers)
    if keep_ids:
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


Progress = Callable[[int, int], None]  # customers done, of how many


def evaluate(
    scope: snapshot.Scope, rules: Sequence[Rule], **options
) -> tuple[Evaluation, date | None]:
    """Evaluate on one state of the archive read by this process: whole, or part after
    part (`parts` of a whole-archive run, as workers would); the options (today,
    progress, parts) are evaluate_as_seen's."""
    with snapshot.one_state():
        return evaluate_as_seen(scope, rules, **options)


def evaluate_as_seen(
    scope: snapshot.Scope,
    rules: Sequence[Rule],
    *,
    today: date,
    progress: Callable[[int], None] = lambda percent: None,
    parts: Sequence[Partition] | None = None,
) -> tuple[Evaluation, date | None]:
    """The evaluation of the archive as the caller's transaction sees it: a run's, inside
    its snapshot; an import's dry run's, inside the savepoint that holds its rows (which
    nothing may commit)."""
    standards, effective_on = dated_standards(today)
    evaluation = Evaluation()
    if parts:
        chosen = list(parts)
    elif scope.customer_ids is not None:  # a few customers: their feeders only
        chosen = [partitions.around(scope.customer_ids)]
    else:
        chosen = [None]
    for number, part in enumerate(chosen):

        def report(done: int, total: int, number: int = number) -> None:
            progress(min(99, round(100 * (number + done / max(total, 1)) / len(chosen))))

        evaluate_part(scope, part, rules, standards, today, evaluation, report)
    evaluate_across(scope, rules, standards, today, evaluation)
    return evaluation, effective_on


def evaluate_part(
    scope: snapshot.Scope,
    part: Partition | None,
    rules: Sequence[Rule],
    standards: Standards,
    today: date,
    evaluation: Evaluation,
    progress: Progress = lambda done, total: None,
) -> None:
    """The customer and network rules on the scope, or on one part of the whole archive;
    the caller holds the state it reads (`snapshot.one_state`)."""
    ids = snapshot.customer_ids(scope, part)
    network_rules = [r for r in rules if r.scope == "network"]
    judge_network = bool(network_rules) and scope.customer_ids is None
    network = snapshot.load_network(today, part, extras=judge_network)
    if judge_network:
        _evaluate_network(network, standards, today, network_rules, scope, evaluation)
    customer_rules = [r for r in rules if r.scope == "customer"]
    done = 0
    for chunk in snapshot.slices(ids):
        snap = snapshot.load_slice(chunk, network=network, standards=standards, today=today)
        evaluate_snapshot(snap, customer_rules, evaluation, keep_ids=not scope.is_full)
        done += len(chunk)
        progress(done, len(ids))


def evaluate_across(
    scope: snapshot.Scope,
    rules: Sequence[Rule],
    standards: Standards,
    today: date,
    evaluation: Evaluation,
) -> None:
    """The rules that judge a customer against the whole archive, once a run: the
    customers concerned are found by one set-based query, then read like a slice."""
    across = [r for r in rules if r.scope == "archive"]
    if not across:
        return
    in_scope = sorted(evaluation.customer_ids)
    across_data = snapshot.load_across(scope, in_scope)
    concerned = across_data.customers if scope.is_full else across_data.customers & set(in_scope)
    concerned = sorted(concerned)
    for chunk in snapshot.slices(concerned):
        snap = snapshot.load_slice(
            chunk, network=Network(), standards=standards, today=today, across=across_data
        )
        _add_hits(snap, across, evaluation)


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


Evaluator = Callable[..., tuple[Evaluation, date | None]]


def execute(
    run: ValidationRun,
    scope: snapshot.Scope,
    rules: Sequence[Rule],
    *,
    today: date,
    progress: Callable[[int], None] = lambda percent: None,
    evaluator: Evaluator = evaluate,
) -> None:
    """Evaluate on one state of the archive (here, or spread over workers by
    `evaluator`), then store; the caller commits (or rolls back, and nothing is written)."""
    evaluation, effective_on = evaluator(scope, rules, today=today, progress=progress)
    counts = store(run, scope, rules, evaluation)
    run.counts = counts
    run.customers_checked = evaluation.checked
    run.thresholds_effective_on = effective_on
    if scope.customer_ids is None:
        run.indicators = evaluation.indicators()
    run.status = RunStatus.DONE.value
    run.progress = 100
    run.finished_at = utcnow()
