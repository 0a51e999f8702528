"""The rule registry: small pure functions of a snapshot, each with a stable id.

A rule yields `Hit`s; the engine turns them into findings. The id, family and severity
are the rule's contract with stored findings and reports, so they never change once
released; the message templates are translated when a finding is shown, from the
rule's `messages` and the hit's `params`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from utilitycrm.archive.enums import (
    Category,
    Importance,
    MeteringClass,
    MeteringMethod,
    PowerFactorStandard,
    TariffStructure,
    VoltageLevel,
)
from utilitycrm.core.labels import LABELS, Labelled, label


class Severity(Labelled):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Family(Labelled):
    COMPLETENESS = "completeness"
    IDENTITY = "identity"
    TOPOLOGY = "topology"
    CAPACITY = "capacity"
    TARIFF = "tariff"
    METERING = "metering"
    CONTRACT = "contract"
    LINE_LOSS = "line_loss"


LABELS[Severity] = {
    Severity.ERROR: _l("Error"),
    Severity.WARNING: _l("Warning"),
    Severity.INFO: _l("Information"),
}
LABELS[Family] = {
    Family.COMPLETENESS: _l("Completeness"),
    Family.IDENTITY: _l("Identity"),
    Family.TOPOLOGY: _l("Topology (站-线-变-户)"),
    Family.CAPACITY: _l("Capacity"),
    Family.TARIFF: _l("Tariff"),
    Family.METERING: _l("Metering"),
    Family.CONTRACT: _l("Contract"),
    Family.LINE_LOSS: _l("Line loss (线损)"),
}

# Message parameters holding a coded value, shown by its label in the reader's language.
CODED_PARAMS = {
    "category": Category,
    "expected_category": Category,
    "tariff_category": Category,
    "voltage": VoltageLevel,
    "tariff_voltage": VoltageLevel,
    "structure": TariffStructure,
    "expected_structure": TariffStructure,
    "pf": PowerFactorStandard,
    "expected_pf": PowerFactorStandard,
    "method": MeteringMethod,
    "expected_method": MeteringMethod,
    "metering_class": MeteringClass,
    "expected_class": MeteringClass,
    "importance": Importance,
}


@dataclass(frozen=True)
class Ref:
    """An archive object a finding points at: its table, id and how people name it."""

    type: str
    id: int
    label: str

    def as_dict(self) -> dict:
        return {"type": self.type, "id": self.id, "label": self.label}


@dataclass(frozen=True)
class Hit:
    """One thing a rule found wrong. `objects` name what is wrong, most specific first;
    `key` picks the message template and `params` fill it."""

    objects: tuple[Ref, ...]
    customer_id: int | None = None
    line_id: int | None = None
    key: str = "default"
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Rule:
    id: str
    family: Family
    severity: Severity
    title: object  # lazy string
    messages: dict[str, object]
    check: Callable[..., Iterator[Hit]]
    why: object  # lazy string: why the rule matters, shown with its findings
    # customer: judged per customer, so a run for some customers can resolve its findings;
    # network: judged on lines, substations or switches, within one closed network;
    # archive: a customer judged against the whole archive (one set-based step a run).
    scope: str = "customer"

    @property
    def description(self) -> str:
        return str(self.why)

    def message(self, key: str, params: dict) -> str:
        template = self.messages[key]
        shown = {
            name: label(value, CODED_PARAMS[name]) if name in CODED_PARAMS else value
            for name, value in params.items()
        }
        return str(template) % shown


RULES: dict[str, Rule] = {}


def rule(
    rule_id: str,
    *,
    family: Family,
    severity: Severity,
    title,
    messages: dict[str, object],
    why,
    scope: str = "customer",
):
    """Register a rule function under a stable id; `why` is what the finding page says of
    it, in the user's language."""

    def register(check):
        if rule_id in RULES:
            raise ValueError(f"rule {rule_id} is registered twice")
        RULES[rule_id] = Rule(rule_id, family, severity, title, messages, check, why, scope)
        return check

    return register
