"""Contract: the signed contract against the archive, and contracts running out."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from flask_babel import lazy_gettext as _l

from utilitycrm.contracts.terms import differences
from utilitycrm.contracts.types import ContractStatus
from utilitycrm.validation.facts import Contract, Snapshot
from utilitycrm.validation.registry import Family, Hit, Ref, Severity, rule
from utilitycrm.validation.rules import refs

FAMILY = Family.CONTRACT


def _ref(contract: Contract) -> Ref:
    return Ref("contract", contract.id, contract.number)


@rule(
    "contract.stale",
    family=FAMILY,
    severity=Severity.ERROR,
    title=_l("Signed contract differs from the archive"),
    # One message per tracked term (contracts.terms.TERM_LABELS).
    messages={
        "lines": _l(
            "Signed contract %(number)s names the supply lines “%(was)s”; the archive now "
            "says “%(now)s”."
        ),
        "boundary": _l(
            "Signed contract %(number)s states the property boundary “%(was)s”; the archive "
            "now says “%(now)s”."
        ),
        "capacity": _l(
            "Signed contract %(number)s states the capacity %(was)s; the archive now says %(now)s."
        ),
        "category": _l(
            "Signed contract %(number)s states the category of use “%(was)s”; the archive "
            "now says “%(now)s”."
        ),
        "metering": _l(
            "Signed contract %(number)s states the metering “%(was)s”; the archive now says "
            "“%(now)s”."
        ),
        "tariff": _l(
            "Signed contract %(number)s states the tariff “%(was)s”; the archive now says "
            "“%(now)s”."
        ),
    },
    why=_l(
        "A contract stops proving what was agreed once the archive's line, capacity, category, metering, boundary or tariff moves on without it."
    ),
)
def stale(snap: Snapshot) -> Iterator[Hit]:
    for customer in snap.customers:
        for contract in snap.contracts.get(customer.id, ()):
            if contract.frozen is None or contract.current is None:
                continue
            for change in differences(contract.frozen, contract.current):
                yield Hit(
                    (_ref(contract), refs.customer(customer)),
                    customer.id,
                    key=change.key,
                    params={"number": contract.number, "was": change.was, "now": change.now},
                )  # fmt: skip


@rule(
    "contract.expiry",
    family=FAMILY,
    severity=Severity.WARNING,
    title=_l("Contract expired or expiring"),
    messages={
        "expired": _l(
            "Supply contract %(number)s ended on %(day)s and no contract is in force: renew it."
        ),
        "expiring": _l("Supply contract %(number)s ends on %(day)s: prepare the renewal."),
    },
    why=_l(
        "Supplying without a contract in force leaves disputes without a basis; the renewal is prepared within the notice period (a threshold) before the end."
    ),
)
def expiry(snap: Snapshot) -> Iterator[Hit]:
    notice = timedelta(days=snap.standards.contract_notice_days)
    for customer in snap.customers:
        contracts = snap.contracts.get(customer.id, ())
        signed = [c for c in contracts if c.status == ContractStatus.SIGNED.value and c.ends_on]
        for contract in signed:
            if contract.ends_on < snap.today:
                key = "expired"
            elif contract.ends_on <= snap.today + notice:
                key = "expiring"
            else:
                continue
            yield Hit((_ref(contract), refs.customer(customer)), customer.id, key=key,
                      params={"number": contract.number, "day": contract.ends_on.isoformat()})  # fmt: skip
        if not signed and contracts:
            latest = max(contracts, key=lambda c: c.ends_on or snap.today)
            yield Hit((_ref(latest), refs.customer(customer)), customer.id, key="expired",
                      params={"number": latest.number, "day": latest.ends_on.isoformat()})  # fmt: skip
