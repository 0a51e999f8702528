"""What the first validation after an import will report: the dry run of an import asks
(the archive's registry of trial checks), with the file's rows written in a savepoint."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from sqlalchemy import func, select

from utilitycrm.archive.models import Customer
from utilitycrm.core.dates import local_today
from utilitycrm.core.extensions import db
from utilitycrm.validation.engine import evaluate_as_seen
from utilitycrm.validation.registry import RULES, Family
from utilitycrm.validation.snapshot import Scope


def findings_by_family(customer_ids: Sequence[int]) -> list[tuple[object, int]]:
    """(family label, findings) the rules report for these customers, as the caller's
    transaction sees them; the families that report none are left out."""
    if not customer_ids:
        return []
    # A file of every customer (a migration's) is checked as a whole-archive run is.
    every = len(customer_ids) >= db.session.scalar(select(func.count(Customer.id)))
    scope = Scope() if every else Scope(customer_ids=tuple(sorted(customer_ids)))
    evaluation, _effective_on = evaluate_as_seen(scope, list(RULES.values()), today=local_today())
    counts = Counter(item.rule.family for item in evaluation.found.values())
    return [(family.label, counts[family]) for family in Family if counts[family]]
