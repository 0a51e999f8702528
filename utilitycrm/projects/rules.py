"""What an application must satisfy before it is accepted (domain.md §4): pure functions
of the request and the facts loaded for it, each returning the messages that refuse it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l

from utilitycrm.archive.enums import CustomerStatus, TransformerState
from utilitycrm.archive.standards import DEFAULT, Standards
from utilitycrm.projects.types import BusinessType as T

# What each type does to the existing transformers it names, and the state they must be in.
ACTS_ON = {
    T.REDUCE: ("reduce", TransformerState.RUNNING),
    T.REDUCE_RESTORE: ("restore", TransformerState.SEALED),
    T.SUSPEND: ("suspend", TransformerState.RUNNING),
    T.SUSPEND_RESTORE: ("resume", TransformerState.PAUSED),
    T.TEMPORARY_SWAP: ("swap", TransformerState.RUNNING),
    T.SPLIT: ("move", TransformerState.RUNNING),
}
ADDS = frozenset({T.NEW, T.INCREASE, T.TEMPORARY_SWAP})


@dataclass(frozen=True)
class ExistingTransformer:
    code: str
    state: str
    rated_kva: int


@dataclass
class Application:
    """The request with the facts it is judged on (loaded in bulk by the service)."""

    business_type: T
    accepted_on: date
    earliest_effective_on: date  # notice_workdays working days after acceptance
    customer_status: str | None  # None: a prospective customer made at acceptance
    applicant_name: str | None = None
    customer_category: str | None = None
    customer_voltage_kv: str | None = None
    customer_name: str | None = None
    is_high_voltage: bool = False
    is_dual_source: bool = False
    active_project: str | None = None  # the number of the customer's project in progress
    transformers: dict[int, ExistingTransformer] = field(default_factory=dict)
    acted_on: list[int] = field(default_factory=list)
    added_kva: list[int] = field(default_factory=list)
    source_count: int = 0
    effective_on: date | None = None
    ends_on: date | None = None
    new_name: str | None = None
    new_id_number: str | None = None
    new_address: str | None = None
    new_supply_point: bool = False
    new_category: str | None = None
    new_voltage_kv: str | None = None
    # For a merge: the other account's status and project in progress, None if unknown.
    other_customer: tuple[str, str | None] | None = None
    other_is_same: bool = False
    reduced_on: dict[int, date] = field(default_factory=dict)  # latest completed 减容
    suspended: list[tuple[date, date]] = field(default_factory=list)  # earlier 暂停 periods
    standards: Standards = DEFAULT  # the limits in effect on the day of acceptance


Rule = Callable[[Application], list[str]]


def _customer(app: Application) -> list[str]:
    status = app.customer_status
    if status is None:
        if app.business_type is not T.NEW:
            return [_l("Choose the customer's account.")]
        return [] if app.applicant_name else [_l("Give the applicant's name.")]
    if status == CustomerStatus.CLOSED.value:
        return [_l("The account is closed (销户); a new supply there is a new connection.")]
    if status == CustomerStatus.APPLYING.value:
        return [_l("The customer is still applying; finish that project first.")]
    if app.business_type is T.REINSTALL and status != CustomerStatus.SUSPENDED.value:
        return [_l("Only a temporarily removed (暂拆) account can be reinstalled.")]
    if app.business_type is T.TEMPORARY_REMOVAL and status != CustomerStatus.ACTIVE.value:
        return [_l("Only an account in use can be temporarily removed.")]
    return []


def _one_at_a_time(app: Application) -> list[str]:
    if app.active_project:
        return [
            _l(
                "Project %(number)s is in progress for this customer; finish or cancel it first.",
                number=app.active_project,
            )
        ]
    return []


def _equipment(app: Application) -> list[str]:
    messages = []
    if app.business_type in ADDS and not app.added_kva:
        messages.append(_l("Give the transformers the customer applies for."))
    if app.business_type is T.TEMPORARY_SWAP and len(app.added_kva) > 1:
        messages.append(_l("A temporary swap (暂换) puts one transformer in place of one."))
    if app.business_type is T.NEW and app.is_high_voltage and app.source_count == 0:
        messages.append(_l("Give the power source a new high-voltage supply connects to."))
    if app.is_dual_source and app.business_type is T.NEW and app.source_count < 2:
        messages.append(_l("A dual-source supply needs two power sources."))
    return messages


def _acted_on(app: Application) -> list[str]:
    if app.business_type not in ACTS_ON:
        return []
    _action, required = ACTS_ON[app.business_type]
    if not app.acted_on:
        return [_l("Choose the transformers the change acts on (whole transformers).")]
    messages = []
    for transformer_id in app.acted_on:
        existing = app.transformers.get(transformer_id)
        if existing is None:
            messages.append(_l("A chosen transformer does not belong to this customer."))
        elif existing.state != required.value:
            messages.append(
                _l(
                    "Transformer %(code)s is %(state)s; this change needs one that is "
                    "%(required)s.",
                    code=existing.code,
                    state=TransformerState(existing.state).label,
                    required=required.label,
                )
            )
    running = [i for i, t in app.transformers.items() if t.state == TransformerState.RUNNING]
    if app.business_type is T.TEMPORARY_SWAP and len(app.acted_on) != 1:
        messages.append(_l("A temporary swap (暂换) puts one transformer in place of one."))
    if app.business_type in (T.REDUCE, T.SPLIT) and set(running) <= set(app.acted_on):
        messages.append(
            _l("Not every transformer: a reduction to nothing is a suspension or a closing.")
            if app.business_type is T.REDUCE
            else _l("A split leaves the account at least one transformer.")
        )
    return messages


def _notice(app: Application) -> list[str]:
    if not app.business_type.is_change_of_use:
        return []
    if app.effective_on is None:
        return [_l("Give the day the change takes effect.")]
    if app.effective_on < app.earliest_effective_on:
        return [
            _l(
                "A change is requested at least %(days)d working days ahead: the earliest "
                "day is %(day)s.",
                days=app.standards.notice_workdays,
                day=app.earliest_effective_on.isoformat(),
            )
        ]
    return []


def year_days(periods: list[tuple[date, date]], year: int) -> int:
    """Days of the periods that fall in one calendar year (end day not counted)."""
    start, end = date(year, 1, 1), date(year + 1, 1, 1)
    return sum(max(0, (min(b, end) - max(a, start)).days) for a, b in periods)


def _suspension(app: Application) -> list[str]:
    if app.business_type is not T.SUSPEND or app.effective_on is None:
        return []
    if app.ends_on is None:
        return [_l("Give the day the suspension ends.")]
    days = (app.ends_on - app.effective_on).days
    if days < app.standards.pause_min_days:
        return [
            _l(
                "A suspension (暂停) lasts at least %(days)d days.",
                days=app.standards.pause_min_days,
            )
        ]
    periods = [*app.suspended, (app.effective_on, app.ends_on)]
    for year in range(app.effective_on.year, app.ends_on.year + 1):
        if year_days(periods, year) > app.standards.pause_max_days:
            return [
                _l(
                    "Suspensions may total at most %(months)d months (%(limit)d days) in a "
                    "calendar year; in %(year)d this one would make %(days)d days.",
                    months=app.standards.pause_max_months,
                    limit=app.standards.pause_max_days,
                    year=year,
                    days=year_days(periods, year),
                )
            ]
    return []


def _restore_window(app: Application) -> list[str]:
    if app.business_type is not T.REDUCE_RESTORE or app.effective_on is None:
        return []
    messages = []
    for transformer_id in app.acted_on:
        reduced = app.reduced_on.get(transformer_id)
        existing = app.transformers.get(transformer_id)
        if existing is None:
            continue
        if reduced is None or app.effective_on - reduced > timedelta(
            days=app.standards.restore_within_days
        ):
            messages.append(
                _l(
                    "Transformer %(code)s was not reduced within the last two years: "
                    "apply for a capacity increase (增容) instead.",
                    code=existing.code,
                )
            )
    return messages


def _what_changes(app: Application) -> list[str]:
    kind = app.business_type
    if kind is T.RELOCATE:
        if app.new_supply_point:
            return [_l("A move to a new supply point is a new connection (新装): apply as one.")]
        if not app.new_address:
            return [_l("Give the new address.")]
    if kind in (T.RENAME, T.TRANSFER, T.SPLIT) and not app.new_name:
        return [_l("Give the new name.")]
    if kind is T.RENAME and app.new_name == app.customer_name:
        return [_l("The new name is the name already recorded.")]
    if kind is T.TRANSFER and not app.new_id_number:
        return [_l("Give the new holder's identification number.")]
    if kind is T.CATEGORY_CHANGE and app.new_category in (None, app.customer_category):
        return [_l("Choose a category other than the recorded one.")]
    if kind is T.VOLTAGE_CHANGE and app.new_voltage_kv in (None, app.customer_voltage_kv):
        return [_l("Choose a voltage other than the recorded one.")]
    if kind is T.MERGE:
        return _merge(app)
    return []


def _merge(app: Application) -> list[str]:
    if app.other_is_same:
        return [_l("An account cannot be merged into itself.")]
    if app.other_customer is None:
        return [_l("There is no account with the number to merge.")]
    status, active_project = app.other_customer
    if status != CustomerStatus.ACTIVE.value:
        return [_l("Only an account in use can be merged.")]
    if active_project:
        return [
            _l(
                "Project %(number)s is in progress for the account to merge.",
                number=active_project,
            )
        ]
    return []


RULES: tuple[Rule, ...] = (
    _customer,
    _one_at_a_time,
    _equipment,
    _acted_on,
    _notice,
    _suspension,
    _restore_window,
    _what_changes,
)


def refusals(app: Application) -> list[str]:
    return [str(message) for rule in RULES for message in rule(app)]
