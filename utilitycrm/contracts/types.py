"""The kinds and states of a supply contract, with their labels."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from utilitycrm.archive.enums import VoltageLevel
from utilitycrm.core.labels import LABELS, Labelled


class ContractKind(Labelled):
    HIGH_VOLTAGE = "hv"
    LOW_VOLTAGE = "lv"

    @classmethod
    def for_voltage(cls, voltage_kv: str) -> ContractKind:
        return cls.HIGH_VOLTAGE if VoltageLevel(voltage_kv).is_high_voltage else cls.LOW_VOLTAGE


class ContractStatus(Labelled):
    DRAFT = "draft"
    SIGNED = "signed"
    EXPIRED = "expired"
    TERMINATED = "terminated"


class ContractEventKind(Labelled):
    DRAFTED = "drafted"
    REGISTERED = "registered"
    CORRECTED = "corrected"
    SIGNED = "signed"
    SCAN = "scan"
    EXPIRED = "expired"
    TERMINATED = "terminated"


LABELS[ContractKind] = {
    ContractKind.HIGH_VOLTAGE: _l("High-voltage supply contract (高压供用电合同)"),
    ContractKind.LOW_VOLTAGE: _l("Low-voltage supply contract (低压供用电合同)"),
}
LABELS[ContractStatus] = {
    ContractStatus.DRAFT: _l("Draft"),
    ContractStatus.SIGNED: _l("Signed, in force"),
    ContractStatus.EXPIRED: _l("Expired"),
    ContractStatus.TERMINATED: _l("Terminated"),
}
LABELS[ContractEventKind] = {
    ContractEventKind.DRAFTED: _l("Draft created"),
    ContractEventKind.REGISTERED: _l("Registered from the signed paper"),
    ContractEventKind.CORRECTED: _l("Register entry corrected"),
    ContractEventKind.SIGNED: _l("Signed and frozen"),
    ContractEventKind.SCAN: _l("Scan of the signed paper attached"),
    ContractEventKind.EXPIRED: _l("Expired"),
    ContractEventKind.TERMINATED: _l("Terminated"),
}
