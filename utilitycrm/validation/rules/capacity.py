"""Capacity: 运行容量 and 合同容量 against the transformers, and pauses within their limit."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

from flask_babel import lazy_gettext as _l

from utilitycrm.archive import standards
from utilitycrm.archive.enums import TransformerState
from utilitycrm.validation import facts
from utilitycrm.validation.facts import Snapshot
from utilitycrm.validation.registry import Family, Hit, Severity, rule
from utilitycrm.validation.rules import refs

FAMILY = Family.CAPACITY


@rule(
    "capacity.transformer_sum",
    family=FAMILY,
    severity=Severity.ERROR,
    title=_l("Capacity disagrees with the transformers"),
    messages={
        "operating": _l(
            "The operating capacity (运行容量) is %(recorded)s kVA; the transformers in service "
            "add up to %(expected)s kVA."
        ),
        "contract": _l(
            "The contract capacity (合同容量) is %(recorded)s kVA; the transformers not removed "
            "add up to %(expected)s kVA."
        ),
    },
    why=_l(
        "运行容量 = Σ running transformers and HV motors; 合同容量 = Σ those not removed. Paused and sealed transformers count only in the contract capacity."
    ),
)
def transformer_sum(snap: Snapshot) -> Iterator[Hit]:
    for customer in snap.customers:
        own = snap.network.transformers_of[customer.id]
        if not own:
            continue  # low-voltage customers on a public transformer
        for key, recorded, expected in (
            ("operating", customer.operating_capacity_kva, standards.operating_capacity(own)),
            ("contract", customer.contract_capacity_kva, standards.contract_capacity(own)),
        ):
            if recorded != expected:
                yield Hit(
                    (refs.customer(customer),),
                    customer.id,
                    key=key,
                    params={"recorded": recorded, "expected": expected},
                )


@rule(
    "capacity.operating_above_contract",
    family=FAMILY,
    severity=Severity.ERROR,
    title=_l("Operating capacity above contract capacity"),
    messages={
        "default": _l(
            "The operating capacity %(operating)s kVA exceeds the contract capacity "
            "%(contract)s kVA."
        ),
    },
    why=_l("A customer cannot run more than it contracted for."),
)
def operating_above_contract(snap: Snapshot) -> Iterator[Hit]:
    for customer in snap.customers:
        if customer.operating_capacity_kva > customer.contract_capacity_kva:
            yield Hit(
                (refs.customer(customer),),
                customer.id,
                params={
                    "operating": customer.operating_capacity_kva,
                    "contract": customer.contract_capacity_kva,
                },
            )


def paused_days(
    transformer: facts.Transformer, changes: list[facts.StateChange], today: date
) -> int | None:
    """Days paused since 1 January, from the state changes of this year; None when the
    archive does not say when the current pause began."""
    start = datetime(today.year, 1, 1, tzinfo=UTC)
    paused = TransformerState.PAUSED.value
    # The state on 1 January: the old state of the first change, else the current one.
    state = changes[0].old if changes else transformer.state
    if state == paused and not changes:
        return None
    days, since = 0, start if state == paused else None
    for change in changes:
        if change.new == paused and since is None:
            since = change.at
        elif change.new != paused and since is not None:
            days += (change.at - since).days
            since = None
    if since is not None:
        days += (today - since.date()).days
    return days


@rule(
    "capacity.pause_too_long",
    family=FAMILY,
    severity=Severity.WARNING,
    title=_l("Transformer paused too long this year"),
    messages={
        "default": _l(
            "Transformer %(transformer)s has been paused (暂停) %(days)s days this year; a pause "
            "may last %(months)s months in a calendar year: restore it or reduce the capacity."
        ),
    },
    why=_l(
        "Pauses are limited per calendar year; beyond it the capacity must be reduced (减容) or restored, or the basic charge is wrongly waived."
    ),
)
def pause_too_long(snap: Snapshot) -> Iterator[Hit]:
    limit_days = snap.standards.pause_max_days
    for customer in snap.customers:
        for transformer in snap.network.transformers_of[customer.id]:
            changes = snap.network.state_changes.get(transformer.id, [])
            if not changes and transformer.state != TransformerState.PAUSED.value:
                continue
            days = paused_days(transformer, changes, snap.today)
            if days is not None and days > limit_days:
                yield Hit(
                    (refs.transformer(transformer), refs.customer(customer)),
                    customer.id,
                    params={
                        "transformer": transformer.code,
                        "days": days,
                        "months": snap.standards.pause_max_months,
                    },
                )
